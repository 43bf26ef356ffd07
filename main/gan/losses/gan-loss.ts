import { tf } from '../tf.js';
import { registerComparisonGradients } from './comparison-grads.js';

export type GanMode = 'vanilla' | 'lsgan' | 'wgangp';

/**
 * The reference's GANLoss: vanilla = BCEWithLogits against 1/0, lsgan = MSE against 1/0,
 * wgangp = -mean(pred) for real, mean(pred) for fake.
 */
export function ganLoss(mode: GanMode, prediction: tf.Tensor, targetIsReal: boolean): tf.Scalar {
  return tf.tidy(() => {
    switch (mode) {
      case 'lsgan':
        return tf.mean(tf.square(tf.sub(prediction, targetIsReal ? 1 : 0)));
      case 'vanilla': {
        // max(x,0) - x*z + log(1 + exp(-|x|)): the numerically stable form PyTorch uses.
        const x = prediction;
        const xz = targetIsReal ? x : tf.zerosLike(x);
        return tf.mean(tf.add(tf.sub(tf.relu(x), xz), tf.log1p(tf.exp(tf.neg(tf.abs(x))))));
      }
      case 'wgangp':
        return targetIsReal ? tf.neg(tf.mean(prediction)) : tf.mean(prediction);
    }
  }) as tf.Scalar;
}

export function l1Loss(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.abs(tf.sub(a, b))));
}

/**
 * The reference's cal_gradient_penalty (type 'mixed', constant 1): ((‖∇D(x̂)‖₂ - 1)²)·λ on random
 * interpolates x̂ = α·real + (1-α)·fake, one α per sample. The 1e-16 keeps the norm differentiable at 0.
 */
export function gradientPenalty(
  critic: (x: tf.Tensor4D) => tf.Tensor,
  real: tf.Tensor4D,
  fake: tf.Tensor4D,
  seed: number,
  lambdaGp = 10,
): tf.Scalar {
  registerComparisonGradients();
  return tf.tidy(() => {
    const alpha = tf.randomUniform([real.shape[0], 1, 1, 1], 0, 1, 'float32', seed);
    const interpolates = tf.add(tf.mul(alpha, real), tf.mul(tf.sub(1, alpha), fake)) as tf.Tensor4D;
    const grad = tf.grad((x: tf.Tensor) => tf.sum(critic(x as tf.Tensor4D)))(interpolates);
    const flat = tf.reshape(tf.add(grad, 1e-16), [real.shape[0], -1]);
    const norms = tf.sqrt(tf.sum(tf.square(flat), 1));
    return tf.mul(tf.mean(tf.square(tf.sub(norms, 1))), lambdaGp);
  }) as tf.Scalar;
}
