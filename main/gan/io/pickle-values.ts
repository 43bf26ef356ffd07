// The Python values a restricted unpickle makes (pickle.ts): tuples, dicts, lists, scalars, bytes,
// and opaque objects that only the caller's allowed globals create; the errors a load can end in.

export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

/** A Python dict (and OrderedDict); insertion order is kept. */
export class PyDict {
  readonly map = new Map<PyKey, PyValue>();
}

export type PyKey = string | number | bigint | boolean | null;

/** Something an allowed global made (a storage reference, a tensor): opaque to the unpickler. */
export interface PyOpaque {
  readonly pyOpaque: string;
}

export type PyValue = null | boolean | number | bigint | string | Uint8Array | PyValue[] | PyTuple | PyDict | PyOpaque;

export class UnsafePickleError extends Error {
  constructor(readonly global: string) {
    super(`refusing to load: the file asks for ${global}, which a weights file never needs — it may be malicious`);
    this.name = 'UnsafePickleError';
  }
}

export class PickleFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PickleFormatError';
  }
}

/** What an allowed global is: something called with REDUCE/NEWOBJ, or a value used as-is (a type). */
export type AllowedGlobal =
  | { kind: 'callable'; call: (args: PyValue[]) => PyValue; build?: (obj: PyValue, state: PyValue) => void }
  | { kind: 'value'; value: PyOpaque };

/** A global the allow-list resolved (GLOBAL, STACK_GLOBAL). */
export class GlobalRef implements PyOpaque {
  readonly pyOpaque = 'global';
  constructor(
    readonly qualified: string,
    readonly spec: AllowedGlobal,
  ) {}
}

/** What an allowed callable made, until BUILD has given it its state. */
export class Built implements PyOpaque {
  readonly pyOpaque = 'built';
  constructor(
    readonly value: PyValue,
    readonly build: ((obj: PyValue, state: PyValue) => void) | undefined,
  ) {}
}

/** The object an allowed global of kind 'value' stands for (a storage type), or null. */
export function globalValue(v: PyValue): PyOpaque | null {
  return v instanceof GlobalRef && v.spec.kind === 'value' ? v.spec.value : null;
}

/** A value with every BUILD wrapper replaced by the object it wraps. */
export function unwrap(v: PyValue): PyValue {
  return v instanceof Built ? v.value : v;
}

/** Replaces the BUILD wrappers by the objects they wrap, everywhere in a value. */
export function unwrapDeep(v: PyValue, seen = new Set<object>()): PyValue {
  const u = unwrap(v);
  if (u === null || typeof u !== 'object' || u instanceof Uint8Array || seen.has(u)) return u;
  seen.add(u);
  if (Array.isArray(u)) {
    for (let i = 0; i < u.length; i++) u[i] = unwrapDeep(u[i]!, seen);
  } else if (u instanceof PyTuple) {
    for (let i = 0; i < u.items.length; i++) u.items[i] = unwrapDeep(u.items[i]!, seen);
  } else if (u instanceof PyDict) {
    for (const [k, x] of u.map) u.map.set(k, unwrapDeep(x, seen));
  }
  return u;
}
