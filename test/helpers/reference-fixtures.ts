import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TorchTensor } from '../../main/gan/networks/network.js';
import { tf } from '../../main/gan/tf.js';

export const REFERENCE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'reference');

interface JsonTensor {
  shape: number[];
  dtype: string;
  data: number[];
}

export interface ParityFixture {
  meta: Record<string, unknown>;
  state_dict?: Record<string, JsonTensor>;
  [key: string]: unknown;
}

export function readParityFixture(name: string): ParityFixture {
  return JSON.parse(readFileSync(path.join(REFERENCE_DIR, 'parity', `${name}.json`), 'utf8')) as ParityFixture;
}

export function stateDictOf(f: ParityFixture, prefix = ''): Map<string, TorchTensor> {
  const out = new Map<string, TorchTensor>();
  for (const [k, v] of Object.entries(f.state_dict ?? {})) {
    if (!k.startsWith(prefix)) continue;
    out.set(k.slice(prefix.length), {
      shape: v.shape,
      data: v.dtype.startsWith('int') ? Int32Array.from(v.data) : Float32Array.from(v.data),
    });
  }
  return out;
}

/** An NCHW fixture tensor as an NHWC tfjs tensor. */
export function nhwc(t: unknown): tf.Tensor4D {
  const j = t as JsonTensor;
  return tf.tidy(() => tf.transpose(tf.tensor4d(j.data, j.shape as [number, number, number, number]), [0, 2, 3, 1]));
}

/** max |a - b|, read asynchronously (a GPU backend cannot read synchronously). */
export async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  return (await d.data().finally(() => d.dispose()))[0]!;
}
