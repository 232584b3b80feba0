/**
 * The posting codec. Per term, documents in increasing order; each posting is
 * a varint of (doc-id gap × 2 + 1 if a frequency byte follows), then that
 * byte: text frequency in the low 6 bits, title frequency in the top 2.
 * Three postings in four are a single occurrence in the text (byte 1), which
 * then costs no byte at all.
 */
import { varintLength, writeVarint } from './varint.js';

export const PLAIN_FREQUENCY = 1;

export function postingLength(gap: number, freq: number): number {
  return freq === PLAIN_FREQUENCY ? varintLength(gap * 2) : varintLength(gap * 2 + 1) + 1;
}

export function writePosting(buf: Uint8Array, pos: number, gap: number, freq: number): number {
  if (freq === PLAIN_FREQUENCY) return writeVarint(buf, pos, gap * 2);
  pos = writeVarint(buf, pos, gap * 2 + 1);
  buf[pos] = freq;
  return pos + 1;
}

/** Calls `visit(doc, frequencyByte)` for each posting of the list at `[start, end)`. */
export function forEachPosting(postings: Uint8Array, start: number, end: number, visit: (doc: number, freq: number) => void): void {
  let p = start;
  let doc = -1;
  while (p < end) {
    let v = 0;
    let shift = 0;
    let b: number;
    do {
      b = postings[p++];
      v |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    doc += v >>> 1;
    visit(doc, v & 1 ? postings[p++] : PLAIN_FREQUENCY);
  }
}
