/**
 * The posting codec, writer and reader. Per term, documents in increasing
 * order; each posting is a varint of (doc-id gap × 2 + 1 if a frequency byte
 * follows), then that byte: text frequency in the low 6 bits, title frequency
 * in the top 2. Three postings in four are a single occurrence in the text
 * (frequency byte 1), which then costs no byte at all.
 */
import { hashBytes } from '../common/hash.js';
import { varintLength, writeVarint } from './varint.js';

/** The frequency byte of one occurrence in the text and none in the title: never written. */
export const PLAIN_FREQUENCY = 1;
export const MAX_TEXT_TF = 63;
export const MAX_TITLE_TF = 3;
const TITLE_SHIFT = 6;
const TEXT_MASK = 0x3f;

/** The frequency byte of a posting: both field frequencies, each capped. */
export function packFrequencies(tfTitle: number, tfText: number): number {
  return Math.min(tfText, MAX_TEXT_TF) | (Math.min(tfTitle, MAX_TITLE_TF) << TITLE_SHIFT);
}

export function titleFrequency(freq: number): number {
  return freq >> TITLE_SHIFT;
}

export function textFrequency(freq: number): number {
  return freq & TEXT_MASK;
}

export function postingLength(gap: number, freq: number): number {
  return freq === PLAIN_FREQUENCY ? varintLength(gap * 2) : varintLength(gap * 2 + 1) + 1;
}

/** Writes one posting at `pos`; returns the position after it. */
export function writePosting(buf: Uint8Array, pos: number, gap: number, freq: number): number {
  if (freq === PLAIN_FREQUENCY) return writeVarint(buf, pos, gap * 2);
  pos = writeVarint(buf, pos, gap * 2 + 1);
  buf[pos] = freq;
  return pos + 1;
}

/**
 * Reads one posting list: `reset(start, end)`, then `while (c.next())` with
 * `c.doc` and `c.freq` set. Small enough for the compiler to inline into the
 * ranker's loop, so scoring pays no call per posting.
 */
export class PostingCursor {
  doc = -1;
  freq = 0;
  private p = 0;
  private end = 0;

  constructor(readonly buf: Uint8Array) {}

  reset(start: number, end: number): this {
    this.p = start;
    this.end = end;
    this.doc = -1;
    return this;
  }

  next(): boolean {
    let p = this.p;
    if (p >= this.end) return false;
    const buf = this.buf;
    let b = buf[p++];
    let v = b & 0x7f;
    for (let shift = 7; b & 0x80; shift += 7) {
      b = buf[p++];
      v |= (b & 0x7f) << shift;
    }
    this.doc += v >>> 1;
    this.freq = v & 1 ? buf[p++] : PLAIN_FREQUENCY;
    this.p = p;
    return true;
  }
}

/** Every (doc, frequency byte) of the list at `[start, end)`, decoded into arrays (for tests and tools). */
export function decodePostings(buf: Uint8Array, start: number, end: number): { docs: number[]; freqs: number[] } {
  const c = new PostingCursor(buf).reset(start, end);
  const docs: number[] = [];
  const freqs: number[] = [];
  while (c.next()) {
    docs.push(c.doc);
    freqs.push(c.freq);
  }
  return { docs, freqs };
}

/** Posting lists of one namespace laid out term after term, and where each list lies (by term). */
export interface PostingLists {
  start: Float64Array;
  end: Float64Array;
  bytes: Buffer;
}

/** Lists laid out, with each term's last document (-1 for a term without postings). */
export interface LaidOutPostings extends PostingLists {
  last: Int32Array;
}

/**
 * Lays out a namespace's postings term by term from postings collected
 * document by document: `docStart[d]` is where document d's postings begin in
 * `postTerm` (term ids) and `postFreq` (frequency bytes), plus the end. The
 * lists follow one another in `order` (term ids), by default in id order.
 * `sizes`, when the caller counted them as the postings came, saves a pass.
 */
export function layoutPostings(termCount: number, docStart: Uint32Array, postTerm: Uint32Array, postFreq: Uint8Array, order?: ArrayLike<number>, sizes = ListSizes.of(termCount, docStart, postTerm, postFreq)): LaidOutPostings {
  const docs = docStart.length - 1;
  const { size } = sizes;
  const cursor = new Float64Array(termCount);
  let total = 0;
  for (let k = 0; k < termCount; k++) {
    const t = order ? order[k] : k;
    cursor[t] = total;
    total += size[t];
  }
  const start = Float64Array.from(cursor);
  const bytes = Buffer.alloc(total);
  const last = new Int32Array(termCount).fill(-1);
  for (let d = 0; d < docs; d++) {
    for (let i = docStart[d]; i < docStart[d + 1]; i++) {
      const t = postTerm[i];
      cursor[t] = writePosting(bytes, cursor[t], d - last[t], postFreq[i]);
      last[t] = d;
    }
  }
  return { start, end: cursor, bytes, last: sizes.last.slice(0, termCount) };
}

/**
 * The bytes of each term's list and its last document, counted posting by
 * posting as documents end, so laying the lists out takes one pass, not two.
 */
export class ListSizes {
  size = new Uint32Array(1024);
  last = new Int32Array(1024).fill(-1);

