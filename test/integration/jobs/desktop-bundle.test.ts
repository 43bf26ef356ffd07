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

describe('the bundled job process', () => {
  it('ships the wasm thread-pool script beside the job entry, and runs a job on two wasm threads', async () => {
    const entry = path.join(out, 'jobs', 'child-main.js');
    expect(existsSync(path.join(out, 'jobs', 'wasm-pthread-worker.cjs'))).toBe(true);
    const supervisor = new JobSupervisor({ entry, env: { ...process.env, TANDEM_BACKEND: 'wasm', TANDEM_WASM_THREADS: '2' } });
    const lines: string[] = [];
    supervisor.on((e) => {
      if (e.type === 'message' && e.message.type === 'ready') lines.push(e.message.backendLine);
    });
    try {
      const id = supervisor.enqueue({ kind: 'import', file: path.join(REFERENCE_DIR, 'pth', 'resnet6_ngf8_instance.pth'), out: path.join(out, 'imported.tandem') });
      const info = await supervisor.settled(id);
      expect(info.reason).toBeUndefined();
      expect(info.state).toBe('finished');
      expect(info.result).toMatchObject({ kind: 'import', generators: 1, arch: { netG: 'resnet_6blocks', ngf: 8 } });
      expect(lines[0]).toMatch(/wasm \(SIMD, 2 threads\)/);
      expect(existsSync(path.join(out, 'imported.tandem'))).toBe(true);
    } finally {
      await supervisor.shutdown();
    }
  });

  const noGpu = swiftShaderSkipReason();
  it.skipIf(noGpu)(`loads dawn.node from node_modules and runs a job on webgpu${noGpu ? ` (skipped: ${noGpu})` : ''}`, async () => {
    const entry = path.join(out, 'jobs', 'child-main.js');
    const supervisor = new JobSupervisor({ entry, env: { ...process.env, ...swiftShaderEnv(), TANDEM_BACKEND: 'webgpu' } });
    const lines: string[] = [];
    supervisor.on((e) => {
      if (e.type === 'message' && e.message.type === 'ready') lines.push(e.message.backendLine);
    });
    try {
      const id = supervisor.enqueue({ kind: 'import', file: path.join(REFERENCE_DIR, 'pth', 'resnet6_ngf8_instance.pth'), out: path.join(out, 'imported-webgpu.tandem') });
      const info = await supervisor.settled(id);
      expect(info.reason).toBeUndefined();
      expect(info.state).toBe('finished');
      expect(lines[0]).toBe('backend: webgpu (SwiftShader driver 5.0.0, vulkan, software) — requested via TANDEM_BACKEND=webgpu');
      expect(existsSync(path.join(out, 'imported-webgpu.tandem'))).toBe(true);
    } finally {
      await supervisor.shutdown();
    }
  }, 120_000);
});
