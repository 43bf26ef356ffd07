/** What the user asked for, normalised: 'auto' walks the whole preference order. */
export type BackendRequest = 'auto' | 'tfjs-node-gpu' | 'webgpu' | 'tfjs-node' | 'wasm' | 'cpu';

const ALIASES: Readonly<Record<string, BackendRequest>> = {
  auto: 'auto',
  gpu: 'tfjs-node-gpu',
  'tensorflow-gpu': 'tfjs-node-gpu',
  webgpu: 'webgpu',
  node: 'tfjs-node',
  tensorflow: 'tfjs-node',
  wasm: 'wasm',
  cpu: 'cpu',
};

export const BACKEND_CHOICES = 'auto, gpu|tensorflow-gpu, webgpu, node|tensorflow, wasm, cpu';

/** The explicit argument wins over TANDEM_BACKEND; empty values mean 'auto'. */
export function resolveBackendRequest(request: string | undefined, env: NodeJS.ProcessEnv = process.env): BackendRequest {
  const fromArgument = request?.trim();
  const raw = fromArgument ? fromArgument : env.TANDEM_BACKEND?.trim();
  if (!raw) return 'auto';
  const resolved = ALIASES[raw.toLowerCase()];
  if (!resolved) {
    const source = fromArgument ? 'requested backend' : 'TANDEM_BACKEND';
    throw new Error(`Unknown ${source} '${raw}'. Valid choices: ${BACKEND_CHOICES}.`);
  }
  return resolved;
}
