import { tf } from '../tf.js';

/**
 * The gradient penalty differentiates a gradient, and tfjs's LeakyRelu/Relu gradients use
 * comparison ops (Greater, …) that have no gradient registered, so tf.grad throws on the second
 * pass. A comparison is piecewise constant: its gradient is zero wherever it is defined, which is
 * also what PyTorch's autograd uses for the mask in a leaky ReLU's backward.
 */
const COMPARISONS = ['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual'] as const;

let registered = false;

export function registerComparisonGradients(): void {
  if (registered) return;
  registered = true;
  for (const kernelName of COMPARISONS) {
    if (tf.getGradient(kernelName)) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [a, b] = saved as [tf.Tensor, tf.Tensor];
        return { a: () => tf.zerosLike(a), b: () => tf.zerosLike(b) };
      },
    });
  }
}
