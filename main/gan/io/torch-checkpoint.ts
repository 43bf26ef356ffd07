import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TorchTensor } from '../networks/network.js';
import { globalValue, PyDict, type AllowedGlobal, type PyOpaque, PyTuple, type PyValue, unpickle } from './pickle.js';
import { ZipArchive } from './zip-reader.js';

/**
 * Reads PyTorch checkpoints (torch.save) without Python: the zip format (torch ≥ 1.6) and the
 * legacy format (a sequence of pickles followed by raw storages), through the restricted
 * unpickler. Tensors come back contiguous, row-major, as float32 (from float16/bfloat16/float64
 * too) or int32 (from int64 and the other integer types, range-checked).
 */

export type TorchFormat = 'zip' | 'legacy';
export type TorchDType = 'float32' | 'float16' | 'bfloat16' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

export class TorchCheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TorchCheckpointError';
  }
}

/** A tensor of the checkpoint, converted. `dtype` is what the file stored. */
export class LoadedTensor implements PyOpaque, TorchTensor {
  readonly pyOpaque = 'tensor';
  constructor(
    readonly shape: number[],
    readonly data: Float32Array | Int32Array,
    readonly dtype: TorchDType,
  ) {}
}

class StorageType implements PyOpaque {
  readonly pyOpaque = 'storage-type';
  constructor(
    readonly dtype: TorchDType,
    readonly itemSize: number,
  ) {}
}

class StorageRef implements PyOpaque {
  readonly pyOpaque = 'storage';
  constructor(
    readonly key: string,
    readonly type: StorageType,
    /** Element offset into the root storage (legacy views). */
    readonly elementOffset: number,
    readonly numel: number,
  ) {}
}

class TensorRef implements PyOpaque {
  readonly pyOpaque = 'tensor-ref';
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

const STORAGE_TYPES: Record<string, StorageType> = {
  FloatStorage: new StorageType('float32', 4),
  HalfStorage: new StorageType('float16', 2),
  BFloat16Storage: new StorageType('bfloat16', 2),
  DoubleStorage: new StorageType('float64', 8),
  LongStorage: new StorageType('int64', 8),
  IntStorage: new StorageType('int32', 4),
  ShortStorage: new StorageType('int16', 2),
  CharStorage: new StorageType('int8', 1),
  ByteStorage: new StorageType('uint8', 1),
  BoolStorage: new StorageType('bool', 1),
};

function intList(v: PyValue, what: string): number[] {
  const items = v instanceof PyTuple ? v.items : Array.isArray(v) ? v : null;
  if (!items || !items.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0)) {
    throw new TorchCheckpointError(`a tensor's ${what} is not a tuple of non-negative integers`);
  }
  return items as number[];
}

function rebuildTensor(args: PyValue[], fn: string): TensorRef {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof StorageRef)) throw new TorchCheckpointError(`${fn} without a storage`);
  if (typeof offset !== 'number') throw new TorchCheckpointError(`${fn} without a storage offset`);
  const shape = intList(size ?? null, 'size');
  const strides = intList(stride ?? null, 'stride');
  if (shape.length !== strides.length) throw new TorchCheckpointError(`${fn}: ${shape.length} sizes but ${strides.length} strides`);
  return new TensorRef(storage, offset, shape, strides);
}

/** The only globals a state_dict uses. Everything else is refused by the unpickler. */
function allowedGlobals(): Map<string, AllowedGlobal> {
  const g = new Map<string, AllowedGlobal>();
  const ignoreState = () => undefined;
  g.set('collections.OrderedDict', { kind: 'callable', call: () => new PyDict(), build: ignoreState });
  g.set('torch._utils._rebuild_tensor_v2', { kind: 'callable', call: (a) => rebuildTensor(a, '_rebuild_tensor_v2'), build: ignoreState });
  g.set('torch._utils._rebuild_tensor', { kind: 'callable', call: (a) => rebuildTensor(a, '_rebuild_tensor') });
  g.set('torch._utils._rebuild_parameter', {
    kind: 'callable',
    call: (a) => {
      if (!(a[0] instanceof TensorRef)) throw new TorchCheckpointError('_rebuild_parameter without a tensor');
      return a[0];
    },
    build: ignoreState,
  });
  g.set('torch.Size', { kind: 'callable', call: (a) => new PyTuple(intList(a[0] ?? null, 'torch.Size')) });
  for (const [name, type] of Object.entries(STORAGE_TYPES)) g.set(`torch.${name}`, { kind: 'value', value: type });
  return g;
}

export interface TorchCheckpoint {
  format: TorchFormat;
  /** The unpickled object, tensors replaced by LoadedTensor. */
  object: PyValue;
}

export async function readTorchCheckpointFile(file: string): Promise<TorchCheckpoint> {
  const bytes = await readFile(file);
  return readTorchCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path.basename(file));
}

