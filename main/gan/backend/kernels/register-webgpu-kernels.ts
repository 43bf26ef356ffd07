import * as tf from '@tensorflow/tfjs-core';

/** Kernels Tandem installs on 'webgpu': missing or wrong in tfjs-backend-webgpu 4.22. */
export const TANDEM_WEBGPU_KERNELS: readonly tf.KernelConfig[] = [];

/** Installs TANDEM_WEBGPU_KERNELS; safe to call repeatedly. Returns the kernel names now ours. */
export function registerTandemWebgpuKernels(): string[] {
  for (const config of TANDEM_WEBGPU_KERNELS) {
    const current = tf.getKernel(config.kernelName, 'webgpu');
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current) tf.unregisterKernel(config.kernelName, 'webgpu');
    tf.registerKernel(config);
  }
  return TANDEM_WEBGPU_KERNELS.map((k) => k.kernelName);
}
