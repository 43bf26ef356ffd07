import { inflateRawSync } from 'node:zlib';

/**
 * A small read-only ZIP reader for PyTorch checkpoints (torch.save since 1.6 writes a zip, its
 * entries usually stored uncompressed). Reads the central directory, supports ZIP64, stored and
 * deflated entries, and checks each entry's CRC-32. No encryption, no multi-disk archives.
 */

export class ZipFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipFormatError';
  }
}

export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  flags: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;

let crcTable: Uint32Array | null = null;

export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  const t = crcTable;
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export class ZipArchive {
  private readonly view: DataView;
  private readonly entries = new Map<string, ZipEntry>();

  private constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.readCentralDirectory();
  }

  /** Parses the archive's directory; entries are decompressed only when read. */
  static open(bytes: Uint8Array): ZipArchive {
    return new ZipArchive(bytes);
  }

  static isZip(bytes: Uint8Array): boolean {
    return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  entry(name: string): ZipEntry | undefined {
    return this.entries.get(name);
  }

  /** The entry's uncompressed bytes (a view into the archive when stored), CRC-checked. */
  read(name: string): Uint8Array {
    const e = this.entries.get(name);
    if (!e) throw new ZipFormatError(`the archive has no entry '${name}'`);
    if (e.flags & 1) throw new ZipFormatError(`entry '${name}' is encrypted; encrypted archives are not supported`);
    const lh = e.localHeaderOffset;
    this.need(lh, 30, `the local header of '${name}'`);
    if (this.view.getUint32(lh, true) !== SIG_LOCAL)
      throw new ZipFormatError(`entry '${name}': bad local header signature at byte ${lh} (corrupt archive)`);
    const nameLen = this.view.getUint16(lh + 26, true);
    const extraLen = this.view.getUint16(lh + 28, true);
    const start = lh + 30 + nameLen + extraLen;
    this.need(start, e.compressedSize, `the data of '${name}'`);
    const raw = this.bytes.subarray(start, start + e.compressedSize);
    let data: Uint8Array;
    if (e.method === 0) {
      data = raw;
    } else if (e.method === 8) {
      try {
        data = new Uint8Array(inflateRawSync(raw));
      } catch (err) {
        throw new ZipFormatError(
          `entry '${name}' does not inflate (${err instanceof Error ? err.message : String(err)}): the archive is corrupt`,
        );
      }
    } else {
      throw new ZipFormatError(`entry '${name}' uses compression method ${e.method}; only stored (0) and deflate (8) are supported`);
    }
    if (data.length !== e.size)
      throw new ZipFormatError(`entry '${name}' has ${data.length} bytes, its directory says ${e.size} (corrupt archive)`);
    const crc = crc32(data);
    if (crc !== e.crc32) throw new ZipFormatError(`entry '${name}' fails its CRC-32 check (corrupt archive)`);
    return data;
  }

  private need(offset: number, length: number, what: string): void {
    if (offset < 0 || length < 0 || offset + length > this.bytes.length) {
      throw new ZipFormatError(
        `${what} lies beyond the end of the file (byte ${offset}+${length} of ${this.bytes.length}): the file is truncated`,
      );
    }
  }

  private findEocd(): number {
    const min = Math.max(0, this.bytes.length - (22 + U16_MAX));
    for (let i = this.bytes.length - 22; i >= min; i--) {
      if (this.view.getUint32(i, true) === SIG_EOCD) return i;
    }
    throw new ZipFormatError('no end-of-central-directory record: the zip file is truncated or not a zip');
  }

  private readCentralDirectory(): void {
    if (this.bytes.length < 22) throw new ZipFormatError(`the file has only ${this.bytes.length} bytes: too short for a zip (truncated)`);
    const eocd = this.findEocd();
    let count = this.view.getUint16(eocd + 10, true);
    let cdSize = this.view.getUint32(eocd + 12, true);
    let cdOffset = this.view.getUint32(eocd + 16, true);
    if (count === U16_MAX || cdSize === U32_MAX || cdOffset === U32_MAX) {
      const loc = eocd - 20;
      if (loc < 0 || this.view.getUint32(loc, true) !== SIG_ZIP64_LOCATOR)
        throw new ZipFormatError('ZIP64 archive without a ZIP64 locator (corrupt archive)');
      const z64 = this.u64(loc + 8);
      this.need(z64, 56, 'the ZIP64 end record');
      if (this.view.getUint32(z64, true) !== SIG_ZIP64_EOCD) throw new ZipFormatError('bad ZIP64 end record signature (corrupt archive)');
      count = this.u64(z64 + 32);
      cdSize = this.u64(z64 + 40);
      cdOffset = this.u64(z64 + 48);
    }
    this.need(cdOffset, cdSize, 'the central directory');
    let p = cdOffset;
    for (let i = 0; i < count; i++) {
      this.need(p, 46, 'a central directory entry');
      if (this.view.getUint32(p, true) !== SIG_CENTRAL)
        throw new ZipFormatError(`bad central directory entry at byte ${p} (corrupt archive)`);
      const flags = this.view.getUint16(p + 8, true);
      const method = this.view.getUint16(p + 10, true);
      const crc = this.view.getUint32(p + 16, true);
      let compressedSize = this.view.getUint32(p + 20, true);
      let size = this.view.getUint32(p + 24, true);
      const nameLen = this.view.getUint16(p + 28, true);
      const extraLen = this.view.getUint16(p + 30, true);
      const commentLen = this.view.getUint16(p + 32, true);
      let localHeaderOffset = this.view.getUint32(p + 42, true);
      this.need(p + 46, nameLen + extraLen + commentLen, 'a central directory entry');
      const name = new TextDecoder().decode(this.bytes.subarray(p + 46, p + 46 + nameLen));
      // ZIP64 extended information: the 64-bit values present are those whose 32-bit field is all ones.
      let q = p + 46 + nameLen;
      const extraEnd = q + extraLen;
      while (q + 4 <= extraEnd) {
        const id = this.view.getUint16(q, true);
        const len = this.view.getUint16(q + 2, true);
        if (id === 0x0001) {
          let r = q + 4;
          if (size === U32_MAX) {
            size = this.u64(r);
            r += 8;
          }
          if (compressedSize === U32_MAX) {
            compressedSize = this.u64(r);
            r += 8;
          }
          if (localHeaderOffset === U32_MAX) localHeaderOffset = this.u64(r);
        }
        q += 4 + len;
      }
      this.entries.set(name, { name, method, crc32: crc, compressedSize, size, localHeaderOffset, flags });
      p = extraEnd + commentLen;
    }
  }

  private u64(offset: number): number {
    this.need(offset, 8, 'a 64-bit field');
    const v = this.view.getBigUint64(offset, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError(`a 64-bit zip field (${v}) is too large (corrupt archive)`);
    return Number(v);
  }
}
