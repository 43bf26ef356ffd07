// Tandem checkpoint file format, version 1. All integers little-endian.
//
//   offset  size  field
//        0     8  magic "TANDEMCK"
//        8     4  u32 format version (1)
//       12     4  u32 header length H (bytes of UTF-8 JSON)
//       16     8  u64 data length D
//       24     4  u32 CRC32 of every byte except the magic and this field: [8, 24) and [28, end)
//       28     4  u32 reserved, 0
//       32     H  JSON header: { meta, tensors: [{ name, dtype, shape, offset, byteLength }] }
//                 then zero padding up to the next multiple of 64
//   dataStart  D  raw tensor data; each tensor starts at a multiple of 64 from dataStart
//
// The fixed preamble lets a reader tell a truncated file (too short for its own declared lengths)
// from a corrupted one (right length, wrong CRC) and say which it is.
import { crc32 } from 'node:zlib';
import { endianness } from 'node:os';

export interface CheckpointTensor {
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
  /** On decode this may be a view into the decoded buffer rather than a copy. */
  data: Float32Array | Int32Array;
}

export interface CheckpointContents {
  /** Any JSON: resolved options, epoch, iteration, scheduler state, rng state, ... */
  meta: Record<string, unknown>;
  tensors: CheckpointTensor[];
}

interface TensorIndexEntry {
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
  /** Byte offset from the start of the data section. */
  offset: number;
  byteLength: number;
}

export const CHECKPOINT_MAGIC = 'TANDEMCK';
export const CHECKPOINT_FORMAT_VERSION = 1;
export const PREAMBLE_BYTES = 32;
const ALIGN = 64;
const BYTES_PER_ELEMENT = { float32: 4, int32: 4 } as const;

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

function assertLittleEndianHost(): void {
  // Tensor data is copied as raw typed-array bytes, which are host-endian.
  if (endianness() !== 'LE') throw new Error('Tandem checkpoints can only be read and written on little-endian machines');
}

function checksum(buf: Buffer): number {
  return crc32(buf.subarray(28), crc32(buf.subarray(8, 24))) >>> 0;
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function encodeCheckpoint(c: CheckpointContents): Buffer {
  assertLittleEndianHost();
  const seen = new Set<string>();
  const index: TensorIndexEntry[] = [];
  let dataLength = 0;
  for (const t of c.tensors) {
    if (typeof t.name !== 'string' || t.name === '') throw new Error('checkpoint tensor names must be non-empty strings');
    if (seen.has(t.name)) throw new Error(`checkpoint tensor ${t.name} appears twice`);
    seen.add(t.name);
    const expectedArray = t.dtype === 'float32' ? Float32Array : t.dtype === 'int32' ? Int32Array : null;
    if (expectedArray === null) throw new Error(`checkpoint tensor ${t.name} has unsupported dtype ${String(t.dtype)}`);
    if (!(t.data instanceof expectedArray))
      throw new Error(`checkpoint tensor ${t.name} is ${t.dtype} but its data is not a ${expectedArray.name}`);
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new Error(`checkpoint tensor ${t.name} has invalid shape [${t.shape}]`);
    }
    if (elementCount(t.shape) !== t.data.length) {
      throw new Error(`checkpoint tensor ${t.name} has shape [${t.shape}] but ${t.data.length} values`);
    }
    dataLength = alignUp(dataLength);
    index.push({ name: t.name, dtype: t.dtype, shape: [...t.shape], offset: dataLength, byteLength: t.data.byteLength });
    dataLength += t.data.byteLength;
  }

  const header = Buffer.from(JSON.stringify({ meta: c.meta, tensors: index }), 'utf8');
  const dataStart = alignUp(PREAMBLE_BYTES + header.length);
  const out = Buffer.alloc(dataStart + dataLength);
  out.write(CHECKPOINT_MAGIC, 0, 'latin1');
  out.writeUInt32LE(CHECKPOINT_FORMAT_VERSION, 8);
  out.writeUInt32LE(header.length, 12);
  out.writeBigUInt64LE(BigInt(dataLength), 16);
  header.copy(out, PREAMBLE_BYTES);
  c.tensors.forEach((t, i) => {
    const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    bytes.copy(out, dataStart + (index[i] as TensorIndexEntry).offset);
  });
  out.writeUInt32LE(checksum(out), 24);
  return out;
}

