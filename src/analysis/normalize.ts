/**
 * Orthographic normalization of Arabic (and Latin) text, applied identically to
 * documents and queries. Idempotent: normalize(normalize(x)) === normalize(x).
 */

import { ARABIC_MARKS, classBody, inRanges, INVISIBLE_CONTROLS, LATIN_COMBINING, TATWEEL } from './chars.js';

export interface NormalizeOptions {
  /** Fold the hamza carriers ؤ → و and ئ → ي (measured: see bench/RESULTS.md). */
  foldHamzaCarriers: boolean;
}

export const DEFAULT_NORMALIZE_OPTIONS: NormalizeOptions = { foldHamzaCarriers: true };

/** Code points dropped outright: Arabic marks, tatweel, zero-width and bidi controls, Latin accents. */
function isDropped(c: number): boolean {
  return c === TATWEEL || inRanges(c, ARABIC_MARKS) || inRanges(c, INVISIBLE_CONTROLS) || inRanges(c, LATIN_COMBINING);
}

const LETTER_FOLDS: ReadonlyMap<number, string> = new Map([
  [0x0623, 'ا'], // أ
  [0x0625, 'ا'], // إ
  [0x0622, 'ا'], // آ
  [0x0671, 'ا'], // ٱ alef wasla
  [0x0672, 'ا'],
  [0x0673, 'ا'],
  [0x0649, 'ي'], // ى alef maqsura
  [0x06cc, 'ي'], // ی Persian yeh
  [0x064a, 'ي'],
  [0x0629, 'ه'], // ة ta marbuta
  [0x06c0, 'ه'], // ۀ
  [0x06c1, 'ه'], // ہ
  [0x06c2, 'ه'],
  [0x06c3, 'ه'],
  [0x06d5, 'ه'], // ە
  [0x06a9, 'ك'], // ک keheh
  [0x06aa, 'ك'],
]);

const HAMZA_CARRIER_FOLDS: ReadonlyMap<number, string> = new Map([
  [0x0624, 'و'], // ؤ
  [0x0626, 'ي'], // ئ
]);

function digitValue(c: number): number {
  if (c >= 0x0660 && c <= 0x0669) return c - 0x0660;
  if (c >= 0x06f0 && c <= 0x06f9) return c - 0x06f0;
  return -1;
}

/** Latin letters that carry a precomposed accent fold to their base letters. */
function foldLatin(ch: string): string {
  return ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

function isAccentedLatin(c: number): boolean {
  return (c >= 0x00c0 && c <= 0x024f) || (c >= 0x1e00 && c <= 0x1eff);
}

/**
 * Code units whose normalization is a fixed single unit or nothing, whatever
 * surrounds them: ASCII, the Arabic letters, digits and marks — except the
 * madda and hamza marks (U+0653–U+0655), which NFKC composes with the letter
 * before them. A text made only of these is normalized unit by unit.
 */
function isPlainUnit(c: number): boolean {
  return c < 0x80 || (c >= 0x0621 && c <= 0x0652) || (c >= 0x0656 && c <= 0x0673) || c === 0x06a9 || c === 0x06aa || (c >= 0x06c1 && c <= 0x06c3) || c === 0x06cc || c === 0x06d5 || (c >= 0x06f0 && c <= 0x06f9);
}

/** Per code unit: -2 not plain, -1 dropped, else the unit it becomes. Derived from `fullNormalize` itself. */
const unitTables = new Map<boolean, Int32Array>();

function unitTable(options: NormalizeOptions): Int32Array {
  let t = unitTables.get(options.foldHamzaCarriers);
  if (!t) {
    t = new Int32Array(0x0700).fill(-2);
    for (let c = 0; c < t.length; c++) {
      if (!isPlainUnit(c)) continue;
      const n = fullNormalize(String.fromCharCode(c), options);
      t[c] = n.length === 0 ? -1 : n.length === 1 ? n.charCodeAt(0) : -2;
    }
    unitTables.set(options.foldHamzaCarriers, t);
  }
  return t;
}

export function normalize(text: string, options: NormalizeOptions = DEFAULT_NORMALIZE_OPTIONS): string {
  const table = unitTable(options);
  let out = '';
  let same = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const m = c < table.length ? table[c] : -2;
    if (m === -2) return fullNormalize(text, options);
    if (m === c) {
      if (!same) out += text[i];
      continue;
    }
    if (same) {
      out = text.slice(0, i);
      same = false;
    }
    if (m >= 0) out += String.fromCharCode(m);
  }
  return same ? text : out;
}

/** Normalization by its definition (NFKC, lower case, drops and folds); `normalize` gives the same, faster. */
export function fullNormalize(text: string, options: NormalizeOptions = DEFAULT_NORMALIZE_OPTIONS): string {
  const src = text.normalize('NFKC').toLowerCase();
  let out = '';
  for (const ch of src) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) {
      out += ch;
      continue;
    }
    if (isDropped(c)) continue;
    const fold = LETTER_FOLDS.get(c) ?? (options.foldHamzaCarriers ? HAMZA_CARRIER_FOLDS.get(c) : undefined);
    if (fold !== undefined) {
      out += fold;
      continue;
    }
    const digit = digitValue(c);
    if (digit >= 0) {
      out += String(digit);
      continue;
    }
    out += isAccentedLatin(c) ? foldLatin(ch) : ch;
  }
  // Dropping marks can leave a sequence that NFKC would compose differently.
  return out.normalize('NFKC') === out ? out : fullNormalize(out, options);
}

const INVISIBLE_AND_MARKS = new RegExp(`[${classBody(ARABIC_MARKS)}${classBody([[TATWEEL, TATWEEL]])}${classBody(INVISIBLE_CONTROLS)}]`, 'g');

/**
 * A word as a reader expects to see it in a list of suggestions: presentation
 * forms resolved, diacritics, tatweel and invisible controls removed, but
 * hamza, ta marbuta and alef maqsura kept (الطاقة, not الطاقه).
 */
export function displayForm(surface: string): string {
  return surface.normalize('NFKC').replace(INVISIBLE_AND_MARKS, '');
}
