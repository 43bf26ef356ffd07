import type { BackendReport, BackendVariant } from '../gan/backend/index.js';
import type { ChildMessageOf } from './protocol.js';

/** The studio's names for backends (its settings and estimates), by the variant a job started. */
const STUDIO_NAME: Readonly<Record<BackendVariant, NonNullable<ChildMessageOf<'ready'>['backend']>>> = {
  'tfjs-node-gpu': 'gpu',
  webgpu: 'webgpu',
  'tfjs-node': 'node',
  'wasm-simd': 'wasm',
  'wasm-simd-threads': 'wasm',
  cpu: 'cpu',
};

/** What a job says once its backend runs: the report line, the backend, and its GPU if any. */
export function readyMessage(report: BackendReport): ChildMessageOf<'ready'> {
  const adapter = report.adapter ? { adapter: report.adapter } : {};
  return { type: 'ready', backendLine: report.line, backend: STUDIO_NAME[report.variant], ...adapter };
}
