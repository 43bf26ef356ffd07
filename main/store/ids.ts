import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** "p_k3j9…": a prefix says what the id names; 12 random characters make collisions negligible. */
/** p project, r run, e image export, x model export, j job. */
export function newId(prefix: 'p' | 'r' | 'e' | 'x' | 'j'): string {
  const bytes = randomBytes(12);
  let s = '';
  for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
  return `${prefix}_${s}`;
}
