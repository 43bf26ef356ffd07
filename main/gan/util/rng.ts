// Seedable PRNG (xoshiro128**, seeded through splitmix32) whose whole state is a small JSON value,
// so a checkpoint can save it and a resumed run continues with exactly the same random stream.
//
// It does not reproduce Python's Mersenne Twister or torch's generators: matching the reference
// "number for number" is only possible for the logic that consumes randomness, not the draws.

export interface RngState {
  readonly algorithm: 'xoshiro128**';
  /** The four 32-bit state words, as unsigned integers. */
  readonly s: readonly [number, number, number, number];
  /** Second Box–Muller deviate left over from the last normal(), or null. */
  readonly spareNormal: number | null;
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** One splitmix32 step: returns [output, nextState]. Spreads arbitrary seeds over all 128 state bits. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  z ^= z >>> 15;
  return [z >>> 0, next];
}

function seedWords(lo: number, hi: number): [number, number, number, number] {
  let sm = lo | 0;
  const words: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [out, next] = splitmix32(sm);
    // Mixing the high seed bits in after the first word keeps seeds above 2^32 distinct.
    sm = i === 0 ? next ^ hi : next;
    words.push(out);
  }
  // xoshiro must never be all-zero; splitmix32 makes that astronomically unlikely, but be exact.
  if (!words.some((w) => w !== 0)) words[0] = 1;
  return words as [number, number, number, number];
}

/** FNV-1a over the UTF-16 code units of a label. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function isUint32(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < TWO_POW_32;
}

export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  /** `seed` is any safe integer (negative allowed); equal seeds give equal streams. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`Rng seed must be a safe integer, got ${seed}`);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    this.setWords(seedWords(lo, hi));
  }

  static fromState(state: RngState): Rng {
    if (state === null || typeof state !== 'object' || state.algorithm !== 'xoshiro128**') {
      throw new Error(`Rng state has unknown algorithm ${JSON.stringify((state as { algorithm?: unknown })?.algorithm)}`);
    }
    const s = state.s;
    if (!Array.isArray(s) || s.length !== 4 || !s.every(isUint32) || s.every((w) => w === 0)) {
      throw new Error(`Rng state words must be four uint32 values, not all zero; got ${JSON.stringify(s)}`);
    }
    if (state.spareNormal !== null && !Number.isFinite(state.spareNormal)) {
      throw new Error(`Rng state spareNormal must be a finite number or null; got ${String(state.spareNormal)}`);
    }
    const rng = new Rng(0);
    rng.setWords([s[0], s[1], s[2], s[3]]);
    rng.spare = state.spareNormal;
    return rng;
  }

  state(): RngState {
    return {
      algorithm: 'xoshiro128**',
      s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0],
      spareNormal: this.spare,
    };
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits, like Python's random.random(). */
  uniform(): number {
    const a = this.nextUint32() >>> 5; // 27 bits
    const b = this.nextUint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / TWO_POW_53;
  }

  /** Gaussian deviate (Box–Muller; the second deviate of each pair is kept in the state). */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    const [z0, z1] = this.normalPair();
    this.spare = z1;
    return mean + std * z0;
  }

  /** Integer uniformly drawn from [lo, hi], both inclusive, like Python's random.randint. */
  randint(lo: number, hi: number): number {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi < lo) {
      throw new RangeError(`randint needs integers lo <= hi, got ${lo}, ${hi}`);
    }
    const n = hi - lo + 1;
    if (n > TWO_POW_32) throw new RangeError(`randint range ${lo}..${hi} is wider than 2^32`);
    // Rejection sampling removes the modulo bias.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return lo + (x % n);
    }
  }

  /**
   * Fills `out` with Gaussian deviates. Uses its own pairs (never the normal() spare), so the
   * result depends only on the state words; for an odd length the last pair's second deviate is
   * discarded.
   */
  fillNormal(out: Float32Array, mean: number, std: number): void {
    for (let i = 0; i < out.length; i += 2) {
      const [z0, z1] = this.normalPair();
      out[i] = mean + std * z0;
      if (i + 1 < out.length) out[i + 1] = mean + std * z1;
    }
  }

  /**
   * A deterministic, statistically independent substream named by `label`. Depends only on this
   * generator's current state and the label, and does not advance this generator.
   */
  fork(label: string): Rng {
    let sm = hashLabel(label);
    const words: number[] = [];
    const own = [this.s0, this.s1, this.s2, this.s3];
    for (let i = 0; i < 4; i++) {
      const [out, next] = splitmix32(sm ^ (own[i] as number));
      sm = next ^ out;
      words.push(out);
    }
    if (!words.some((w) => w !== 0)) words[0] = 1;
    const child = new Rng(0);
    child.setWords(words as [number, number, number, number]);
    return child;
  }

  private normalPair(): [number, number] {
    // 1 - uniform() lies in (0, 1], so the log is finite.
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    return [r * Math.cos(theta), r * Math.sin(theta)];
  }

  private setWords(w: [number, number, number, number]): void {
    this.s0 = w[0] | 0;
    this.s1 = w[1] | 0;
    this.s2 = w[2] | 0;
    this.s3 = w[3] | 0;
    this.spare = null;
  }
}
