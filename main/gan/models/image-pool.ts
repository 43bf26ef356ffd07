// The reference's history buffer of generated images (util/image_pool.py): discriminators are
// updated with a mix of current and earlier fakes, which stabilises GAN training.
//
// Draw order matches the reference per image: one uniform() once the pool is full, and a
// randint(0, poolSize - 1) only when that uniform is > 0.5.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/rng.js';

export class ImagePool {
  readonly poolSize: number;
  private readonly rng: Rng;
  /** Batch-1 images the pool owns (kept out of tidy scopes). */
  private images: tf.Tensor4D[] = [];

  constructor(poolSize: number, rng: Rng) {
    if (!Number.isSafeInteger(poolSize) || poolSize < 0) throw new RangeError(`ImagePool size must be an integer >= 0, got ${poolSize}`);
    this.poolSize = poolSize;
    this.rng = rng;
  }

  get size(): number {
    return this.images.length;
  }

  /**
   * Returns a batch the same size as `images`, each entry either the new image or one it displaced
   * from the pool. The caller owns the result and keeps ownership of `images`.
   */
  query(images: tf.Tensor4D): tf.Tensor4D {
    if (this.poolSize === 0) return tf.clone(images);
    const [n, h, w, c] = images.shape;
    const returned: tf.Tensor4D[] = [];
    const toDispose: tf.Tensor4D[] = [];
    for (let i = 0; i < n; i++) {
      const image = tf.keep(tf.slice(images, [i, 0, 0, 0], [1, h, w, c]));
      if (this.images.length < this.poolSize) {
        this.images.push(image);
        returned.push(image);
      } else if (this.rng.uniform() > 0.5) {
        const id = this.rng.randint(0, this.poolSize - 1);
        const stored = this.images[id] as tf.Tensor4D;
        this.images[id] = image;
        returned.push(stored);
        toDispose.push(stored);
      } else {
        returned.push(image);
        toDispose.push(image);
      }
    }
    try {
      return tf.concat(returned, 0);
    } finally {
      for (const t of toDispose) t.dispose();
    }
  }

  /** The stored images as new batch-1 handles the caller owns (tf.clone shares data: cheap). */
  exportState(): tf.Tensor4D[] {
    return this.images.map((t) => tf.clone(t));
  }

  /** Replaces the stored images with copies of `images` (3D, or 4D of batch 1); the caller keeps them. */
  importState(images: readonly (tf.Tensor3D | tf.Tensor4D)[]): void {
    if (images.length > this.poolSize) {
      throw new Error(`ImagePool: saved pool holds ${images.length} images but this pool's size is ${this.poolSize}`);
    }
    for (const [i, t] of images.entries()) {
      if (!(t.rank === 3 || (t.rank === 4 && t.shape[0] === 1))) {
        throw new Error(`ImagePool: saved image ${i} has shape [${t.shape}]; expected [H,W,C] or [1,H,W,C]`);
      }
    }
    const copies = images.map((t): tf.Tensor4D => tf.keep(t.rank === 3 ? tf.expandDims<tf.Tensor4D>(t, 0) : tf.clone(t as tf.Tensor4D)));
    this.dispose();
    this.images = copies;
  }

  dispose(): void {
    for (const t of this.images) t.dispose();
    this.images = [];
  }
}
