import { tf } from '../tf.js';
import type { ForwardContext } from './context.js';
import type { Layer } from './layer.js';
import { reflectPad2d } from './reflect-pad.js';

export class ReLU implements Layer {
  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.relu(x);
  }
}

export class LeakyReLU implements Layer {
  constructor(private readonly slope = 0.2) {}
  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.leakyRelu(x, this.slope);
  }
}

export class Tanh implements Layer {
  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tanh(x);
  }
}

export class ReflectionPad2d implements Layer {
  constructor(private readonly pad: number) {}
  forward(x: tf.Tensor4D): tf.Tensor4D {
    return reflectPad2d(x, this.pad);
  }
}

/** nn.ReplicationPad2d: repeat the edge rows and columns (built from slices so gradients fold back). */
export class ReplicationPad2d implements Layer {
  constructor(private readonly pad: number) {}
  forward(x: tf.Tensor4D): tf.Tensor4D {
    const repeatEdges = (t: tf.Tensor4D, axis: 1 | 2): tf.Tensor4D => {
      const n = t.shape[axis];
      const edge = (start: number): tf.Tensor4D => {
        const begin = [0, 0, 0, 0];
        const size = [...t.shape] as number[];
        begin[axis] = start;
        size[axis] = 1;
        return tf.slice(t, begin, size);
      };
      const first = edge(0);
      const last = edge(n - 1);
      return tf.concat([...Array(this.pad).fill(first), t, ...Array(this.pad).fill(last)], axis);
    };
    return repeatEdges(repeatEdges(x, 1), 2);
  }
}

/** nn.Dropout: Bernoulli keep mask scaled by 1/(1-p); the mask's seed comes from the run's RNG. */
export class Dropout implements Layer {
  constructor(private readonly p = 0.5) {}
  forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    if (!ctx.dropout || this.p === 0) return x;
    const keep = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', ctx.nextSeed()), this.p), 'float32');
    return tf.mul(x, tf.mul(keep, 1 / (1 - this.p)));
  }
}
