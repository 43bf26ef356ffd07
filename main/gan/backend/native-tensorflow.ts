import * as tf from '@tensorflow/tfjs-core';

export type NativeVariant = 'tfjs-node-gpu' | 'tfjs-node';

export type NativeAttempt = { ok: true } | { ok: false; reason: string };

interface NodeBackendFlags {
  isUsingGpuDevice?: boolean;
}

/**
 * Loads @tensorflow/tfjs-node(-gpu) (optional dependencies whose install fetches libtensorflow)
 * and makes its 'tensorflow' backend current. For the GPU package a CUDA device must actually be
 * in use after a small op: without one, libtensorflow silently runs on the CPU.
 */
export async function tryNativeTensorflow(variant: NativeVariant): Promise<NativeAttempt> {
  // A variable specifier keeps TypeScript from demanding the (usually absent) package's types.
  const specifier: string = variant === 'tfjs-node-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
  try {
    await import(specifier);
  } catch (err) {
    return { ok: false, reason: describeImportFailure(err) };
  }
  try {
    if (!(await tf.setBackend('tensorflow'))) return { ok: false, reason: "its 'tensorflow' backend failed to start" };
    const probe = tf.tidy(() => tf.matMul(tf.ones([8, 8]), tf.ones([8, 8])));
    await probe.data();
    probe.dispose();
    if (variant === 'tfjs-node-gpu' && !(tf.backend() as unknown as NodeBackendFlags).isUsingGpuDevice) {
      return { ok: false, reason: 'loaded, but no CUDA device initialised' };
    }
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `loaded, but a test op failed: ${firstLine(err)}` };
  }
}

function describeImportFailure(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  const message = firstLine(err);
  if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes('@tensorflow/tfjs-node')) {
    return 'not installed';
  }
  return `failed to load: ${message}`;
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0] ?? text;
}
