/**
 * The word table: every distinct surface word seen so far, with its analysed
 * forms, found by a hash of its characters. Scanning a text walks its UTF-16
 * units once, classifying them with a lookup table and hashing each word as it
 * goes, so a word already seen costs a probe and a comparison — no regular
 * expression, no substring, no allocation. Indexing and highlighting both scan
 * through it.
 *
 * A word is a maximal run of the characters WORD_PATTERN accepts, exactly as
 * the tokenizer splits.
 */
import { WORD_PATTERN } from './tokenize.js';

/** 1: a word character; 2: a high surrogate (the pair decides); 0: a separator. */
const CLASS = new Uint8Array(65536);
{
  const re = new RegExp(`^${WORD_PATTERN.source}$`, 'u');
  for (let c = 0; c < 65536; c++) {
    if (c >= 0xd800 && c <= 0xdbff) CLASS[c] = 2;
    else if (c < 0xdc00 || c > 0xdfff) CLASS[c] = re.test(String.fromCharCode(c)) ? 1 : 0;
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

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a of a string's UTF-16 units, as the table hashes words. */
export function hashString(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h | 0;
}

/**
 * Writes `width` integers summarizing a value at `out[at…]`: a flat copy of
 * what hot loops test first, so they need not follow the value's pointers.
 */
export interface Packer<F> {
  width: number;
  pack(value: F, out: Int32Array, at: number): void;
}

export class WordTable<F> {
  private slots = new Int32Array(1 << 16);
  private hashes: number[] = [];
  private surfaces: string[] = [];
  private values: F[] = [];
  private packs: Int32Array;
  /** Incremented each time the table is emptied (when it reaches `limit` words). */
  generation = 0;

  constructor(
    private readonly compute: (surface: string) => F,
    private readonly limit = 500_000,
    private readonly packer?: Packer<F>,
  ) {
    this.packs = new Int32Array(packer ? packer.width << 12 : 0);
  }

  /** The packer's integers for every entry: entry e's start at e × width. */
  get packed(): Int32Array {
    return this.packs;
  }

  get size(): number {
    return this.surfaces.length;
  }

  /** The analysed forms of entry `e`. */
  value(e: number): F {
    return this.values[e];
  }

  surface(e: number): string {
    return this.surfaces[e];
  }

  /** Calls `visit(start, end, entry)` for every word of `text`, in order. */
  scan(text: string, visit: (start: number, end: number, entry: number) => void): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      let c = text.charCodeAt(i);
      let k = CLASS[c];
      if (k === 0 || (k === 2 && astralWordAt(text, i) === 0)) {
        i++;
        continue;
      }
      const start = i;
      let h = FNV_OFFSET;
      while (i < n) {
        c = text.charCodeAt(i);
        k = CLASS[c];
        if (k === 1) {
          h = Math.imul(h ^ c, FNV_PRIME);
          i++;
        } else if (k === 2 && astralWordAt(text, i) === 2) {
          h = Math.imul(Math.imul(h ^ c, FNV_PRIME) ^ text.charCodeAt(i + 1), FNV_PRIME);
          i += 2;
        } else break;
      }
      visit(start, i, this.lookup(text, start, i, h | 0));
    }
  }

  private lookup(text: string, start: number, end: number, h: number): number {
    const mask = this.slots.length - 1;
    let slot = h & mask;
    for (let e = this.slots[slot] - 1; e >= 0; e = this.slots[slot] - 1) {
      if (this.hashes[e] === h) {
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
      slot = (slot + 1) & mask;
    }
    return this.add(text.slice(start, end), h);
  }

  private add(surface: string, h: number): number {
    if (this.surfaces.length >= this.limit) this.clear();
    if ((this.surfaces.length + 1) * 2 > this.slots.length) this.grow();
    const e = this.surfaces.length;
    this.surfaces.push(surface);
    this.hashes.push(h);
    const value = this.compute(surface);
    this.values.push(value);
    if (this.packer) {
      const at = e * this.packer.width;
      if (at + this.packer.width > this.packs.length) {
        const grown = new Int32Array(this.packs.length * 2);
        grown.set(this.packs);
        this.packs = grown;
      }
      this.packer.pack(value, this.packs, at);
    }
    this.place(e, h);
    return e;
  }

  private place(e: number, h: number): void {
    const mask = this.slots.length - 1;
    let slot = h & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = e + 1;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let e = 0; e < this.surfaces.length; e++) this.place(e, this.hashes[e]);
  }

  clear(): void {
    this.slots = new Int32Array(1 << 16);
    this.hashes = [];
    this.surfaces = [];
    this.values = [];
    this.generation++;
  }
}