  /** The sizes of postings collected document by document (as `layoutPostings` takes them). */
  static of(termCount: number, docStart: Uint32Array, postTerm: Uint32Array, postFreq: Uint8Array): ListSizes {
    const sizes = new ListSizes();
    sizes.ensure(termCount - 1);
    for (let d = 0; d + 1 < docStart.length; d++) for (let i = docStart[d]; i < docStart[d + 1]; i++) sizes.add(postTerm[i], d, postFreq[i]);
    return sizes;
  }

  /** Makes room for term `t`. */
  ensure(t: number): void {
    if (t < this.size.length) return;
    const n = Math.max(t + 1, this.size.length * 2);
    const size = new Uint32Array(n);
    size.set(this.size);
    const last = new Int32Array(n).fill(-1);
    last.set(this.last);
    this.size = size;
    this.last = last;
  }

  /** Term t has a posting of frequency byte `freq` in document `d` (after its earlier ones). */
  add(t: number, d: number, freq: number): void {
    this.size[t] += postingLength(d - this.last[t], freq);
    this.last[t] = d;
  }

  /** Forgets the first `terms` terms' counts (the others were never counted). */
  clear(terms: number): void {
    this.size.fill(0, 0, terms);
    this.last.fill(-1, 0, terms);
  }
}

/**
 * Re-bases a posting list whose documents are numbered from 0 (at
 * `src[from, from + length)`) into a list whose documents are numbered from
 * `base`, following a list whose last document was `last` (-1: none): only
 * the first posting's gap changes. Writes the list at `out[pos]` and returns
 * the position after it.
 */
export function rebaseList(src: Uint8Array, from: number, length: number, base: number, last: number, out: Uint8Array, pos: number): number {
  let p = from;
  let b = src[p++];
  let value = b & 0x7f;
  for (let scale = 0x80; b & 0x80; scale *= 0x80) {
    b = src[p++];
    value += (b & 0x7f) * scale;
  }
  const flag = value % 2;
  const gap = (value - flag) / 2 + base - 1 - last;
  pos = writeVarint(out, pos, gap * 2 + flag);
  return copyBytes(src, p, from + length, out, pos);
}

/** Lists at most this long are copied byte by byte: most are a few bytes, where a view and a native copy cost more. */
const SHORT_COPY = 64;

/** Copies `src[from, to)` to `out` at `pos`; returns the position after it. */
export function copyBytes(src: Uint8Array, from: number, to: number, out: Uint8Array, pos: number): number {
  if (to - from > SHORT_COPY) {
    out.set(src.subarray(from, to), pos);
    return pos + to - from;
  }
  while (from < to) out[pos++] = src[from++];
  return pos;
}

/** The most bytes `rebaseList` can add to a list (its first gap grown to the longest varint). */
export const REBASE_GROWTH = 5;

/**
 * Stores byte-identical lists once: lists of other namespaces (a surface form
 * met in one spelling only, a root with one stem) that equal a list of the
 * primary namespace point at its bytes instead of repeating them. Primary
 * lists are registered one by one (`add`), in id order; `twinOf` names the
 * first registered list equal to some bytes. `bytesOf` reads a primary list
 * back for the comparison.
 */
export class PostingsSharing {
  /** Primary lists by a hash of their bytes and length: one id, or several when hashes collide. */
  private readonly byKey = new Map<number, number | number[]>();

  constructor(private readonly bytesOf: (id: number) => Uint8Array) {}

  /** Sharing against lists laid out in one buffer (every term of `primary`, in id order). */
  static of(primary: PostingLists): PostingsSharing {
    const sharing = new PostingsSharing((j) => primary.bytes.subarray(primary.start[j], primary.end[j]));
    for (let j = 0; j < primary.start.length; j++) sharing.add(j, primary.bytes.subarray(primary.start[j], primary.end[j]));
    return sharing;
  }

  private key(bytes: Uint8Array): number {
    return (hashBytes(bytes) ^ Math.imul(bytes.length, 0x9e3779b1)) >>> 0;
  }

  add(id: number, bytes: Uint8Array): void {
    const key = this.key(bytes);
    const known = this.byKey.get(key);
    if (known === undefined) this.byKey.set(key, id);
    else if (typeof known === 'number') this.byKey.set(key, [known, id]);
    else known.push(id);
  }

  /** The first primary list with exactly these bytes, or -1. */
  twinOf(bytes: Uint8Array): number {
    const known = this.byKey.get(this.key(bytes));
    if (known === undefined) return -1;
    if (typeof known === 'number') return Buffer.compare(bytes, this.bytesOf(known)) === 0 ? known : -1;
    for (const j of known) if (Buffer.compare(bytes, this.bytesOf(j)) === 0) return j;
    return -1;
  }

  /**
   * Offsets of `lists` (by id) in a file where the primary lists (`primary`,
   * by id) come first and `lists`' own bytes are laid out from `base`, in id order.
   */
  place(lists: PostingLists, primary: PostingLists, base: number): PostingLists {
    const start = new Float64Array(lists.start.length);
    const end = new Float64Array(lists.start.length);
    const parts: Buffer[] = [];
    let at = base;
    for (let i = 0; i < lists.start.length; i++) {
      const bytes = lists.bytes.subarray(lists.start[i], lists.end[i]);
      const twin = this.twinOf(bytes);
      if (twin >= 0) {
        start[i] = primary.start[twin];
        end[i] = primary.end[twin];
      } else {
        parts.push(bytes);
        start[i] = at;
        end[i] = at += bytes.length;
      }
    }
    return { start, end, bytes: Buffer.concat(parts) };
  }
}
