import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { crc32 } from '../../../main/gan/io/zip-reader.js';
import { REFERENCE_DIR } from '../../helpers/reference-fixtures.js';

export const PTH_DIR = path.join(REFERENCE_DIR, 'pth');

/** A .npy file (format 1.0–3.0, little-endian float32, C order) → shape and data. */
export function readNpy(file: string): { shape: number[]; data: Float32Array } {
  const b = readFileSync(file);
  if (b.readUInt8(0) !== 0x93 || b.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file} is not a .npy file`);
  const major = b.readUInt8(6);
  const headerLen = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = b.toString('latin1', start, start + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  if (descr !== '<f4') throw new Error(`${file}: dtype ${descr}, expected <f4`);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order is not supported`);
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const offset = start + headerLen;
  const n = shape.reduce((a, c) => a * c, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = b.readFloatLE(offset + 4 * i);
  return { shape, data };
}

/** An RGB PNG → HWC uint8 pixels. */
export async function readPngRgb(file: string): Promise<{ width: number; height: number; pixels: Uint8Array }> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, pixels: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

// ---- A minimal torch.save writer, to make checkpoints with the features real ones may have ----

export interface FakeTensor {
  dtype: 'float32' | 'float16' | 'float64' | 'int64';
  shape: number[];
  /** The storage's elements (row-major unless stride/offset say otherwise). */
  storage: number[];
  stride?: number[];
  offset?: number;
}

const STORAGE_NAME = { float32: 'FloatStorage', float16: 'HalfStorage', float64: 'DoubleStorage', int64: 'LongStorage' } as const;
const ITEM = { float32: 4, float16: 2, float64: 8, int64: 8 } as const;

function floatToHalf(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = x & 0x7fffff;
  if (exp <= 0) return sign | Math.round((mant | 0x800000) / 2 ** (14 - exp));
  if (exp >= 31) return sign | 0x7c00;
  return sign | (exp << 10) | Math.round(mant / 8192);
}

export function storageBytes(t: FakeTensor): Uint8Array {
  const out = new Uint8Array(t.storage.length * ITEM[t.dtype]);
  const dv = new DataView(out.buffer);
  t.storage.forEach((v, i) => {
    if (t.dtype === 'float32') dv.setFloat32(i * 4, v, true);
    else if (t.dtype === 'float64') dv.setFloat64(i * 8, v, true);
    else if (t.dtype === 'float16') dv.setUint16(i * 2, floatToHalf(v), true);
    else dv.setBigInt64(i * 8, BigInt(v), true);
  });
  return out;
}

