/**
 * Character classes the analysis steps share, each defined once: invisible
 * format controls (zero-width, bidi), Arabic marks and tatweel. Normalization
 * drops them, tokenization keeps invisible controls inside the word they sit
 * in, and the readable form of a word drops them.
 */

/** [first, last] code point ranges, inclusive. */
export type Ranges = readonly (readonly [number, number])[];

/** Zero-width space/joiners, LRM/RLM, the Arabic letter mark, bidi embeddings, overrides and isolates, BOM. */
export const INVISIBLE_CONTROLS: Ranges = [
  [0x200b, 0x200f],
  [0x061c, 0x061c],
  [0x202a, 0x202e],
  [0x2066, 0x2069],
  [0xfeff, 0xfeff],
];

/** Harakat, shadda, sukun, hamza marks, dagger alef, honorific, Qur'anic and extended Arabic marks. */
export const ARABIC_MARKS: Ranges = [
  [0x064b, 0x065f],
  [0x0670, 0x0670],
  [0x0610, 0x061a],
  [0x06d6, 0x06ed],
  [0x08d3, 0x08ff],
];

export const TATWEEL = 0x0640;

/** Latin combining accents (what NFD leaves of é, ñ…). */
export const LATIN_COMBINING: Ranges = [[0x0300, 0x036f]];

export function inRanges(c: number, ranges: Ranges): boolean {
  for (const [lo, hi] of ranges) if (c >= lo && c <= hi) return true;
  return false;
}

/** The ranges as the body of a regular-expression character class: `\u200b-\u200f…`. */
export function classBody(ranges: Ranges): string {
  const u = (c: number) => `\\u${c.toString(16).padStart(4, '0')}`;
  return ranges.map(([lo, hi]) => (lo === hi ? u(lo) : `${u(lo)}-${u(hi)}`)).join('');
}
