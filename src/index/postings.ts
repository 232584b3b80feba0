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

/** Posting lists of one namespace laid out term after term, and where each list lies. */
export interface PostingLists {
  start: Float64Array;
  end: Float64Array;
  bytes: Buffer;
}

/**
 * Lays out a namespace's postings term by term from postings collected
 * document by document: `docStart[d]` is where document d's postings begin in
 * `postTerm` (term ids) and `postFreq` (frequency bytes), plus the end.
 */
export function layoutPostings(termCount: number, docStart: Uint32Array, postTerm: Uint32Array, postFreq: Uint8Array): PostingLists {
  const docs = docStart.length - 1;
  const size = new Float64Array(termCount);
  const last = new Int32Array(termCount).fill(-1);
  for (let d = 0; d < docs; d++) {
    for (let i = docStart[d]; i < docStart[d + 1]; i++) {
      const t = postTerm[i];
      size[t] += postingLength(d - last[t], postFreq[i]);
      last[t] = d;
    }
  }
  const cursor = new Float64Array(termCount);
  let total = 0;
  for (let t = 0; t < termCount; t++) {
    cursor[t] = total;
    total += size[t];
  }
  const start = Float64Array.from(cursor);
  const bytes = Buffer.alloc(total);
  last.fill(-1);
  for (let d = 0; d < docs; d++) {
    for (let i = docStart[d]; i < docStart[d + 1]; i++) {
      const t = postTerm[i];
      cursor[t] = writePosting(bytes, cursor[t], d - last[t], postFreq[i]);
      last[t] = d;
    }
  }
  return { start, end: cursor, bytes };
}

/**
 * Stores byte-identical lists once: lists of other namespaces (a surface form
 * met in one spelling only, a root with one stem) that equal a list of the
 * primary namespace point at its bytes instead of repeating them.
 */
export class PostingsSharing {
  private readonly byKey = new Map<string, number[]>();

  constructor(private readonly primary: PostingLists) {
    for (let i = 0; i < primary.start.length; i++) {
      const key = this.key(primary.bytes.subarray(primary.start[i], primary.end[i]));
      const list = this.byKey.get(key);
      if (list) list.push(i);
      else this.byKey.set(key, [i]);
    }
  }

  private key(bytes: Uint8Array): string {
    return `${bytes.length}:${hashBytes(bytes)}`;
  }

  /** Offsets of `lists` in a file where the primary lists come first and `lists`' own bytes are laid out from `base`. */
  place(lists: PostingLists, base: number): PostingLists {
    const p = this.primary;
    const start = new Float64Array(lists.start.length);
    const end = new Float64Array(lists.start.length);
    const parts: Buffer[] = [];
    let at = base;
    for (let i = 0; i < lists.start.length; i++) {
      const bytes = lists.bytes.subarray(lists.start[i], lists.end[i]);
      const twin = this.byKey.get(this.key(bytes))?.find((j) => bytes.equals(p.bytes.subarray(p.start[j], p.end[j])));
      if (twin !== undefined) {
        start[i] = p.start[twin];
        end[i] = p.end[twin];
      } else {
        parts.push(bytes);
        start[i] = at;
        end[i] = at += bytes.length;
      }
    }
    return { start, end, bytes: Buffer.concat(parts) };
  }
}