class PickleWriter {
  private parts: number[] = [];
  op(...bytes: number[]): this {
    this.parts.push(...bytes);
    return this;
  }
  str(s: string): this {
    const b = new TextEncoder().encode(s);
    this.op(0x58, b.length & 0xff, (b.length >> 8) & 0xff, (b.length >> 16) & 0xff, b.length >>> 24);
    return this.op(...b);
  }
  int(n: number): this {
    if (n >= 0 && n < 256) return this.op(0x4b, n);
    if (n >= 0 && n < 65536) return this.op(0x4d, n & 0xff, n >> 8);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, n, true);
    return this.op(0x4a, ...b);
  }
  global(module: string, name: string): this {
    return this.op(0x63, ...new TextEncoder().encode(`${module}\n${name}\n`));
  }
  tuple(items: number[]): this {
    this.op(0x28);
    for (const i of items) this.int(i);
    return this.op(0x74);
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** data.pkl of torch.save(obj) with storages as persistent ids (zip: 5-tuple; legacy: 6-tuple). */
function pickleStateDict(entries: Array<[string, FakeTensor]>, legacy: boolean, wrapKey: string | null): Uint8Array {
  const w = new PickleWriter().op(0x80, 2);
  if (wrapKey) w.op(0x7d).str(wrapKey);
  w.global('collections', 'OrderedDict').op(0x29, 0x52).op(0x28);
  entries.forEach(([key, t], i) => {
    w.str(key).global('torch._utils', '_rebuild_tensor_v2').op(0x28);
    w.op(0x28).str('storage').global('torch', STORAGE_NAME[t.dtype]).str(String(i)).str('cpu').int(t.storage.length);
    if (legacy) w.op(0x4e);
    w.op(0x74, 0x51);
    const stride = t.stride ?? t.shape.map((_, d) => t.shape.slice(d + 1).reduce((a, b) => a * b, 1));
    w.int(t.offset ?? 0)
      .tuple(t.shape)
      .tuple(stride)
      .op(0x89)
      .global('collections', 'OrderedDict')
      .op(0x29, 0x52)
      .op(0x74, 0x52);
  });
  w.op(0x75);
  if (wrapKey) w.op(0x73).str('epoch').int(3).op(0x73);
  return w.op(0x2e).bytes();
}

/** A stored (uncompressed) zip archive. */
export function makeZip(files: Array<[string, Uint8Array]>): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of files) {
    const nameB = new TextEncoder().encode(name);
    const crc = crc32(data);
    // The central directory entry repeats the local header's fields (version needed, flags, method,
    // time, crc, sizes, name length) after a "version made by" of its own: 2 bytes further on.
    const shared = (v: DataView, at: number) => {
      v.setUint16(at, 20, true);
      v.setUint32(at + 10, crc, true);
      v.setUint32(at + 14, data.length, true);
      v.setUint32(at + 18, data.length, true);
      v.setUint16(at + 22, nameB.length, true);
    };
    const lh = new DataView(new ArrayBuffer(30));
    lh.setUint32(0, 0x04034b50, true);
    shared(lh, 4);
    const cd = new DataView(new ArrayBuffer(46));
    cd.setUint32(0, 0x02014b50, true);
    cd.setUint16(4, 20, true);
    shared(cd, 6);
    cd.setUint32(42, offset, true);
    chunks.push(new Uint8Array(lh.buffer), nameB, data);
    central.push(new Uint8Array(cd.buffer), nameB);
    offset += 30 + nameB.length + data.length;
  }
  const cdSize = central.reduce((a, c) => a + c.length, 0);
  const eocd = new DataView(new ArrayBuffer(22));
  eocd.setUint32(0, 0x06054b50, true);
  eocd.setUint16(8, files.length, true);
  eocd.setUint16(10, files.length, true);
  eocd.setUint32(12, cdSize, true);
  eocd.setUint32(16, offset, true);
  return Buffer.concat([...chunks, ...central, new Uint8Array(eocd.buffer)]);
}

export function makeZipCheckpoint(entries: Array<[string, FakeTensor]>, wrapKey: string | null = null): Uint8Array {
  return makeZip([
    ['archive/data.pkl', pickleStateDict(entries, false, wrapKey)],
    ['archive/byteorder', new TextEncoder().encode('little')],
    ...entries.map(([, t], i): [string, Uint8Array] => [`archive/data/${i}`, storageBytes(t)]),
    ['archive/version', new TextEncoder().encode('3\n')],
  ]);
}

export function makeLegacyCheckpoint(entries: Array<[string, FakeTensor]>): Uint8Array {
  const magic = new PickleWriter().op(0x80, 2, 0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e).bytes();
  const proto = new PickleWriter().op(0x80, 2).int(1001).op(0x2e).bytes();
  const sys = new PickleWriter().op(0x80, 2, 0x7d).str('little_endian').op(0x88, 0x73, 0x2e).bytes();
  const main = pickleStateDict(entries, true, null);
  const keys = new PickleWriter().op(0x80, 2, 0x5d, 0x28);
  entries.forEach((_, i) => keys.str(String(i)));
  keys.op(0x65, 0x2e);
  const storages = entries.flatMap(([, t]) => {
    const n = new Uint8Array(8);
    new DataView(n.buffer).setBigInt64(0, BigInt(t.storage.length), true);
    return [n, storageBytes(t)];
  });
  return Buffer.concat([magic, proto, sys, main, keys.bytes(), ...storages]);
}

/** A generator's torch state_dict as FakeTensors (float32, contiguous). */
export function fakeEntries(sd: ReadonlyMap<string, { shape: number[]; data: Float32Array | Int32Array }>): Array<[string, FakeTensor]> {
  return [...sd].map(([k, t]) => [
    k,
    { dtype: t.data instanceof Int32Array ? 'int64' : 'float32', shape: t.shape, storage: Array.from(t.data) },
  ]);
}

export { crc32 };