class CheckpointError extends Error {
  override name = 'CheckpointError';
}

type Fail = (what: string) => never;

function failerFor(source: string): Fail {
  return (what: string): never => {
    throw new CheckpointError(`checkpoint ${source} ${what}`);
  };
}

/** Checks the fixed preamble of a file of `fileLength` bytes whose first bytes are `buf`. */
function checkPreamble(buf: Buffer, fileLength: number, fail: Fail): { headerLength: number; dataLength: number; dataStart: number } {
  const magicLen = Math.min(buf.length, CHECKPOINT_MAGIC.length);
  if (buf.subarray(0, magicLen).toString('latin1') !== CHECKPOINT_MAGIC.slice(0, magicLen) || buf.length === 0) {
    fail('is not a Tandem checkpoint (its first bytes are not "TANDEMCK"): check that the path points at a checkpoint file');
  }
  if (buf.length < PREAMBLE_BYTES) {
    fail(
      `is truncated (expected at least ${PREAMBLE_BYTES} bytes, found ${buf.length}): it was probably being written when the process stopped; use the previous checkpoint`,
    );
  }
  const version = buf.readUInt32LE(8);
  if (version !== CHECKPOINT_FORMAT_VERSION) {
    fail(
      version > CHECKPOINT_FORMAT_VERSION
        ? `has format version ${version}, newer than this Tandem reads (${CHECKPOINT_FORMAT_VERSION}): update Tandem to load it`
        : `has unknown format version ${version} (this Tandem reads version ${CHECKPOINT_FORMAT_VERSION}): the file is damaged or not a Tandem checkpoint`,
    );
  }
  const headerLength = buf.readUInt32LE(12);
  const dataLength = Number(buf.readBigUInt64LE(16));
  const dataStart = alignUp(PREAMBLE_BYTES + headerLength);
  const expected = dataStart + dataLength;
  if (!Number.isSafeInteger(expected))
    fail(`declares an impossible size (data length ${dataLength}): the file is corrupted; use the previous checkpoint`);
  if (fileLength < expected) {
    fail(
      `is truncated (expected ${expected} bytes, found ${fileLength}): it was probably being written when the process stopped; use the previous checkpoint`,
    );
  }
  if (fileLength > expected) {
    fail(
      `has ${fileLength - expected} unexpected bytes after its end (expected ${expected} bytes, found ${fileLength}): the file is corrupted; use the previous checkpoint`,
    );
  }
  return { headerLength, dataLength, dataStart };
}

function parseHeader(buf: Buffer, headerLength: number, fail: Fail): { meta: Record<string, unknown>; tensors: unknown[] } {
  let header: unknown;
  try {
    header = JSON.parse(buf.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength).toString('utf8'));
  } catch (e) {
    fail(`has an unreadable header (${(e as Error).message}): the file is corrupted; use the previous checkpoint`);
  }
  if (!isRecord(header) || !isRecord(header['meta']) || !Array.isArray(header['tensors'])) {
    fail(
      'has a header without the expected "meta" object and "tensors" list: the file is corrupted or was written by an incompatible program',
    );
  }
  return header as { meta: Record<string, unknown>; tensors: unknown[] };
}

/** How many leading bytes hold a checkpoint's preamble and header, given its first 32 bytes. */
export function checkpointHeadLength(preamble: Buffer): number {
  return preamble.length >= PREAMBLE_BYTES ? PREAMBLE_BYTES + preamble.readUInt32LE(12) : PREAMBLE_BYTES;
}

/**
 * The meta of a checkpoint from its first bytes (preamble and header) and its size, without
 * reading the tensors or checking the CRC (which loading does).
 */
