import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** "p_k3j9…": a prefix says what the id names; 12 random characters make collisions negligible. */
export function newId(prefix: 'p' | 'r' | 'e' | 'j'): string {
  const bytes = randomBytes(12);
  let s = '';
  for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
  return `${prefix}_${s}`;
}
