import * as tf from '@tensorflow/tfjs-core';

/**
 * tfjs-core's Node build registers no gradient functions; only the ESM register_all_gradients
 * entry (not loadable by Node: extensionless relative imports) or the @tensorflow/tfjs union
 * package do. The union package writes into the same global registry, so loading it once is
 * enough for tf.grad/variableGrads over tfjs-core ops. (It also registers its cpu/webgl
 * backends, which is harmless: the backend is always chosen explicitly here.)
 */
export async function ensureGradientsRegistered(): Promise<void> {
  if (tf.getGradient('Conv2D') && tf.getGradient('Sum')) return;
  await import('@tensorflow/tfjs');
  if (!tf.getGradient('Conv2D')) {
    throw new Error('gradient functions are still missing after loading @tensorflow/tfjs (two different tfjs-core copies?)');
  }
}
