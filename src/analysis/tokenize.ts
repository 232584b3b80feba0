/**
 * Splits text into word tokens with offsets into the ORIGINAL text, so that a
 * highlight covers exactly the characters the reader sees (diacritics, tatweel
 * and clitics included).
 */
import { classBody, INVISIBLE_CONTROLS } from './chars.js';

export interface RawToken {
  /** The token exactly as it appears in the text. */
  surface: string;
  /** UTF-16 offset of the first character. */
  start: number;
  /** UTF-16 offset just past the last character. */
  end: number;
}

/**
 * A word is a run of letters, combining marks and digits. Zero-width and bidi
 * controls are absorbed into the word they sit in (normalization drops them),
 * so an invisible mark never splits a word in two.
 */
export const WORD_PATTERN = new RegExp(`[\\p{L}\\p{M}\\p{Nd}${classBody(INVISIBLE_CONTROLS)}]+`, 'gu');

export function tokenize(text: string): RawToken[] {
  const tokens: RawToken[] = [];
  for (const m of text.matchAll(WORD_PATTERN)) {
    const start = m.index!;
    tokens.push({ surface: m[0], start, end: start + m[0].length });
  }
  return tokens;
}
