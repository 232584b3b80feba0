/**
 * FNV-1a, 32 bits: the one hash of the code base. Words are hashed by UTF-16
 * code unit as the word table scans them; byte strings (posting lists) by byte.
 */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** One more unit into a running hash: `h = fnvStep(h, unit)`. */
export function fnvStep(h: number, unit: number): number {
  return Math.imul(h ^ unit, FNV_PRIME);
}

/** FNV-1a of a string's UTF-16 code units, as a signed 32-bit integer. */
export function hashString(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h | 0;
}

/** FNV-1a of bytes, as an unsigned 32-bit integer. */
export function hashBytes(bytes: Uint8Array): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], FNV_PRIME);
  return h >>> 0;
}
