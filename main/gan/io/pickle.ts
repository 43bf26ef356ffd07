/**
 * A restricted unpickler: enough of Python's pickle protocols 2–5 to read a PyTorch state_dict,
 * and nothing that can run code. Globals are resolved only through the caller's allow-list; any
 * other global (os.system, builtins.eval, subprocess.Popen, …) stops the load before anything
 * is called. "Calling" an allowed global runs the caller's own TypeScript reconstruction.
 */
import {
  Built,
  GlobalRef,
  PickleFormatError,
  PyDict,
  PyTuple,
  UnsafePickleError,
  unwrap,
  unwrapDeep,
  type AllowedGlobal,
  type PyKey,
  type PyValue,
} from './pickle-values.js';

export { globalValue, PickleFormatError, PyDict, PyTuple, UnsafePickleError } from './pickle-values.js';
export type { AllowedGlobal, PyKey, PyOpaque, PyValue } from './pickle-values.js';

export interface UnpickleOptions {
  /** `module.name` → what it is. Anything absent is refused with UnsafePickleError. */
  globals: ReadonlyMap<string, AllowedGlobal>;
  /** Resolves BINPERSID ids (PyTorch's storages); a pickle with persistent ids fails without it. */
  persistentLoad?: (pid: PyValue) => PyValue;
  /** Where in `bytes` the pickle starts (legacy checkpoints are several pickles in a row). */
  offset?: number;
  /** Names the data in errors, e.g. "data.pkl". */
  label?: string;
}

const MARK = Symbol('mark');
type StackItem = PyValue | typeof MARK;

