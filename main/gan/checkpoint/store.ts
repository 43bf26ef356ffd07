import { open } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointContents, type CheckpointTensor } from './format.js';
import { writeFileAtomic } from './atomic-write.js';

export async function saveCheckpoint(path: string, contents: CheckpointContents): Promise<void> {
  await writeFileAtomic(path, encodeCheckpoint(contents));
}

export async function loadCheckpoint(path: string): Promise<CheckpointContents> {
  return decodeCheckpoint(await readWholeFile(path), path);
}

/** Reads in chunks: fs.readFile refuses files over 2 GiB, which large CycleGAN checkpoints can reach. */
async function readWholeFile(path: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES' || code === 'EPERM'
          ? 'cannot be read (no permission)'
          : (e as Error).message;
    throw new Error(`checkpoint ${path} ${why}`, { cause: e });
  }
  try {
    const { size } = await handle.stat();
    const buf = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(buf, filled, Math.min(size - filled, 1 << 30), filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buf.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/**
 * Reads tensors' values for a checkpoint, naming each `prefix + key`. The tensors are not disposed.
 * Only float32 and int32 tensors can be stored. The returned arrays may be the tensors' own
 * storage: treat them as read-only.
 */
export async function tensorsToCheckpoint(tensors: Map<string, tf.Tensor>, prefix = ''): Promise<CheckpointTensor[]> {
  const out: CheckpointTensor[] = [];
  for (const [key, t] of tensors) {
    const name = prefix + key;
    if (t.dtype !== 'float32' && t.dtype !== 'int32')
      throw new Error(`cannot checkpoint tensor ${name}: dtype ${t.dtype} is not float32 or int32`);
    // The cpu backend hands out its own storage rather than a copy; that is safe because tfjs
    // tensors are immutable (Variable.assign swaps storage), and avoids doubling peak memory.
    const data = (await t.data()) as Float32Array | Int32Array;
    out.push({ name, dtype: t.dtype, shape: [...t.shape], data });
  }
  return out;
}

/**
 * New tensors for the checkpoint entries whose names start with `prefix`, keyed by the rest of the
 * name. The caller owns (and must dispose) them.
 */
export function checkpointToTensors(tensors: readonly CheckpointTensor[], prefix = ''): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const t of tensors) {
    if (!t.name.startsWith(prefix)) continue;
    // Copy, so the tensor does not keep the whole file buffer alive through a view.
    const values = t.dtype === 'float32' ? Float32Array.from(t.data as Float32Array) : Int32Array.from(t.data as Int32Array);
    out.set(t.name.slice(prefix.length), tf.tensor(values, t.shape, t.dtype));
  }
  return out;
}
