import { tf } from '../../main/gan/tf.js';
import '@tensorflow/tfjs-backend-wasm';

/** Tests run on the backend artists get without native TensorFlow: wasm with our kernels. */
export async function useTestBackend(): Promise<void> {
  await tf.setBackend(process.env.TANDEM_TEST_BACKEND ?? 'wasm');
  await tf.ready();
}
