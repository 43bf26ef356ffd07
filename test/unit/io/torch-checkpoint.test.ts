import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PickleFormatError, unpickle, UnsafePickleError } from '../../../main/gan/io/pickle.js';
import { halfToFloat, type LoadedTensor, readTorchCheckpoint } from '../../../main/gan/io/torch-checkpoint.js';
import { extractStateDict } from '../../../main/gan/io/torch-state-dict.js';
import { crc32, ZipArchive, ZipFormatError } from '../../../main/gan/io/zip-reader.js';
import { deflateRawSync } from 'node:zlib';
import { makeLegacyCheckpoint, makeZip, makeZipCheckpoint, PTH_DIR, type FakeTensor } from './helpers.js';

const enc = (s: string) => new TextEncoder().encode(s);
const u8 = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.length);
const MARKER = path.join(process.env.TMPDIR ?? '/tmp', `tandem-pwned-${process.pid}`);

/** Pickle bytes that call module.name(arg) with REDUCE: what a malicious .pth does. */
function evilPickle(module: string, name: string, arg: string, stackGlobal = false): Uint8Array {
  const parts: number[] = [0x80, stackGlobal ? 4 : 2];
  const s = (x: string) => {
    const b = enc(x);
    parts.push(0x8c, b.length, ...b);
  };
  if (stackGlobal) {
    s(module);
    s(name);
    parts.push(0x93);
  } else {
    parts.push(0x63, ...enc(`${module}\n${name}\n`));
  }
  s(arg);
  parts.push(0x85, 0x52, 0x2e);
  return Uint8Array.from(parts);
}

describe('zip reader', () => {
  it('reads stored and deflated entries and checks CRCs', () => {
    const text = enc('hello hello hello hello');
    const zip = makeZip([['a/stored.txt', text]]);
    expect(new TextDecoder().decode(ZipArchive.open(zip).read('a/stored.txt'))).toBe('hello hello hello hello');
    // Turn the entry into a deflated one by hand: method 8, compressed size, data replaced.
    const deflated = u8(deflateRawSync(text));
    const z2 = makeZip([['d.txt', deflated]]);
    const dv = new DataView(z2.buffer, z2.byteOffset, z2.byteLength);
    const cdOffset = dv.getUint32(z2.length - 6, true);
    dv.setUint16(cdOffset + 10, 8, true);
    dv.setUint32(cdOffset + 16, crc32(text), true);
    dv.setUint32(cdOffset + 24, text.length, true);
    expect(new TextDecoder().decode(ZipArchive.open(z2).read('d.txt'))).toBe('hello hello hello hello');
    // A flipped byte fails the CRC.
    const bad = zip.slice();
    const at = 30 + 'a/stored.txt'.length;
    bad[at] = bad[at]! ^ 0xff;
    expect(() => ZipArchive.open(bad).read('a/stored.txt')).toThrow(/CRC-32/);
  });

  it('reads the reference zip checkpoint', () => {
    const zip = ZipArchive.open(u8(readFileSync(path.join(PTH_DIR, 'resnet6_ngf8_instance.pth'))));
    expect(zip.names().some((n) => n.endsWith('/data.pkl'))).toBe(true);
    expect(zip.names().filter((n) => n.includes('/data/')).length).toBe(36);
  });

  it('says a truncated zip is truncated', () => {
    const bytes = u8(readFileSync(path.join(PTH_DIR, 'resnet6_ngf8_instance.pth')));
    expect(() => ZipArchive.open(bytes.subarray(0, bytes.length / 2))).toThrow(ZipFormatError);
    expect(() => ZipArchive.open(bytes.subarray(0, bytes.length / 2))).toThrow(/truncated/);
  });
});

describe('restricted unpickler', () => {
  it.each([
    ['os', 'system', false],
    ['posix', 'system', false],
    ['nt', 'system', false],
    ['builtins', 'eval', true],
    ['subprocess', 'Popen', true],
  ])('refuses %s.%s and runs nothing', (module, name, stackGlobal) => {
    rmSync(MARKER, { force: true });
    const bytes = evilPickle(module, name, `touch ${MARKER}`, stackGlobal);
    expect(() => unpickle(bytes, { globals: new Map() })).toThrow(UnsafePickleError);
    expect(() => unpickle(bytes, { globals: new Map() })).toThrow(
      `refusing to load: the file asks for ${module}.${name}, which a weights file never needs — it may be malicious`,
    );
    expect(existsSync(MARKER)).toBe(false);
  });

  it('refuses a malicious data.pkl inside a zip checkpoint, and as a legacy checkpoint', () => {
    rmSync(MARKER, { force: true });
    const zip = makeZip([['archive/data.pkl', evilPickle('posix', 'system', `touch ${MARKER}`)]]);
    expect(() => readTorchCheckpoint(zip, 'evil.pth')).toThrow(/evil\.pth: refusing to load: the file asks for posix\.system/);
    expect(() => readTorchCheckpoint(evilPickle('os', 'system', `touch ${MARKER}`), 'evil.pth')).toThrow(/asks for os\.system/);
    // A legacy file whose state_dict pickle (after a valid header) asks for eval.
    const legacy = makeLegacyCheckpoint([]);
    const header = legacy.subarray(0, legacy.indexOf(0x2e, legacy.indexOf(0x2e, legacy.indexOf(0x2e) + 1) + 1) + 1);
    expect(() => readTorchCheckpoint(Buffer.concat([header, evilPickle('builtins', 'eval', '1+1')]), 'evil.pth')).toThrow(
      /asks for builtins\.eval/,
    );
    expect(existsSync(MARKER)).toBe(false);
  });

  it('names unsupported opcodes and truncation', () => {
    expect(() => unpickle(Uint8Array.from([0x80, 2, 0x49]), { globals: new Map() })).toThrow(/opcode 0x49 \(INT\)/);
    expect(() => unpickle(Uint8Array.from([0x80, 2, 0x58, 10, 0, 0, 0, 0x61]), { globals: new Map() })).toThrow(PickleFormatError);
    expect(() => unpickle(Uint8Array.from([0x80, 2, 0x58, 10, 0, 0, 0, 0x61]), { globals: new Map() })).toThrow(/truncated/);
  });
});

