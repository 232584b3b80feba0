/**
 * The word table: every distinct surface word met so far, with its analysed
 * readings, found by a hash of its characters. Scanning a text walks its
 * UTF-16 units once, classifying them with a lookup table and hashing each
 * word as it goes, so a word already seen costs a probe and a comparison — no
 * regular expression, no substring, no allocation. Most words of an Arabic
 * text (8 letters of the Arabic block or fewer) are spelt into two integers
 * as they are read, and then the comparison is of those integers, without
 * reading a string. It is the analyzer's one cache: indexing, querying and
 * highlighting all read words through it.
 *
 * A word is a maximal run of the characters WORD_PATTERN accepts, exactly as
 * the tokenizer splits.
 *
 * Each entry is known to callers by a dense number and through a `Word` view;
 * numbers stay valid while `epoch` is unchanged. When the table is full it
 * starts afresh at the end of the scan that filled it, so a scan never sees
 * an entry number change meaning under it.
 */
import { FNV_PRIME, hashPair, hashRange, hashString } from '../common/hash.js';
import { Growable } from '../common/growable.js';
import { WORD_PATTERN } from './tokenize.js';

/**
 * What a UTF-16 unit is to the scan: 0 a separator; 1–255 a word character of
 * the Arabic block (its code less 0x600, its byte in a word's spelling: see
 * SPELT_CHARACTERS); OTHER_WORD any other word character; HIGH_SURROGATE the
 * first of a pair (the pair decides).
 */
const CLASS = new Uint16Array(65536);
const OTHER_WORD = 0x100;
const HIGH_SURROGATE = 0x200;
{
  const re = new RegExp(`^${WORD_PATTERN.source}$`, 'u');
  for (let c = 0; c < 65536; c++) {
    if (c >= 0xd800 && c <= 0xdbff) CLASS[c] = HIGH_SURROGATE;
    else if ((c < 0xdc00 || c > 0xdfff) && re.test(String.fromCharCode(c))) CLASS[c] = c > 0x600 && c < 0x700 ? c - 0x600 : OTHER_WORD;
  }
}
const ASTRAL = new RegExp(`^${WORD_PATTERN.source}$`, 'u');
const astralCache = new Map<number, boolean>();

/** Length (2) of the astral word character at `i`, or 0. */
function astralWordAt(text: string, i: number): number {
  const lo = text.charCodeAt(i + 1);
  if (!(lo >= 0xdc00 && lo <= 0xdfff)) return 0;
  const cp = text.codePointAt(i)!;
  let ok = astralCache.get(cp);
  if (ok === undefined) {
    ok = ASTRAL.test(String.fromCodePoint(cp));
    astralCache.set(cp, ok);
  }
  return ok ? 2 : 0;
}

/**
 * The analysed readings of one surface word, flat: for each reading its
 * normalized form, stem, root and stop marker, READING slots apart. One
 * reading as a rule; a ligature such as ﷺ normalizes to several words. One
 * array per word keeps the table small for the garbage collector. Private to
 * analysis: everything else reads words through `Word`.
 */
export type Readings = readonly string[];
const READING = 4;
const NORM = 0;
const STEM = 1;
const ROOT = 2;
const STOP = 3;
const STOP_MARK = 'stop';

/** Appends one reading to a word's flat readings. */
export function pushReading(out: string[], norm: string, stem: string, root: string, stop: boolean): void {
  out.push(norm, stem, root, stop ? STOP_MARK : '');
}

/** Per-entry packed summary: [flags, hash(stem), hash(norm), hash(root)]. */
const PACK = 4;
const PACKED_STOP = 1;
/** Several readings (a ligature): no hashes, always examined. */
const PACKED_SEVERAL = 2;

/**
 * Hashes of what a query looks for, so `Word.mayMatch` can reject a word with
 * integer tests before anything reads its strings.
 */
export class MatchProbe {
  readonly stems: Int32Array;
  readonly norms: Int32Array;
  readonly roots: Int32Array;

  constructor(stems: Iterable<string>, norms: Iterable<string>, roots: Iterable<string>, readonly anyPrefix: boolean) {
    this.stems = Int32Array.from(stems, hashString);
    this.norms = Int32Array.from(norms, hashString);
    this.roots = Int32Array.from(roots, hashString);
  }
}

/** Whether `a` holds `x`: a plain loop, cheaper than `includes` on the few hashes of a query. */
function holds(a: Int32Array, x: number): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] === x) return true;
  return false;
}

/** Where WordTable.scanMarked (and Analyzer.scanMarked) append a text's words and its matching ones. */
export interface MarkedWords {
  starts: Growable<Int32Array>;
  ends: Growable<Int32Array>;
  hitWords: Growable<Int32Array>;
  hitCodes: Growable<Int32Array>;
}

/**
 * A view onto one word of the table during a scan: its readings (normalized
 * form, stem, root, stop flag) and a cheap may-match test. The same object is
 * re-pointed at each word; keep `entry` to refer to the word later.
 */
