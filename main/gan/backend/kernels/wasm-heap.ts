import * as tf from '@tensorflow/tfjs-core';

/**
 * Direct access to tensor memory inside the wasm heap. tfjs-backend-wasm's own Slice/Concat read
 * a full copy of their input out of the heap on every call (Slice of a 16 MB tensor: ~90 ms),
 * which made per-tap slicing the bottleneck; copying runs between heap views avoids that.
 *
 * Views must be taken after the last allocation they coexist with: an allocation can grow the
 * heap and detach earlier views (the stock kernels follow the same rule).
 */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  wasm: { HEAPU8: Uint8Array; wasmMemory?: { buffer: ArrayBufferLike } };
}

function wasmBackend(): WasmBackendLike {
  const backend = tf.findBackend('wasm') as unknown as Partial<WasmBackendLike> | null;
  if (!backend?.makeOutput || !backend.typedArrayFromHeap) throw new Error('wasm backend is not started');
  return backend as WasmBackendLike;
}

/** A new float32 tensor in the wasm heap; its contents are uninitialised. */
export function allocateTensor<R extends tf.Rank>(shape: number[]): tf.Tensor<R> {
  const info = wasmBackend().makeOutput(shape, 'float32');
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor<R>;
}

/** A live Float32Array view of a float32 tensor held by the wasm backend. */
export function heapView(t: tf.TensorInfo): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`expected a float32 tensor, got ${t.dtype}`);
  const backend = wasmBackend();
  try {
    return backend.typedArrayFromHeap(t);
  } catch (err) {
    // In the threaded build a heap grown by a pool thread can leave the main thread's view of the
    // memory on its old length until it is re-read; typedArrayFromHeap reads HEAPU8's buffer.
    const memory = backend.wasm.wasmMemory;
    if (!(err instanceof RangeError) || !memory) throw err;
    backend.wasm.HEAPU8 = new Uint8Array(memory.buffer);
    return backend.typedArrayFromHeap(t);
  }
}
