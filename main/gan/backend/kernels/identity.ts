import type * as tf from '@tensorflow/tfjs-core';

type KernelFunc = tf.KernelConfig['kernelFunc'];

interface RefCountingBackend {
  incRef(dataId: tf.DataId): void;
}

/**
 * Identity without a copy: the output shares the input's data, as the cpu and webgl backends'
 * Identity do. tfjs-backend-wasm 4.22 copies the whole tensor instead (tf.clone, and the engine's
 * gradient bookkeeping run Identity), though its own Reshape already shares data the same way:
 * the backend counts references per data id (incRef here, disposeData frees the heap memory only
 * when the last tensor sharing it goes), so disposing the input leaves the output intact.
 * Nothing writes into a tensor's heap memory after it is made (kernels write only their fresh
 * outputs; variables take new data ids on assign), so sharing is safe. Strings go to the stock
 * kernel.
 */
export function identityKernel(stock: () => KernelFunc | null): tf.KernelConfig {
  return {
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      if (x.dtype === 'string') {
        const fallback = stock();
        if (!fallback) throw new Error('tfjs-backend-wasm has no Identity kernel to fall back on');
        return fallback(args);
      }
      (args.backend as unknown as RefCountingBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  };
}