export class Word {
  /** The word's entry number in the table (valid while the analyzer's epoch is unchanged). */
  entry = -1;

  constructor(private readonly table: WordTable) {}

  /** The word as written in the text. */
  get surface(): string {
    return this.table.surface(this.entry);
  }

  /** Number of readings: 1, or several for a ligature that normalizes to several words. */
  get readings(): number {
    return this.table.readings(this.entry).length / READING;
  }

  /** Normalized form of reading `i`: what exact-form matching and suggestions use. */
  norm(i = 0): string {
    return this.table.readings(this.entry)[i * READING + NORM];
  }

  /** Light stem of reading `i`: the unit of matching. */
  stem(i = 0): string {
    return this.table.readings(this.entry)[i * READING + STEM];
  }

  /** Root-level form of reading `i`: matching across derivations. */
  root(i = 0): string {
    return this.table.readings(this.entry)[i * READING + ROOT];
  }

  isStop(i = 0): boolean {
    return this.table.readings(this.entry)[i * READING + STOP] !== '';
  }

  /** False only when no reading of this word can match `probe`. */
  mayMatch(probe: MatchProbe): boolean {
    return this.table.mayMatch(this.entry, probe);
  }
}

/** Distinct words a word table holds before it starts afresh. */
export const WORD_TABLE_LIMIT = 500_000;

/**
 * A short Arabic word spelled in two integers (lo, hi): up to 8 characters of
 * the Arabic block (U+0601–U+06FF), a byte each (the code less 0x600, never
 * 0, so the leading zero bytes tell the length), the first the highest. Two
 * words with the same spelling are the same word: finding one needs no
 * comparison of characters. Its hash is hashPair(lo, hi).
 */
const SPELT_CHARACTERS = 8;

/** The `hi` of an entry without a spelling (its `lo` is its FNV hash): never a spelling's, which is 0 or ends in a letter's byte. */
const NO_SPELLING = 0x100;
const INITIAL_PLACES = 1 << 16;

export class WordTable {
  /** Open addressing: entry number + 1 (0: empty) by hash, at most half the places taken. */
  private slots = new Int32Array(INITIAL_PLACES);
  /** Per entry, two integers: its spelling, or its FNV hash and NO_SPELLING. */
  private readonly keys = new Growable(Int32Array, 2 << 12);
  private surfaces: string[] = [];
  private values: Readings[] = [];
  private readonly packs = new Growable(Int32Array, PACK << 12);
  /** Incremented each time the table starts afresh. */
  epoch = 0;

  constructor(
    private readonly compute: (surface: string) => Readings,
    readonly limit = WORD_TABLE_LIMIT,
  ) {}

  get size(): number {
    return this.surfaces.length;
  }

  readings(e: number): Readings {
    return this.values[e];
  }

  surface(e: number): string {
    return this.surfaces[e];
  }

  mayMatch(e: number, probe: MatchProbe): boolean {
    const p = this.packs.raw;
    const at = e * PACK;
    const flags = p[at];
    if (flags & PACKED_STOP) return false;
    return (flags & PACKED_SEVERAL) !== 0 || probe.anyPrefix || holds(probe.stems, p[at + 1]) || holds(probe.norms, p[at + 2]) || holds(probe.roots, p[at + 3]);
  }

  /** Calls `visit(start, end, entry)` for every word of `text`, in order. */
  scan(text: string, visit: (start: number, end: number, entry: number) => void): void {
    for (let i = this.nextWord(text, 0); i >= 0; i = this.nextWord(text, i)) visit(this.wordStart, i, this.wordEntry);
    // Full: start afresh now, between scans, never under a scan's feet.
    if (this.surfaces.length >= this.limit) this.clear();
  }

  /**
   * The words of `text` and those that may match `probe`, without a call per
   * word: each word's offsets, plus `shift`, are appended to `out.starts` /
   * `out.ends`; a word that may match is passed to `candidate`, and when that
   * returns a code other than 0 the word's number (counted from 0 in this
   * text) and the code are appended to `out.hitWords` / `out.hitCodes`.
   */
  scanMarked(text: string, shift: number, probe: MatchProbe, out: MarkedWords, candidate: (entry: number) => number): void {
    const { starts, ends, hitWords, hitCodes } = out;
    let words = 0;
    for (let i = this.nextWord(text, 0); i >= 0; i = this.nextWord(text, i)) {
      const e = this.wordEntry;
      if (this.mayMatch(e, probe)) {
        const code = candidate(e);
        if (code !== 0) {
          hitWords.push(words);
          hitCodes.push(code);
        }
      }
      starts.push(this.wordStart + shift);
      ends.push(i + shift);
      words++;
    }
    if (this.surfaces.length >= this.limit) this.clear();
  }

  /** Where the last word found by nextWord starts, and its entry. */
  private wordStart = 0;
  private wordEntry = 0;

