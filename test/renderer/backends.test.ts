import { describe, expect, it } from 'vitest';
import type { BackendInfo } from '../../main/api/entities.js';
import { backendChoiceDisabled, backendChoiceLabel, backendShort } from '../../renderer/src/lib/backends.js';
import { estimateRun } from '../../main/api/run-estimate.js';
import { effectiveBackend } from '../../renderer/src/lib/stores/estimate.js';
import { defaultsFor } from '../../renderer/src/lib/stores/presets.js';

const info = (webgpu: BackendInfo['webgpu'], measured: BackendInfo['measured'] = {}): BackendInfo => ({
  requested: 'auto',
  installed: { gpu: false, node: false, wasm: true, cpu: true },
  lastReported: null,
  jobsAvailable: true,
  webgpu,
  measured,
});

describe('backend choices', () => {
  it('offer the GPU a job process found by name, say when it is software or missing', () => {
    expect(backendChoiceLabel('webgpu', info({ state: 'found', adapter: 'Apple M2 Pro', api: 'metal', software: false }))).toBe(
      'GPU: Apple M2 Pro (WebGPU, metal)',
    );
    expect(backendChoiceLabel('webgpu', info({ state: 'found', adapter: 'SwiftShader driver 5.0.0', api: 'vulkan', software: true }))).toBe(
      'webgpu: SwiftShader driver 5.0.0 (software, slower than wasm)',
    );
    expect(backendChoiceLabel('webgpu', info({ state: 'probing' }))).toBe('webgpu (looking for a GPU…)');
    const none = info({ state: 'none', reason: 'no Vulkan driver installed' });
    expect(backendChoiceLabel('webgpu', none)).toBe('webgpu (no GPU: no Vulkan driver installed)');
    expect(backendChoiceDisabled('webgpu', none)).toBe(true);
    expect(backendChoiceDisabled('webgpu', info({ state: 'probing' }))).toBe(false);
    expect(backendChoiceDisabled('gpu', none)).toBe(true);
  });

  it('auto means a hardware GPU when one was found, never a software one', () => {
    expect(effectiveBackend('auto', info({ state: 'found', adapter: 'Apple M2 Pro', api: 'metal', software: false }))).toBe('webgpu');
    expect(effectiveBackend('auto', info({ state: 'found', adapter: 'SwiftShader driver 5.0.0', api: 'vulkan', software: true }))).toBe(
      'wasm',
    );
    expect(effectiveBackend('auto', info({ state: 'probing' }))).toBe('wasm');
  });

  it("shortens a trainer's report line to the backend and its detail", () => {
    expect(backendShort("backend: webgpu (Apple M2 Pro, metal) — requested via argument 'webgpu'")).toBe('webgpu (Apple M2 Pro, metal)');
    expect(backendShort('backend: wasm (SIMD, 2 threads) — tfjs-node-gpu not installed; tfjs-node not installed')).toBe(
      'wasm (SIMD, 2 threads)',
    );
    expect(backendShort('backend: wasm (SIMD, 2 threads); tensorflow: not installed')).toBe('wasm (SIMD, 2 threads)');
  });
});

describe('estimates from measured speed', () => {
  it("scale the built-in figures by this machine's last run on the backend", () => {
    const small = { ...defaultsFor('cyclegan'), crop_size: 128, load_size: 143 };
    const big = defaultsFor('cyclegan');
    const modelled = estimateRun(big, 100, 'webgpu');
    expect(modelled.measured).toBe(false);
    // A run at crop 128 measured 3× slower than the built-in webgpu figure predicts for it.
    const predictedSmall = estimateRun(small, 1, 'webgpu').secondsPerIteration;
    const measured = { secondsPerIteration: 3 * predictedSmall, options: small, at: 1 };
    const scaled = estimateRun(big, 100, 'webgpu', measured);
    expect(scaled.measured).toBe(true);
    expect(scaled.secondsPerIteration).toBeCloseTo(3 * modelled.secondsPerIteration, 6);
    expect(estimateRun(small, 100, 'webgpu', measured).secondsPerIteration).toBeCloseTo(measured.secondsPerIteration, 9);
  });
});