const OPCODE_NAMES: Record<number, string> = {
  0x49: 'INT',
  0x4c: 'LONG',
  0x53: 'STRING',
  0x56: 'UNICODE',
  0x46: 'FLOAT',
  0x50: 'PERSID',
  0x69: 'INST',
  0x6f: 'OBJ',
  0x70: 'PUT',
  0x67: 'GET',
  0x82: 'EXT1',
  0x83: 'EXT2',
  0x84: 'EXT4',
  0x8f: 'EMPTY_SET',
  0x90: 'ADDITEMS',
  0x91: 'FROZENSET',
  0x92: 'NEWOBJ_EX',
  0x96: 'BYTEARRAY8',
  0x97: 'NEXT_BUFFER',
  0x98: 'READONLY_BUFFER',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Unpickles one pickle; returns its value and the offset just past its STOP opcode. */
export function unpickle(bytes: Uint8Array, opts: UnpickleOptions): { value: PyValue; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const label = opts.label ?? 'pickle';
  let p = opts.offset ?? 0;
  const stack: StackItem[] = [];
  const memo = new Map<number, StackItem>();
  const metastack: StackItem[][] = [];

  const fail = (msg: string): never => {
    throw new PickleFormatError(`${label}: ${msg} (at byte ${p}); the file is corrupt or not a PyTorch checkpoint`);
  };
  const need = (n: number): void => {
    if (p + n > bytes.length) {
      throw new PickleFormatError(
        `${label}: unexpected end of data at byte ${bytes.length} (needed ${n} more bytes at byte ${p}): the file is truncated`,
      );
    }
  };
  const u8 = (): number => (need(1), bytes[p++]!);
  const u16 = (): number => (need(2), (p += 2), view.getUint16(p - 2, true));
  const u32 = (): number => (need(4), (p += 4), view.getUint32(p - 4, true));
  const i32 = (): number => (need(4), (p += 4), view.getInt32(p - 4, true));
  const u64 = (): number => {
    need(8);
    const v = view.getBigUint64(p, true);
    p += 8;
    if (v > BigInt(bytes.length)) fail(`a length of ${v} bytes exceeds the file`);
    return Number(v);
  };
  const take = (n: number): Uint8Array => {
    need(n);
    p += n;
    return bytes.subarray(p - n, p);
  };
  const str = (n: number): string => {
    try {
      return utf8.decode(take(n));
    } catch (e) {
      if (e instanceof PickleFormatError) throw e;
      return fail('a string is not valid UTF-8');
    }
  };
  const line = (): string => {
    const start = p;
    while (p < bytes.length && bytes[p] !== 0x0a) p++;
    if (p >= bytes.length) need(1);
    const s = new TextDecoder('latin1').decode(bytes.subarray(start, p));
    p++;
    return s;
  };
  const pop = (): PyValue => {
    const v = stack.pop();
    if (v === undefined) return fail('stack underflow');
    if (v === MARK) return fail('unexpected MARK on the stack');
    return v as PyValue;
  };
  const top = (): PyValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) return fail('stack underflow');
    return v as PyValue;
  };
  const popMark = (): PyValue[] => {
    const items = stack.splice(0) as PyValue[];
    const prev = metastack.pop();
    if (!prev) return fail('no MARK to pop to');
    stack.push(...prev);
    return items;
  };
  const resolveGlobal = (module: string, name: string): GlobalRef => {
    const q = `${module}.${name}`;
    const spec = opts.globals.get(q);
    if (!spec) throw new UnsafePickleError(q);
    return new GlobalRef(q, spec);
  };
  const call = (fn: PyValue, args: PyValue, how: string): PyValue => {
    if (!(fn instanceof GlobalRef)) return fail(`${how} of something that is not an allowed global`);
    if (fn.spec.kind !== 'callable') return fail(`${how} of ${fn.qualified}, which is not callable in a state_dict`);
    if (!(args instanceof PyTuple)) return fail(`${how} of ${fn.qualified} without an argument tuple`);
    const made = fn.spec.call(args.items);
    return fn.spec.build ? new Built(made, fn.spec.build) : made;
  };
  const asKey = (k: PyValue): PyKey => {
    if (k === null || typeof k === 'string' || typeof k === 'number' || typeof k === 'bigint' || typeof k === 'boolean') return k;
    return fail('a dict key that is not a string or a number');
  };
  const setItems = (target: PyValue, kv: PyValue[]): void => {
    const d = unwrap(target);
    if (!(d instanceof PyDict)) return fail('SETITEM(S) on something that is not a dict');
    if (kv.length % 2) fail('SETITEMS with an odd number of items');
    for (let i = 0; i < kv.length; i += 2) d.map.set(asKey(kv[i]!), kv[i + 1]!);
  };
  const appendItems = (target: PyValue, items: PyValue[]): void => {
    const l = unwrap(target);
    if (!Array.isArray(l)) return fail('APPEND(S) on something that is not a list');
    l.push(...items);
  };

  for (;;) {
    const at = p;
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail('pickle protocol newer than 5');
        break;
      case 0x95: // FRAME
        need(8);
        p += 8;
        break;
      case 0x2e: // STOP
        return { value: unwrapDeep(pop()), end: p };
      case 0x28: // MARK
        metastack.push(stack.splice(0));
        break;
      case 0x29:
        stack.push(new PyTuple([]));
        break;
      case 0x74:
        stack.push(new PyTuple(popMark()));
        break;
      case 0x85:
        stack.push(new PyTuple([pop()]));
        break;
      case 0x86: {
        const b = pop();
        stack.push(new PyTuple([pop(), b]));
        break;
      }
      case 0x87: {
        const c = pop();
        const b = pop();
        stack.push(new PyTuple([pop(), b, c]));
        break;
      }
      case 0x7d:
        stack.push(new PyDict());
        break;
      case 0x64: {
        const d = new PyDict();
        setItems(d, popMark());
        stack.push(d);
        break;
      }
      case 0x5d:
        stack.push([]);
        break;
      case 0x6c:
        stack.push(popMark());
        break;
      case 0x61: {
        const v = pop();
        appendItems(top(), [v]);
        break;
      }
      case 0x65: {
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      case 0x73: {
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x4a:
        stack.push(i32());
        break;
      case 0x4b:
        stack.push(u8());
        break;
      case 0x4d:
        stack.push(u16());
        break;
      case 0x8a: // LONG1
      case 0x8b: {
        const n = op === 0x8a ? u8() : u32();
        stack.push(decodeLong(take(n)));
        break;
      }
      case 0x47: // BINFLOAT, big-endian
        need(8);
        stack.push(view.getFloat64(p, false));
        p += 8;
        break;
      case 0x58:
        stack.push(str(u32()));
        break;
      case 0x8c:
        stack.push(str(u8()));
        break;
      case 0x8d:
        stack.push(str(u64()));
        break;
      case 0x55: // SHORT_BINSTRING (Python 2 str)
        stack.push(str(u8()));
        break;
      case 0x54: {
        const n = i32();
        if (n < 0) fail('negative string length');
        stack.push(str(n));
        break;
      }
      case 0x43:
        stack.push(take(u8()).slice());
        break;
      case 0x42:
        stack.push(take(u32()).slice());
        break;
      case 0x8e:
        stack.push(take(u64()).slice());
        break;
      case 0x88:
        stack.push(true);
        break;
      case 0x89:
        stack.push(false);
        break;
      case 0x4e:
        stack.push(null);
        break;
      case 0x63: {
        // GLOBAL: "module\nname\n"
        const module = line();
        const name = line();
        stack.push(resolveGlobal(module, name));
        break;
      }
      case 0x93: {
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL without two strings');
        stack.push(resolveGlobal(module as string, name as string));
        break;
      }
      case 0x52: {
        const args = pop();
        const fn = pop();
        stack.push(call(fn, args, 'REDUCE'));
        break;
      }
      case 0x81: {
        const args = pop();
        const cls = pop();
        stack.push(call(cls, args, 'NEWOBJ'));
        break;
      }
      case 0x62: {
        // BUILD: only on objects an allowed global made; OrderedDict's state (its _metadata) is ignored.
        const state = pop();
        const obj = top();
        if (obj instanceof Built) {
          obj.build?.(obj.value, unwrapDeep(state));
        } else {
          fail('BUILD on an object that no allowed global made');
        }
        break;
      }
      case 0x51: {
        const pid = pop();
        if (!opts.persistentLoad) fail('a persistent id where none is expected');
        stack.push(opts.persistentLoad!(unwrapDeep(pid)));
        break;
      }
      case 0x71:
        memo.set(u8(), stack[stack.length - 1] ?? fail('BINPUT on an empty stack'));
        break;
      case 0x72:
        memo.set(u32(), stack[stack.length - 1] ?? fail('LONG_BINPUT on an empty stack'));
        break;
      case 0x94:
        memo.set(memo.size, stack[stack.length - 1] ?? fail('MEMOIZE on an empty stack'));
        break;
      case 0x68:
      case 0x6a: {
        const idx = op === 0x68 ? u8() : u32();
        const v = memo.get(idx);
        if (v === undefined) fail(`memo entry ${idx} read before it was written`);
        stack.push(v!);
        break;
      }
      case 0x30:
        if (stack.length) stack.pop();
        else popMark();
        break;
      case 0x31:
        popMark();
        break;
      case 0x32:
        stack.push(top());
        break;
      default: {
        p = at;
        const name = OPCODE_NAMES[op];
        fail(`unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')}${name ? ` (${name})` : ''}, which a state_dict does not use`);
      }
    }
  }
}

/** Python's two's-complement little-endian LONG encoding → number (bigint when it does not fit). */
function decodeLong(b: Uint8Array): number | bigint {
  if (b.length === 0) return 0;
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}
