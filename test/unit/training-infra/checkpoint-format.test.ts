import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointContents } from '../../../main/gan/checkpoint/format.js';
import { readCheckpointMetaSync } from '../../../main/gan/checkpoint/read-meta.js';

function sample(): CheckpointContents {
  return {
    meta: { epoch: 7, iteration: 1234, options: { lr: 0.0002, name: 'facades ✓' }, rng: { s: [1, 2, 3, 4] } },
    tensors: [
      { name: 'G/model.0.weight', dtype: 'float32', shape: [2, 3], data: new Float32Array([1, -2, 3.5, 1e-30, -0, Number.NaN]) },
      { name: 'D/num_batches_tracked', dtype: 'int32', shape: [], data: new Int32Array([42]) },
      { name: 'empty', dtype: 'float32', shape: [0, 4], data: new Float32Array(0) },
      { name: 'odd', dtype: 'int32', shape: [3], data: new Int32Array([-1, 2 ** 31 - 1, -(2 ** 31)]) },
    ],
  };
}

/** Rebuilds the file around an edited JSON header, keeping the data section and the stale CRC. */
function withHeader(buf: Buffer, edit: (h: { meta: unknown; tensors: Record<string, unknown>[] }) => void): Buffer {
  const len = buf.readUInt32LE(12);
  const header = JSON.parse(buf.subarray(32, 32 + len).toString('utf8'));
  edit(header);
  const text = Buffer.from(JSON.stringify(header), 'utf8');
  const data = buf.subarray(Math.ceil((32 + len) / 64) * 64);
  const dataStart = Math.ceil((32 + text.length) / 64) * 64;
  const out = Buffer.alloc(dataStart + data.length);
  buf.copy(out, 0, 0, 32);
  out.writeUInt32LE(text.length, 12);
  text.copy(out, 32);
  data.copy(out, dataStart);
  return out;
}