export function readTorchCheckpoint(bytes: Uint8Array, label = 'checkpoint'): TorchCheckpoint {
  try {
    if (ZipArchive.isZip(bytes)) return { format: 'zip', object: readZip(bytes) };
    if (bytes[0] === 0x80) return { format: 'legacy', object: readLegacy(bytes) };
  } catch (e) {
    if (e instanceof Error) e.message = `${label}: ${e.message}`;
    throw e;
  }
  if (bytes.length === 0) throw new TorchCheckpointError(`${label}: the file is empty`);
  if (bytes.length > 262 && new TextDecoder('latin1').decode(bytes.subarray(257, 262)) === 'ustar') {
    throw new TorchCheckpointError(
      `${label}: a tar-format checkpoint (PyTorch < 0.4); re-save it with a newer PyTorch (torch.save(torch.load(f), f2))`,
    );
  }
  throw new TorchCheckpointError(`${label}: not a PyTorch checkpoint (neither a zip archive nor a pickle)`);
}

/**
 * A storage's persistent id: ('storage', type, key, location, numel) in the zip format, with a
 * sixth item (a view, or None) in the legacy format.
 */
function storageId(pid: PyValue, items: 5 | 6, where = ''): { type: StorageType; key: string; numel: number; view: PyValue } {
  const t = pid instanceof PyTuple ? pid.items : null;
  if (!t || t[0] !== 'storage' || t.length < items) {
    throw new TorchCheckpointError(`an unknown persistent id${where} (only storages are expected)`);
  }
  const type = globalValue(t[1] ?? null);
  if (!(type instanceof StorageType)) throw new TorchCheckpointError('a storage of an unsupported type');
  const key = String(t[2]);
  const numel = t[4];
  if (typeof numel !== 'number') throw new TorchCheckpointError(`storage ${key} without an element count`);
  return { type, key, numel, view: t[5] ?? null };
}

function readZip(bytes: Uint8Array): PyValue {
  const zip = ZipArchive.open(bytes);
  const pkl = zip.names().find((n) => n.endsWith('/data.pkl') || n === 'data.pkl');
  if (!pkl) throw new TorchCheckpointError('a zip without data.pkl: not a torch.save file (a TorchScript archive or another zip?)');
  const root = pkl.slice(0, pkl.length - 'data.pkl'.length);
  const byteorderName = `${root}byteorder`;
  const bigEndian = zip.entry(byteorderName) ? new TextDecoder().decode(zip.read(byteorderName)).trim() === 'big' : false;
  const persistentLoad = (pid: PyValue): PyValue => {
    const { type, key, numel } = storageId(pid, 5, ' in data.pkl');
    return new StorageRef(key, type, 0, numel);
  };
  const { value } = unpickle(zip.read(pkl), { globals: allowedGlobals(), persistentLoad, label: 'data.pkl' });
  const cache = new Map<string, Uint8Array>();
  return materialize(value, (s) => {
    let data = cache.get(s.key);
    if (!data) {
      const name = `${root}data/${s.key}`;
      if (!zip.entry(name)) throw new TorchCheckpointError(`storage ${s.key} is missing from the archive (${name})`);
      data = zip.read(name);
      if (bigEndian) data = swapBytes(data, s.type.itemSize);
      cache.set(s.key, data);
    }
    return data;
  });
}

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;

function readLegacy(bytes: Uint8Array): PyValue {
  const globals = allowedGlobals();
  const noGlobals = new Map<string, AllowedGlobal>();
  const first = unpickle(bytes, { globals: noGlobals, label: 'magic number' });
  const magic = first.value;
  if ((typeof magic !== 'number' && typeof magic !== 'bigint') || BigInt(magic) !== LEGACY_MAGIC) {
    throw new TorchCheckpointError('a pickle that is not a PyTorch checkpoint (wrong magic number)');
  }
  const proto = unpickle(bytes, { globals: noGlobals, offset: first.end, label: 'protocol version' });
  if (proto.value !== LEGACY_PROTOCOL)
    throw new TorchCheckpointError(`legacy protocol version ${String(proto.value)}, expected ${LEGACY_PROTOCOL}`);
  const sysInfo = unpickle(bytes, { globals: noGlobals, offset: proto.end, label: 'sys_info' });
  if (sysInfo.value instanceof PyDict && sysInfo.value.map.get('little_endian') === false) {
    throw new TorchCheckpointError('a checkpoint written on a big-endian machine; re-save it on a little-endian one');
  }
  const storages = new Map<string, StorageType>();
  const persistentLoad = (pid: PyValue): PyValue => {
    const { type, key, numel, view } = storageId(pid, 6);
    storages.set(key, type);
    if (view instanceof PyTuple) {
      const [, offset, viewSize] = view.items;
      if (typeof offset !== 'number' || typeof viewSize !== 'number') throw new TorchCheckpointError(`storage view of ${key} is malformed`);
      return new StorageRef(key, type, offset, viewSize);
    }
    return new StorageRef(key, type, 0, numel);
  };
  const main = unpickle(bytes, { globals, persistentLoad, offset: sysInfo.end, label: 'the pickled state_dict' });
  const keysPickle = unpickle(bytes, { globals: noGlobals, offset: main.end, label: 'the storage key list' });
  if (!Array.isArray(keysPickle.value)) throw new TorchCheckpointError('the storage key list is not a list (corrupt file)');
  const data = new Map<string, Uint8Array>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = keysPickle.end;
  for (const k of keysPickle.value) {
    const key = String(k);
    const type = storages.get(key);
    if (!type) throw new TorchCheckpointError(`storage ${key} is listed but no tensor uses it (corrupt file)`);
    if (p + 8 > bytes.length) throw new TorchCheckpointError(`storage ${key}: the file ends before its size (truncated)`);
    const numel = Number(view.getBigInt64(p, true));
    p += 8;
    const nbytes = numel * type.itemSize;
    if (numel < 0 || p + nbytes > bytes.length) {
      throw new TorchCheckpointError(`storage ${key}: ${nbytes} bytes expected but only ${bytes.length - p} remain: the file is truncated`);
    }
    data.set(key, bytes.subarray(p, p + nbytes));
    p += nbytes;
  }
  return materialize(main.value, (s) => {
    const d = data.get(s.key);
    if (!d) throw new TorchCheckpointError(`storage ${s.key} is missing from the file (truncated or corrupt)`);
    return d;
  });
}

