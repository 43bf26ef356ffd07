// A failure between writing the temp file and renaming it, injected by failing rename().
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const failRename = vi.hoisted(() => ({ on: false }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    rename: async (from: string, to: string) => {
      if (failRename.on) throw Object.assign(new Error(`ENOSPC: no space left on device, rename '${from}' -> '${to}'`), { code: 'ENOSPC' });
      return actual.rename(from, to);
    },
  };
});

const { writeFileAtomic, isAtomicTempName } = await import('../../../main/gan/checkpoint/atomic-write.js');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tandem-atomic-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic when the final rename fails', () => {
  it('keeps the old file, removes the temp file and explains the failure', async () => {
    const path = join(dir, 'latest.ckpt');
    await writeFileAtomic(path, 'old checkpoint');
    failRename.on = true;
    try {
      await expect(writeFileAtomic(path, 'new checkpoint')).rejects.toThrow(
        `could not write ${path}: the disk holding ${dir} is full; free some space and try again`,
      );
    } finally {
      failRename.on = false;
    }
    expect(await readFile(path, 'utf8')).toBe('old checkpoint');
    expect((await readdir(dir)).filter(isAtomicTempName)).toEqual([]);
  });
});
