/**
 * Term positions, writer and reader: where each stem occurs in each document,
 * so phrases are matched from the index instead of by re-reading documents.
 * Positions count every word of a document (stop words included, as the
 * analyzer numbers them): the text's from 0, the title's from FIELD_GAP past
 * the text's last, so no phrase (at most MAX_PHRASE_SPAN words from its first
 * to its last) runs from one field into the other. Text first keeps the first
 * gap of most documents small.
 *
 * positions.bin, per stem, in step with its posting list: for each posting
 * its positions as varint gaps (the first from -1). How many there are is the
 * posting's frequencies (title + text), which its frequency byte holds unless
 * one of them reached its cap: then a varint count comes first.
 */
import { ensureIndex, Growable } from '../common/growable.js';
import { copyBytes, MAX_TEXT_TF, MAX_TITLE_TF, textFrequency, titleFrequency } from './postings.js';

/** Positions between the text's last word and the title's first. */
export const FIELD_GAP = 256;
/** The longest phrase, from its first word to its last, matched as a phrase. */
export const MAX_PHRASE_SPAN = FIELD_GAP - 1;

/**
 * Texts longer than snippets scan whole (SNIPPET_SCAN_CHARACTERS) get jumps:
 * the character offset of a word every JUMP_WORDS positions (and, last, the
 * text's word count and length), so the word at a position found in
 * positions.bin is reached by analysing at most JUMP_WORDS words, not the
 * whole text before it.
 */
export const JUMP_WORDS = 1024;

/**
 * Collects the positions of one namespace's terms document by document, in
 * the order its postings are collected, and lays them out term by term.
 */
export class PositionsWriter {
  private readonly occTerm = new Growable(Uint32Array, 4096);
  private readonly occPos = new Growable(Uint32Array, 4096);
  /** The bytes of every posting's positions, in posting (document-major) order, and where each ends. */
  private readonly bytes = new Growable(Uint8Array, 1 << 20);
  private readonly postingEnd = new Growable(Uint32Array, 1 << 16);
  private slot = new Int32Array(1024).fill(-1);
  private readonly scratch = new Growable(Uint32Array, 1024);

  /** Term `term` occurs at `position` in the current document. */
  add(term: number, position: number): void {
    this.occTerm.push(term);
    this.occPos.push(position);
  }

  /** True when a posting's frequency byte cannot tell how many positions it has (a frequency reached its cap). */
  static countWritten(freq: number): boolean {
    return titleFrequency(freq) >= MAX_TITLE_TF || textFrequency(freq) >= MAX_TEXT_TF;
  }

  /**
   * Ends the current document; `touched` are its terms in the order its
   * postings were written, `freqs` their frequency bytes.
   */
  endDocument(touched: readonly number[], freqs: ArrayLike<number>): void {
    const n = this.occTerm.length;
    const terms = this.occTerm.raw;
    const pos = this.occPos.raw;
    for (const t of touched) if (t >= this.slot.length) this.slot = ensureIndex(this.slot, t, -1);
    // Counting sort of the occurrences by term, keeping their (increasing) order within a term.
    const count = new Uint32Array(touched.length + 1);
    touched.forEach((t, i) => (this.slot[t] = i));
    for (let o = 0; o < n; o++) count[this.slot[terms[o]] + 1]++;
    for (let i = 1; i <= touched.length; i++) count[i] += count[i - 1];
    this.scratch.clear();
    this.scratch.reserve(n);
    const sorted = this.scratch.raw;
    const at = count.slice();
    for (let o = 0; o < n; o++) sorted[at[this.slot[terms[o]]]++] = pos[o];
    for (let i = 0; i < touched.length; i++) {
      let last = -1;
      if (PositionsWriter.countWritten(freqs[i])) this.pushVarint(count[i + 1] - count[i]);
      for (let k = count[i]; k < count[i + 1]; k++) {
        this.pushVarint(sorted[k] - last);
        last = sorted[k];
      }
      this.postingEnd.push(this.bytes.length);
      this.slot[touched[i]] = -1;
    }
    this.occTerm.clear();
    this.occPos.clear();
  }

  private pushVarint(n: number): void {
    while (n >= 0x80) {
      this.bytes.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    this.bytes.push(n);
  }

  /**
   * Lays the positions out term by term. `postTerm[i]` is the term of posting
   * i (document-major, as collected); the terms follow one another in `order`
   * (by default in id order). Returns the file and each term's range.
   */
  layout(termCount: number, postTerm: Uint32Array, order?: ArrayLike<number>): { bytes: Buffer; start: Float64Array; end: Float64Array } {
    const ends = this.postingEnd.raw;
    const src = this.bytes.raw;
    const size = new Float64Array(termCount);
    for (let i = 0; i < postTerm.length; i++) size[postTerm[i]] += ends[i] - (i ? ends[i - 1] : 0);
    const cursor = new Float64Array(termCount);
    let total = 0;
    for (let k = 0; k < termCount; k++) {
      const t = order ? order[k] : k;
      cursor[t] = total;
      total += size[t];
    }
    const start = Float64Array.from(cursor);
    const bytes = Buffer.alloc(total);
    for (let i = 0; i < postTerm.length; i++) {
      const t = postTerm[i];
      cursor[t] = copyBytes(src, i ? ends[i - 1] : 0, ends[i], bytes, cursor[t]);
    }
    return { bytes, start, end: cursor };
  }

  /** Forgets every position (the next documents start a new segment or chunk). */
  clear(): void {
    this.occTerm.clear();
    this.occPos.clear();
    this.bytes.clear();
    this.postingEnd.clear();
  }
}

/**
 * Reads one term's positions in step with its posting cursor: `reset` with
 * the term's range, then `next(freq)` once per posting with the posting's
 * frequency byte; `read` decodes the current posting's positions when they
 * are wanted (they are skipped otherwise).
 */
export class PositionReader {
  private p = 0;
  private end = 0;
  private from = 0;
  private count = 0;

  constructor(private readonly buf: Uint8Array) {}

  reset(start: number, end: number): this {
    this.p = this.from = start;
    this.end = end;
    this.count = 0;
    return this;
  }

  /** Moves to the next posting's positions; false past the last. */
  next(freq: number): boolean {
    const buf = this.buf;
    let p = this.p;
    if (p >= this.end) return false;
    let count = titleFrequency(freq) + textFrequency(freq);
    if (PositionsWriter.countWritten(freq)) {
      count = 0;
      for (let shift = 0, b = 0x80; b & 0x80; shift += 7) {
        b = buf[p++];
        count += (b & 0x7f) * 2 ** shift;
      }
    }
    this.from = p;
    this.count = count;
    for (let k = 0; k < count; k++) while (buf[p++] & 0x80);
    this.p = p;
    return true;
  }

  /** The current posting's positions, into `out` (emptied first); returns how many. */
  read(out: Growable<Int32Array>): number {
    out.clear();
    let p = this.from;
    let pos = -1;
    const buf = this.buf;
    for (let k = 0; k < this.count; k++) {
      let b = buf[p++];
      let v = b & 0x7f;
      for (let shift = 7; b & 0x80; shift += 7) {
        b = buf[p++];
        v |= (b & 0x7f) << shift;
      }
      pos += v;
      out.push(pos);
    }
    return out.length;
  }
}