describe('checkpoint format', () => {
  it('round-trips meta and tensors exactly, with 64-byte aligned data', () => {
    const c = sample();
    const buf = encodeCheckpoint(c);
    expect(buf.subarray(0, 8).toString('latin1')).toBe('TANDEMCK');
    expect(buf.readUInt32LE(8)).toBe(1);
    const back = decodeCheckpoint(buf, 'x.ckpt');
    expect(back.meta).toEqual(c.meta);
    expect(back.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual(c.tensors.map((t) => [t.name, t.dtype, t.shape]));
    back.tensors.forEach((t, i) => {
      expect(t.data.constructor).toBe(c.tensors[i]!.data.constructor);
      expect(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)).toEqual(
        Buffer.from(c.tensors[i]!.data.buffer, c.tensors[i]!.data.byteOffset, c.tensors[i]!.data.byteLength),
      );
      expect((t.data.byteOffset - buf.byteOffset) % 64).toBe(0);
    });
  });

  it('decodes a buffer whose data is not 4-byte aligned in memory (copies)', () => {
    const buf = encodeCheckpoint(sample());
    const shifted = Buffer.alloc(buf.length + 1).subarray(1);
    buf.copy(shifted);
    expect(Array.from(decodeCheckpoint(shifted).tensors[3]!.data)).toEqual([-1, 2 ** 31 - 1, -(2 ** 31)]);
  });

  it('reports truncation with the expected and actual sizes', () => {
    const buf = encodeCheckpoint(sample());
    expect(() => decodeCheckpoint(buf.subarray(0, buf.length - 10), 'runs/a/latest.ckpt')).toThrow(
      `checkpoint runs/a/latest.ckpt is truncated (expected ${buf.length} bytes, found ${buf.length - 10}): it was probably being written when the process stopped; use the previous checkpoint`,
    );
    expect(() => decodeCheckpoint(buf.subarray(0, 20), 'p')).toThrow(/checkpoint p is truncated \(expected at least 32 bytes, found 20\)/);
    expect(() => decodeCheckpoint(Buffer.concat([buf, Buffer.from([0])]), 'p')).toThrow(/1 unexpected bytes after its end/);
  });

  it('detects a flipped byte anywhere after the magic', () => {
    const buf = encodeCheckpoint(sample());
    const positions = [8 + 1, 30, 40, buf.length - 1, Math.floor(buf.length / 2)];
    for (const pos of positions) {
      const bad = Buffer.from(buf);
      bad[pos]! ^= 0x10;
      expect(() => decodeCheckpoint(bad, 'c.ckpt'), `byte ${pos}`).toThrow(
        /checkpoint c\.ckpt (is corrupted|is truncated|has unknown format version|has format version|has \d+ unexpected)/,
      );
    }
    const dataFlip = Buffer.from(buf);
    dataFlip[buf.length - 1]! ^= 1;
    expect(() => decodeCheckpoint(dataFlip, 'c.ckpt')).toThrow(
      /is corrupted \(CRC32 0x[0-9a-f]{8} does not match the stored 0x[0-9a-f]{8}\).*use the previous checkpoint/,
    );
  });

  it('rejects wrong magic, empty files and newer versions', () => {
    const buf = encodeCheckpoint(sample());
    const bad = Buffer.from(buf);
    bad.write('PK', 0, 'latin1');
    expect(() => decodeCheckpoint(bad, 'model.zip')).toThrow(/checkpoint model\.zip is not a Tandem checkpoint/);
    expect(() => decodeCheckpoint(Buffer.alloc(0), 'empty')).toThrow(/is not a Tandem checkpoint/);
    const newer = Buffer.from(buf);
    newer.writeUInt32LE(2, 8);
    expect(() => decodeCheckpoint(newer, 'n')).toThrow(/format version 2, newer than this Tandem reads \(1\): update Tandem/);
  });

  it('validates the tensor index even when the CRC matches', () => {
    const buf = encodeCheckpoint(sample());
    const fixCrc = (b: Buffer) => {
      // Recompute the CRC as a buggy writer would have, so only the index checks can catch it.
      b.writeUInt32LE(crc32(b.subarray(28), crc32(b.subarray(8, 24))) >>> 0, 24);
      return b;
    };
    const cases: [(h: { tensors: Record<string, unknown>[] }) => void, RegExp][] = [
      [(h) => (h.tensors[0]!['dtype'] = 'float64'), /unsupported dtype "float64"/],
      [(h) => (h.tensors[0]!['shape'] = [3, 3]), /shape \[3,3\] needs 36 bytes but 24 are recorded/],
      [(h) => (h.tensors[0]!['shape'] = [-2, -3]), /invalid shape/],
      [(h) => (h.tensors[3]!['offset'] = 1e6), /runs past the end of the data section/],
      [(h) => (h.tensors[3]!['offset'] = 8), /not 64-byte aligned/],
      [(h) => (h.tensors[1]!['offset'] = 0), /overlaps/],
      [(h) => (h.tensors[1]!['name'] = 'G/model.0.weight'), /appears twice/],
    ];
    for (const [edit, message] of cases) {
      const bad = fixCrc(withHeader(buf, edit));
      expect(() => decodeCheckpoint(bad, 'i.ckpt')).toThrow(message);
      expect(() => decodeCheckpoint(bad, 'i.ckpt')).toThrow(/checkpoint i\.ckpt has an invalid tensor/);
    }
    // Without recomputing the CRC the same edit is caught as corruption first.
    expect(() =>
      decodeCheckpoint(
        withHeader(buf, (h) => (h.tensors[0]!['dtype'] = 'int32')),
        'i',
      ),
    ).toThrow(/is corrupted/);
  });

  it('refuses to encode inconsistent tensors', () => {
    const c = sample();
    expect(() => encodeCheckpoint({ meta: {}, tensors: [{ ...c.tensors[0]!, shape: [5] }] })).toThrow(/shape \[5\] but 6 values/);
    expect(() => encodeCheckpoint({ meta: {}, tensors: [c.tensors[0]!, c.tensors[0]!] })).toThrow(/appears twice/);
    expect(() => encodeCheckpoint({ meta: {}, tensors: [{ ...c.tensors[0]!, dtype: 'int32' }] })).toThrow(/not a Int32Array/);
  });

  it('reads the meta of a file without its tensors, and names a truncated or foreign file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-meta-'));
    try {
      const buf = encodeCheckpoint(sample());
      const whole = join(dir, 'latest.tandem');
      writeFileSync(whole, buf);
      expect(readCheckpointMetaSync(whole)).toEqual(sample().meta);
      const cut = join(dir, 'cut.tandem');
      writeFileSync(cut, buf.subarray(0, buf.length - 8));
      expect(() => readCheckpointMetaSync(cut)).toThrow(/cut\.tandem is truncated \(expected \d+ bytes, found \d+\)/);
      const short = join(dir, 'short.tandem');
      writeFileSync(short, buf.subarray(0, 40));
      expect(() => readCheckpointMetaSync(short)).toThrow(/short\.tandem is truncated/);
      const png = join(dir, 'photo.tandem');
      writeFileSync(png, Buffer.from('\x89PNG\r\n\x1a\n0000000000000000000000000000', 'latin1'));
      expect(() => readCheckpointMetaSync(png)).toThrow(/is not a Tandem checkpoint/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
