import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { currentBackendReport, initBackend, resolveBackendRequest } from '../../../main/gan/backend/index.js';

describe('resolveBackendRequest', () => {
  it('accepts every documented spelling, argument before TANDEM_BACKEND', () => {
    expect(resolveBackendRequest(undefined, {})).toBe('auto');
    expect(resolveBackendRequest('', { TANDEM_BACKEND: '' })).toBe('auto');
    expect(resolveBackendRequest('GPU', {})).toBe('tfjs-node-gpu');
    expect(resolveBackendRequest('WebGPU', {})).toBe('webgpu');
    expect(resolveBackendRequest('tensorflow-gpu', {})).toBe('tfjs-node-gpu');
    expect(resolveBackendRequest('node', {})).toBe('tfjs-node');
    expect(resolveBackendRequest('tensorflow', {})).toBe('tfjs-node');
    expect(resolveBackendRequest(undefined, { TANDEM_BACKEND: ' wasm ' })).toBe('wasm');
    expect(resolveBackendRequest('cpu', { TANDEM_BACKEND: 'wasm' })).toBe('cpu');
  });

  it('rejects unknown names, listing the valid ones', () => {
    expect(() => resolveBackendRequest('vulkan', {})).toThrow(
      /Unknown requested backend 'vulkan'.*auto, gpu\|tensorflow-gpu, webgpu, node\|tensorflow, wasm, cpu/,
    );
    expect(() => resolveBackendRequest(undefined, { TANDEM_BACKEND: 'metal' })).toThrow(/TANDEM_BACKEND 'metal'/);
  });
});

describe('initBackend', () => {
  it('an explicitly requested native backend that is not installed is an Error naming the choices', async () => {
    await expect(initBackend('node')).rejects.toThrow(/'node' is unavailable \(tfjs-node: not installed\)\. Valid choices: auto/);
    await expect(initBackend('gpu')).rejects.toThrow(/tfjs-node-gpu: not installed/);
    expect(currentBackendReport()).toBeNull();
  });

  it('auto picks threaded wasm here, explains the passed-over backends, and is idempotent', async () => {
    const saved = process.env.TANDEM_BACKEND;
    delete process.env.TANDEM_BACKEND;
    try {
      const report = await initBackend();
      expect(report.name).toBe('wasm');
      expect(tf.getBackend()).toBe('wasm');
      expect(report.tried.map((t) => [t.variant, t.ok])).toEqual([
        ['tfjs-node-gpu', false],
        ['webgpu', false],
        ['tfjs-node', false],
        [report.variant, true],
      ]);
      const cores = Math.min(8, os.availableParallelism());
      expect(report.threads).toBe(cores);
      expect(report.variant).toBe(cores > 1 ? 'wasm-simd-threads' : 'wasm-simd');
      // No GPU here: webgpu finds no Vulkan driver (or only SwiftShader, where a test environment points Vulkan at it).
      const webgpuReason = report.tried.find((t) => t.variant === 'webgpu')!.reason;
      expect(webgpuReason).toMatch(/^(no Vulkan driver installed|only a software adapter .*|no WebGPU adapter found)$/);
      expect(report.line).toBe(
        `backend: wasm (SIMD, ${cores} thread${cores > 1 ? 's' : ''}) — tfjs-node-gpu not installed; webgpu ${webgpuReason}; tfjs-node not installed`,
      );
      expect(await initBackend()).toBe(report);
      expect(await initBackend('wasm')).toBe(report);
      expect(currentBackendReport()).toBe(report);
    } finally {
      if (saved !== undefined) process.env.TANDEM_BACKEND = saved;
    }
  });

  it('switches when a different backend is requested, and back', async () => {
    const wasm = await initBackend('wasm');
    const cpu = await initBackend('cpu');
    expect(cpu).toMatchObject({ name: 'cpu', variant: 'cpu', threads: 1 });
    expect(cpu.line).toBe("backend: cpu (pure JS, 1 thread) — requested via argument 'cpu'");
    expect(tf.getBackend()).toBe('cpu');
    const again = await initBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(again.threads).toBe(wasm.threads);
  });

  it('registers gradients, so tfjs-core alone can differentiate', async () => {
    await initBackend('wasm');
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, 2, 3]));
    expect(Array.from(g.dataSync())).toEqual([2, 4, 6]);
  });
});