function swapBytes(data: Uint8Array, size: number): Uint8Array {
  if (size === 1) return data;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i += size) for (let j = 0; j < size; j++) out[i + j] = data[i + size - 1 - j]!;
  return out;
}

/** Replaces every TensorRef in the value by a LoadedTensor read from its storage. */
function materialize(v: PyValue, storageBytes: (s: StorageRef) => Uint8Array): PyValue {
  const done = new Map<TensorRef, LoadedTensor>();
  const walk = (x: PyValue): PyValue => {
    if (x instanceof TensorRef) {
      let t = done.get(x);
      if (!t) done.set(x, (t = readTensor(x, storageBytes(x.storage))));
      return t;
    }
    if (Array.isArray(x)) return x.map(walk);
    if (x instanceof PyTuple) return new PyTuple(x.items.map(walk));
    if (x instanceof PyDict) {
      const d = new PyDict();
      for (const [k, val] of x.map) d.map.set(k, walk(val));
      return d;
    }
    if (x instanceof StorageRef) throw new TorchCheckpointError('a bare storage outside a tensor; not a state_dict');
    return x;
  };
  return walk(v);
}

function readTensor(t: TensorRef, bytes: Uint8Array): LoadedTensor {
  const { type } = t.storage;
  const available = Math.floor(bytes.length / type.itemSize);
  const n = t.shape.reduce((a, b) => a * b, 1);
  const base = t.storage.elementOffset + t.offset;
  // The largest element index this view touches must lie inside the storage.
  const last = n === 0 ? base : base + t.shape.reduce((acc, d, i) => acc + (d - 1) * t.stride[i]!, 0);
  if (n > 0 && last >= available) {
    throw new TorchCheckpointError(
      `a tensor of shape [${t.shape.join(', ')}] reads element ${last} of a ${available}-element storage (truncated or corrupt)`,
    );
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = elementReader(type, dv);
  const isFloat = type.dtype.startsWith('float') || type.dtype === 'bfloat16';
  const out = isFloat ? new Float32Array(n) : new Int32Array(n);
  // Walk the view's indices in row-major order, whatever its strides.
  const rank = t.shape.length;
  const idx = new Array<number>(rank).fill(0);
  let src = base;
  for (let i = 0; i < n; i++) {
    const v = read(src);
    if (!isFloat && (v > 2147483647 || v < -2147483648)) {
      throw new TorchCheckpointError(
        `an integer tensor holds ${v}, beyond int32; only small integer buffers (num_batches_tracked) are expected`,
      );
    }
    out[i] = v;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      src += t.stride[d]!;
      if (idx[d]! < t.shape[d]!) break;
      src -= t.stride[d]! * t.shape[d]!;
      idx[d] = 0;
    }
  }
  return new LoadedTensor([...t.shape], out, type.dtype);
}

function elementReader(type: StorageType, dv: DataView): (i: number) => number {
  switch (type.dtype) {
    case 'float32':
      return (i) => dv.getFloat32(i * 4, true);
    case 'float64':
      return (i) => dv.getFloat64(i * 8, true);
    case 'float16':
      return (i) => halfToFloat(dv.getUint16(i * 2, true));
    case 'bfloat16': {
      const f = new Float32Array(1);
      const u = new Uint32Array(f.buffer);
      return (i) => ((u[0] = dv.getUint16(i * 2, true) << 16), f[0]!);
    }
    case 'int64':
      return (i) => Number(dv.getBigInt64(i * 8, true));
    case 'int32':
      return (i) => dv.getInt32(i * 4, true);
    case 'int16':
      return (i) => dv.getInt16(i * 2, true);
    case 'int8':
      return (i) => dv.getInt8(i);
    case 'uint8':
    case 'bool':
      return (i) => dv.getUint8(i);
  }
}

export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
