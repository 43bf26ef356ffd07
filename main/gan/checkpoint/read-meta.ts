// A checkpoint's meta without its tensors: the studio reads what a trainer saved while the studio
// was not listening (it crashed or was killed), at start, before anything runs.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { checkpointHeadLength, decodeCheckpointMeta, PREAMBLE_BYTES } from './format.js';

function readAt(fd: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/** Throws a CheckpointError naming the file when it is not a whole Tandem checkpoint. */
export function readCheckpointMetaSync(path: string): Record<string, unknown> {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = readAt(fd, Math.min(size, checkpointHeadLength(readAt(fd, PREAMBLE_BYTES))));
    return decodeCheckpointMeta(head, size, path);
  } finally {
    closeSync(fd);
  }
}
