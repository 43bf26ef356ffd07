import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TorchTensor } from '../../../main/gan/networks/network.js';
import { tf } from '../../../main/gan/tf.js';

export const CUT_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'cut');

export interface JsonTensor {
  shape: number[];
  dtype: string;
  /** Nested lists, as the official fixture writes them. */
  data: unknown;
}

export function readCutFixture<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(CUT_DIR, `${name}.json`), 'utf8')) as T;
}

export function flat(t: JsonTensor): Float32Array {
  return Float32Array.from((t.data as unknown[]).flat(Infinity as 1) as number[]);
}

export function stateDictOf(sd: Record<string, JsonTensor>): Map<string, TorchTensor> {
  return new Map(Object.entries(sd).map(([k, t]) => [k, { shape: t.shape, data: flat(t) }]));
}

/** An NCHW fixture tensor as NHWC. */
export function nhwc(t: JsonTensor): tf.Tensor4D {
  return tf.tidy(() => tf.transpose(tf.tensor4d(flat(t), t.shape as [number, number, number, number]), [0, 2, 3, 1]));
}