  /**
   * Finds the first word of `text` at or after `i`: returns its end, with its
   * start and entry in `wordStart` / `wordEntry`; -1 when there is none.
   */
  private nextWord(text: string, i: number): number {
    const n = text.length;
    while (i < n) {
      let c = text.charCodeAt(i);
      let k = CLASS[c];
      if (k === 0 || (k === HIGH_SURROGATE && astralWordAt(text, i) === 0)) {
        i++;
        continue;
      }
      const start = i;
      // The word's spelling (see SPELT_CHARACTERS) as it goes; `spelt` -1 once it has none, and from then on its FNV hash in `h`.
      let h = 0;
      let lo = 0;
      let hi = 0;
      let spelt = 0;
      while (i < n) {
        c = text.charCodeAt(i);
        k = CLASS[c];
        if (k !== 0 && k < HIGH_SURROGATE) {
          if (spelt >= 0) {
            if (k < OTHER_WORD && spelt < SPELT_CHARACTERS) {
              hi = (hi << 8) | (lo >>> 24);
              lo = (lo << 8) | k;
              spelt++;
              i++;
              continue;
            }
            h = hashRange(text, start, i);
            spelt = -1;
          }
          h = Math.imul(h ^ c, FNV_PRIME);
          i++;
        } else if (k === HIGH_SURROGATE && astralWordAt(text, i) === 2) {
          if (spelt >= 0) h = hashRange(text, start, i);
          h = Math.imul(Math.imul(h ^ c, FNV_PRIME) ^ text.charCodeAt(i + 1), FNV_PRIME);
          i += 2;
          spelt = -1;
        } else break;
      }
      this.wordStart = start;
      this.wordEntry = spelt > 0 ? this.lookupSpelt(text, start, i, lo, hi) : this.lookup(text, start, i, h | 0);
      return i;
    }
    return -1;
  }

  /** The entry of a word with a spelling (`lo`, `hi`): found by its spelling alone. */
  private lookupSpelt(text: string, start: number, end: number, lo: number, hi: number): number {
    const slots = this.slots;
    const keys = this.keys.raw;
    for (let at = this.home(hashPair(lo, hi)); slots[at] !== 0; at = this.next(at)) {
      const e = slots[at] - 1;
      if (keys[2 * e] === lo && keys[2 * e + 1] === hi) return e;
    }
    return this.add(text.slice(start, end), lo, hi);
  }

  /** The entry of a word without a spelling, its characters compared with those of the entries of the same hash. */
  private lookup(text: string, start: number, end: number, h: number): number {
    const slots = this.slots;
    const keys = this.keys.raw;
    for (let at = this.home(h); slots[at] !== 0; at = this.next(at)) {
      const e = slots[at] - 1;
      if (keys[2 * e] === h && keys[2 * e + 1] === NO_SPELLING) {
        const s = this.surfaces[e];
        if (s.length === end - start) {
          let same = true;
          for (let j = 0; j < s.length; j++) {
            if (s.charCodeAt(j) !== text.charCodeAt(start + j)) {
              same = false;
              break;
            }
          }
          if (same) return e;
        }
      }
    }
    return this.add(text.slice(start, end), h, NO_SPELLING);
  }

  /** The first place a word of hash `h` may be in. */
  private home(h: number): number {
    return h & (this.slots.length - 1);
  }

  /** The place after `at`, the last followed by the first. */
  private next(at: number): number {
    return (at + 1) & (this.slots.length - 1);
  }

  /** Adds a word: `a`, `b` are its spelling, or its hash and NO_SPELLING. */
  private add(surface: string, a: number, b: number): number {
    if ((this.surfaces.length + 1) * 2 > this.slots.length) this.grow();
    const e = this.surfaces.length;
    this.keys.push(a);
    this.keys.push(b);
    this.surfaces.push(surface);
    const r = this.compute(surface);
    this.values.push(r);
    if (r.length !== READING) {
      this.packs.push(PACKED_SEVERAL);
      this.packs.push(0);
      this.packs.push(0);
      this.packs.push(0);
    } else {
      this.packs.push(r[STOP] ? PACKED_STOP : 0);
      this.packs.push(hashString(r[STEM]));
      this.packs.push(hashString(r[NORM]));
      this.packs.push(hashString(r[ROOT]));
    }
    this.place(e, a, b);
    return e;
  }

  /** Puts entry `e` (its keys `a`, `b`) in the first free place from its hash's. */
  private place(e: number, a: number, b: number): void {
    const slots = this.slots;
    let at = this.home(b === NO_SPELLING ? a : hashPair(a, b));
    while (slots[at] !== 0) at = this.next(at);
    slots[at] = e + 1;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    const keys = this.keys.raw;
    for (let e = 0; e < this.surfaces.length; e++) this.place(e, keys[2 * e], keys[2 * e + 1]);
  }

  private clear(): void {
    this.slots = new Int32Array(INITIAL_PLACES);
    this.keys.clear();
    this.packs.clear();
    this.surfaces = [];
    this.values = [];
    this.epoch++;
  }
}
