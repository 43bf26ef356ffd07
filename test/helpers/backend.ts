import { initBackend } from '../../main/gan/backend/index.js';

/**
 * Tests run on the backend artists get without native TensorFlow: wasm with our kernels. One wasm
 * thread per test process: vitest already runs two files at once on two cores, and the tiny
 * networks in tests are dominated by per-op overhead, which the threaded build makes ~3× larger.
 */
export async function useTestBackend(): Promise<void> {
  process.env.TANDEM_WASM_THREADS ??= '1';
  await initBackend(process.env.TANDEM_TEST_BACKEND ?? 'wasm');
}

/** For the tests of Tandem's own wasm kernels: the wasm backend itself, never a fallback. */
export async function useWasmBackend(): Promise<void> {
  const report = await initBackend('wasm');
  if (report.name !== 'wasm') throw new Error(`the wasm kernel tests need the wasm backend: ${report.line}`);
}
