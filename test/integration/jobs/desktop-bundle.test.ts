// The desktop build's job process as the packaged app runs it: bundled by scripts/build-desktop.mjs,
// started by the supervisor, importing a reference .pth on the threaded wasm backend (whose worker
// script must travel with the bundle).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobSupervisor } from '../../../main/jobs/supervisor.js';
import { REFERENCE_DIR } from '../../helpers/reference-fixtures.js';
import { REPO } from '../../helpers/run-cli.js';
import { swiftShaderEnv, swiftShaderSkipReason } from '../../helpers/webgpu-backend.js';

// Inside the repository (gitignored), so the bundles find node_modules as they do in out/.
const scratch = path.join(REPO, '.tmp');
let out: string;

beforeAll(async () => {
  mkdirSync(scratch, { recursive: true });
  out = mkdtempSync(path.join(scratch, 'desktop-'));
  await promisify(execFile)(process.execPath, [path.join(REPO, 'scripts/build-desktop.mjs'), '--out', out], { cwd: REPO });
}, 180_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

/** Imports the reference .pth through the bundled job entry; the job's outcome and the backend line its process reported. */
async function importThroughBundle(env: NodeJS.ProcessEnv, outFile: string) {
  const supervisor = new JobSupervisor({ entry: path.join(out, 'jobs', 'child-main.js'), env: { ...process.env, ...env } });
  const lines: string[] = [];
  supervisor.on((e) => {
    if (e.type === 'message' && e.message.type === 'ready') lines.push(e.message.backendLine);
  });
  try {
    const id = supervisor.enqueue({ kind: 'import', file: path.join(REFERENCE_DIR, 'pth', 'resnet6_ngf8_instance.pth'), out: outFile });
    return { info: await supervisor.settled(id), backendLine: lines[0] };
  } finally {
    await supervisor.shutdown();
  }
}

describe('the bundled job process', () => {
  it('ships the wasm thread-pool script beside the job entry, and runs a job on two wasm threads', async () => {
    expect(existsSync(path.join(out, 'jobs', 'wasm-pthread-worker.cjs'))).toBe(true);
    const file = path.join(out, 'imported.tandem');
    const { info, backendLine } = await importThroughBundle({ TANDEM_BACKEND: 'wasm', TANDEM_WASM_THREADS: '2' }, file);
    expect(info.reason).toBeUndefined();
    expect(info.state).toBe('finished');
    expect(info.result).toMatchObject({ kind: 'import', generators: 1, arch: { netG: 'resnet_6blocks', ngf: 8 } });
    expect(backendLine).toMatch(/wasm \(SIMD, 2 threads\)/);
    expect(existsSync(file)).toBe(true);
  });

  const noGpu = swiftShaderSkipReason();
  it.skipIf(noGpu)(
    `loads dawn.node from node_modules and runs a job on webgpu${noGpu ? ` (skipped: ${noGpu})` : ''}`,
    async () => {
      const file = path.join(out, 'imported-webgpu.tandem');
      const { info, backendLine } = await importThroughBundle({ ...swiftShaderEnv(), TANDEM_BACKEND: 'webgpu' }, file);
      expect(info.reason).toBeUndefined();
      expect(info.state).toBe('finished');
      expect(backendLine).toBe('backend: webgpu (SwiftShader driver 5.0.0, vulkan, software) — requested via TANDEM_BACKEND=webgpu');
      expect(existsSync(file)).toBe(true);
    },
    120_000,
  );
});
