/**
 * FNV-1a, 32 bits: the one hash of strings in the code base. Words are hashed
 * by UTF-16 code unit as the word table scans them; byte strings (posting
 * lists) by byte. A short Arabic word the word table holds as two integers
 * (its spelling) is hashed from them (hashPair).
 */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** One more unit into a running hash: `h = fnvStep(h, unit)`. */
export function fnvStep(h: number, unit: number): number {
  return Math.imul(h ^ unit, FNV_PRIME);
}

/** FNV-1a of a string's UTF-16 code units, as a signed 32-bit integer. */
export function hashString(s: string): number {
  return hashRange(s, 0, s.length);
}

/** FNV-1a of the UTF-16 code units of `s[from, to)`, as a signed 32-bit integer. */
export function hashRange(s: string, from: number, to: number): number {
  let h = FNV_OFFSET;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h | 0;
}

/** A hash of two 32-bit integers whose low bits are as good as its high ones (murmur3's finalizer), signed. */
export function hashPair(lo: number, hi: number): number {
  let h = lo ^ Math.imul(hi, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** FNV-1a of bytes, as an unsigned 32-bit integer. */
export function hashBytes(bytes: Uint8Array): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], FNV_PRIME);
  return h >>> 0;
}