export function decodeCheckpointMeta(head: Buffer, fileLength: number, source = 'checkpoint'): Record<string, unknown> {
  assertLittleEndianHost();
  const fail = failerFor(source);
  const { headerLength } = checkPreamble(head, fileLength, fail);
  if (head.length < PREAMBLE_BYTES + headerLength) fail(`is truncated (its header needs ${headerLength} bytes)`);
  return parseHeader(head, headerLength, fail).meta;
}

export function decodeCheckpoint(buf: Buffer, source = 'checkpoint'): CheckpointContents {
  assertLittleEndianHost();
  const fail = failerFor(source);
  const { headerLength, dataLength, dataStart } = checkPreamble(buf, buf.length, fail);
  const storedCrc = buf.readUInt32LE(24);
  const actualCrc = checksum(buf);
  if (storedCrc !== actualCrc) {
    fail(
      `is corrupted (CRC32 ${hex(actualCrc)} does not match the stored ${hex(storedCrc)}): the file was damaged on disk or in transfer; use the previous checkpoint`,
    );
  }
  const header = parseHeader(buf, headerLength, fail);
  const { meta, tensors: rawIndex } = header;

  const names = new Set<string>();
  const tensors: CheckpointTensor[] = [];
  let previousEnd = 0;
  rawIndex.forEach((raw, i) => {
    const label = isRecord(raw) && typeof raw['name'] === 'string' ? `tensor "${raw['name']}"` : `tensor #${i}`;
    const bad = (what: string): never =>
      fail(`has an invalid ${label}: ${what}; the file is corrupted or was written by an incompatible program`);
    if (!isRecord(raw)) return bad('its index entry is not an object');
    const { name, dtype, shape, offset, byteLength } = raw;
    if (typeof name !== 'string' || name === '') bad('its name is not a non-empty string');
    if (names.has(name as string)) bad('the name appears twice');
    names.add(name as string);
    if (dtype !== 'float32' && dtype !== 'int32') bad(`unsupported dtype ${JSON.stringify(dtype)} (expected "float32" or "int32")`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) bad(`invalid shape ${JSON.stringify(shape)}`);
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(byteLength) || (offset as number) < 0 || (byteLength as number) < 0) {
      bad(`invalid offset ${String(offset)} or byte length ${String(byteLength)}`);
    }
    const dt = dtype as 'float32' | 'int32';
    const dims = shape as number[];
    const off = offset as number;
    const len = byteLength as number;
    const count = elementCount(dims);
    if (count * BYTES_PER_ELEMENT[dt] !== len) bad(`shape [${dims}] needs ${count * BYTES_PER_ELEMENT[dt]} bytes but ${len} are recorded`);
    if (off % ALIGN !== 0) bad(`offset ${off} is not ${ALIGN}-byte aligned`);
    if (off < previousEnd) bad(`its data (offset ${off}) overlaps the previous tensor's`);
    if (off + len > dataLength) bad(`its data (offset ${off}, ${len} bytes) runs past the end of the data section (${dataLength} bytes)`);
    previousEnd = off + len;
    tensors.push({ name: name as string, dtype: dt, shape: dims, data: typedView(buf, dataStart + off, len, dt) });
  });
  return { meta, tensors };
}

/** A view when the bytes are 4-byte aligned in memory (the usual case), else a copy. */
function typedView(buf: Buffer, start: number, byteLength: number, dtype: 'float32' | 'int32'): Float32Array | Int32Array {
  const absolute = buf.byteOffset + start;
  let source = buf.buffer;
  let offset = absolute;
  if (absolute % 4 !== 0) {
    const copy = new Uint8Array(byteLength);
    copy.set(buf.subarray(start, start + byteLength));
    source = copy.buffer;
    offset = 0;
  }
  const n = byteLength / 4;
  return dtype === 'float32' ? new Float32Array(source, offset, n) : new Int32Array(source, offset, n);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