describe('PyTorch checkpoint reader', () => {
  const entries: Array<[string, FakeTensor]> = [
    ['a.weight', { dtype: 'float32', shape: [2, 3], storage: [1, 2, 3, 4, 5, 6] }],
    // A transposed view: shape 3×2 over the same 2×3 layout (stride 1, 3).
    ['a.t', { dtype: 'float32', shape: [3, 2], storage: [1, 2, 3, 4, 5, 6], stride: [1, 3] }],
    // A view with a storage offset.
    ['a.tail', { dtype: 'float32', shape: [2], storage: [9, 8, 7, 6], offset: 2 }],
    ['h.weight', { dtype: 'float16', shape: [3], storage: [0.5, -2, 65504] }],
    ['d.weight', { dtype: 'float64', shape: [2], storage: [0.1, -1e-3] }],
    ['bn.num_batches_tracked', { dtype: 'int64', shape: [], storage: [1234] }],
  ];
  const check = (sd: Map<string, LoadedTensor>) => {
    expect([...sd.get('a.weight')!.data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(sd.get('a.t')!.shape).toEqual([3, 2]);
    expect([...sd.get('a.t')!.data]).toEqual([1, 4, 2, 5, 3, 6]);
    expect([...sd.get('a.tail')!.data]).toEqual([7, 6]);
    expect([...sd.get('h.weight')!.data]).toEqual([0.5, -2, 65504]);
    expect(sd.get('h.weight')!.dtype).toBe('float16');
    expect(sd.get('d.weight')!.data[0]).toBeCloseTo(0.1, 7);
    expect(sd.get('d.weight')!.data).toBeInstanceOf(Float32Array);
    expect(sd.get('bn.num_batches_tracked')!.data).toEqual(Int32Array.from([1234]));
    expect(sd.get('bn.num_batches_tracked')!.shape).toEqual([]);
  };

  it('reads dtypes, strided views and offsets from the zip format', () => {
    const c = readTorchCheckpoint(makeZipCheckpoint(entries));
    expect(c.format).toBe('zip');
    check(extractStateDict(c.object).stateDict);
  });

  it('reads the same from the legacy format', () => {
    const c = readTorchCheckpoint(makeLegacyCheckpoint(entries));
    expect(c.format).toBe('legacy');
    check(extractStateDict(c.object).stateDict);
  });

  it('unwraps {"state_dict": …} and strips DataParallel\'s module. prefix', () => {
    const prefixed = entries.map(([k, t]): [string, FakeTensor] => [`module.${k}`, t]);
    const got = extractStateDict(readTorchCheckpoint(makeZipCheckpoint(prefixed, 'state_dict')).object);
    expect(got.foundAt).toBe('state_dict');
    expect(got.strippedPrefix).toBe('module.');
    check(got.stateDict);
  });

  it('converts half floats exactly', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
  });

  it('says a truncated legacy file is truncated', () => {
    const bytes = u8(readFileSync(path.join(PTH_DIR, 'unet256_ngf8_batch_legacy.pth')));
    expect(() => readTorchCheckpoint(bytes.subarray(0, Math.floor(bytes.length * 0.6)), 'cut.pth')).toThrow(
      /cut\.pth: storage \d+: .*truncated/,
    );
    expect(() => readTorchCheckpoint(bytes.subarray(0, 2000), 'cut.pth')).toThrow(/cut\.pth: .*truncated/);
    expect(() => readTorchCheckpoint(enc('hello, not a checkpoint'), 'x.pth')).toThrow(/x\.pth: not a PyTorch checkpoint/);
  });

  it('refuses a storage too small for its tensor', () => {
    const bad: Array<[string, FakeTensor]> = [['w', { dtype: 'float32', shape: [4], storage: [1, 2] }]];
    expect(() => readTorchCheckpoint(makeZipCheckpoint(bad))).toThrow(/reads element 3 of a 2-element storage/);
  });
});
