import { mkdtemp, readdir, readFile, rm, writeFile, mkdir, truncate, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { atomicTempPath, isAtomicTempName, writeFileAtomic } from '../../../main/gan/checkpoint/atomic-write.js';
import { checkpointToTensors, loadCheckpoint, saveCheckpoint, tensorsToCheckpoint } from '../../../main/gan/checkpoint/store.js';
import type { CheckpointContents } from '../../../main/gan/checkpoint/format.js';

let dir: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'tandem-ckpt-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function contents(epoch: number): CheckpointContents {
  return {
    meta: { epoch },
    tensors: [{ name: 'w', dtype: 'float32', shape: [2], data: new Float32Array([epoch, -epoch]) }],
  };
}

describe('writeFileAtomic', () => {
  it('writes and replaces a file, leaving no temp files', async () => {
    const path = join(dir, 'plain.txt');
    await writeFileAtomic(path, 'one');
    await writeFileAtomic(path, Buffer.from('two'));
    expect(await readFile(path, 'utf8')).toBe('two');
    expect((await readdir(dir)).filter(isAtomicTempName)).toEqual([]);
  });

  it('fails clearly when the parent "folder" is a regular file, and leaves nothing behind', async () => {
    // Tests run as root, where chmod cannot make a folder unwritable; a file as parent always fails.
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, 'x');
    await expect(writeFileAtomic(join(blocker, 'model.ckpt'), 'data')).rejects.toThrow(
      `could not write ${join(blocker, 'model.ckpt')}: part of the folder path ${blocker} is a file, not a folder; choose another location`,
    );
    await expect(writeFileAtomic(join(dir, 'missing', 'model.ckpt'), 'data')).rejects.toThrow(/folder .*missing does not exist/);
  });

  it('cleans up its temp file when the rename fails, keeping what was there', async () => {
    const target = join(dir, 'occupied');
    await mkdir(join(target, 'child'), { recursive: true }); // a non-empty folder cannot be renamed over
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow(/could not write .*occupied: /);
    expect((await stat(join(target, 'child'))).isDirectory()).toBe(true);
    expect((await readdir(dir)).filter(isAtomicTempName)).toEqual([]);
  });

  it('names temp files so leftovers can be recognised', () => {
    const tmp = atomicTempPath(join(dir, 'latest.ckpt'));
    const name = tmp.slice(dir.length + 1);
    expect(name.startsWith('.latest.ckpt.')).toBe(true);
    expect(isAtomicTempName(name)).toBe(true);
    expect(isAtomicTempName('latest.ckpt')).toBe(false);
  });
});

describe('saveCheckpoint / loadCheckpoint', () => {
  it('round-trips contents through a file', async () => {
    const path = join(dir, 'rt.ckpt');
    await saveCheckpoint(path, contents(3));
    const back = await loadCheckpoint(path);
    expect(back.meta).toEqual({ epoch: 3 });
    expect(Array.from(back.tensors[0]!.data)).toEqual([3, -3]);
  });

  it('a crash mid-write (temp written, never renamed) leaves the previous checkpoint intact', async () => {
    const path = join(dir, 'latest.ckpt');
    await saveCheckpoint(path, contents(1));
    // What a writer killed before its rename leaves: a partial temp file next to the target.
    const { encodeCheckpoint } = await import('../../../main/gan/checkpoint/format.js');
    const partial = encodeCheckpoint(contents(2)).subarray(0, 40);
    await writeFile(atomicTempPath(path), partial);
    const back = await loadCheckpoint(path);
    expect(back.meta).toEqual({ epoch: 1 });
    // The next successful save replaces it normally.
    await saveCheckpoint(path, contents(2));
    expect((await loadCheckpoint(path)).meta).toEqual({ epoch: 2 });
  });

  it('names the file and the problem for truncated and missing checkpoints', async () => {
    const path = join(dir, 'cut.ckpt');
    await saveCheckpoint(path, contents(5));
    const full = (await stat(path)).size;
    await truncate(path, full - 3);
    await expect(loadCheckpoint(path)).rejects.toThrow(
      `checkpoint ${path} is truncated (expected ${full} bytes, found ${full - 3}): it was probably being written when the process stopped; use the previous checkpoint`,
    );
    await expect(loadCheckpoint(join(dir, 'nope.ckpt'))).rejects.toThrow(`checkpoint ${join(dir, 'nope.ckpt')} does not exist`);
  });
});

describe('tensor map helpers', () => {
  it('convert Map<string, tf.Tensor> to checkpoint tensors and back, with prefixes, without leaks', async () => {
    const before = tf.memory().numTensors;
    const weights = new Map<string, tf.Tensor>([
      ['conv.weight', tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2])],
      ['steps', tf.scalar(9, 'int32')],
    ]);
    const moments = new Map<string, tf.Tensor>([['conv.weight', tf.fill([1, 2, 2, 2], 0.5)]]);
    const entries = [...(await tensorsToCheckpoint(weights, 'G/')), ...(await tensorsToCheckpoint(moments, 'optim/G/m/'))];
    expect(entries.map((e) => e.name)).toEqual(['G/conv.weight', 'G/steps', 'optim/G/m/conv.weight']);
    for (const t of weights.values()) expect(t.isDisposed).toBe(false);
    tf.dispose([...weights.values(), ...moments.values()]);

    const path = join(dir, 'maps.ckpt');
    await saveCheckpoint(path, { meta: {}, tensors: entries });
    const loaded = await loadCheckpoint(path);
    const g = checkpointToTensors(loaded.tensors, 'G/');
    expect([...g.keys()]).toEqual(['conv.weight', 'steps']);
    expect(g.get('conv.weight')!.shape).toEqual([1, 2, 2, 2]);
    expect(Array.from(g.get('conv.weight')!.dataSync())).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(g.get('steps')!.dtype).toBe('int32');
    expect(g.get('steps')!.dataSync()[0]).toBe(9);
    const m = checkpointToTensors(loaded.tensors, 'optim/G/m/');
    expect(Array.from(m.get('conv.weight')!.dataSync())).toEqual(new Array(8).fill(0.5));
    tf.dispose([...g.values(), ...m.values()]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses dtypes a checkpoint cannot hold', async () => {
    const b = tf.tensor1d([true, false], 'bool');
    await expect(tensorsToCheckpoint(new Map([['mask', b]]))).rejects.toThrow(/mask: dtype bool/);
    b.dispose();
  });
});
