/**
 * Phrase matching from the index's positions: the documents in which the
 * words of a phrase occur at their relative positions, found by walking the
 * posting lists of the phrase's stems together (a document must hold them
 * all) and comparing positions only where it does. No document is read:
 * the cost is that of the stems' postings, like scoring them.
 */
import { Growable } from '../common/growable.js';
import type { IndexReader, PositionList } from '../index/open.js';
import type { QueryPhrase } from './query.js';

/** One stem of a phrase being walked in one segment: its postings and positions in step. */
interface Walker {
  list: PositionList;
  /** Where the stem's words sit in the phrase (offsets from the first word). */
  offsets: number[];
  positions: Growable<Int32Array>;
}

/** True when the sorted `list` (first `n` items) holds `value`. */
function holds(list: Int32Array, n: number, value: number): boolean {
  let lo = 0;
  let hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] === value) return true;
    if (list[mid] < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Whether the current document of every walker holds the phrase somewhere. */
function matchesHere(walkers: Walker[]): boolean {
  for (const w of walkers) w.list.positions.read(w.positions);
  // Anchor on the stem with the fewest occurrences here.
  const anchor = walkers.reduce((a, b) => (b.positions.length < a.positions.length ? b : a));
  const at = anchor.positions.raw;
  for (let i = 0; i < anchor.positions.length; i++) {
    const start = at[i] - anchor.offsets[0];
    if (start < 0) continue;
    if (walkers.every((w) => w.offsets.every((o) => holds(w.positions.raw, w.positions.length, start + o)))) return true;
  }
  return false;
}

/** Documents (by the index's numbers) holding `phrase`, marked in `into`. */
function markPhrase(index: IndexReader, phrase: QueryPhrase, into: Uint8Array): void {
  const stems = [...new Set(phrase.words.map((w) => w.stem))];
  const perStem = stems.map((stem) => new Map(index.positionLists(stem).map((l) => [l.base, l])));
  // Only segments holding every stem of the phrase can hold the phrase.
  for (const [base] of perStem[0]) {
    if (!perStem.every((m) => m.has(base))) continue;
    const walkers: Walker[] = stems.map((stem, i) => {
      const list = perStem[i].get(base)!;
      list.cursor.reset(list.start, list.end);
      list.positions.reset(list.positionStart, list.positionEnd);
      return { list, offsets: phrase.words.filter((w) => w.stem === stem).map((w) => w.offset), positions: new Growable(Int32Array, 64) };
    });
    // Leapfrog: move every list to the largest current document until all agree.
    const advance = (w: Walker) => w.list.cursor.next() && w.list.positions.next(w.list.cursor.freq);
    if (!walkers.every(advance)) continue;
    for (;;) {
      let target = -1;
      for (const w of walkers) target = Math.max(target, w.list.cursor.doc);
      let exhausted = false;
      for (const w of walkers) {
        while (w.list.cursor.doc < target) {
          if (!advance(w)) {
            exhausted = true;
            break;
          }
        }
        if (exhausted) break;
      }
      if (exhausted) break;
      if (walkers.every((w) => w.list.cursor.doc === target)) {
        if (matchesHere(walkers)) into[base + target] = 1;
        if (!walkers.every(advance)) break;
      }
    }
  }
}

/** Postings and positions read to match `phrases` (each posting counted twice: its positions are read too). */
export function phrasesCost(index: IndexReader, phrases: readonly QueryPhrase[]): number {
  let cost = 0;
  for (const phrase of phrases) for (const stem of new Set(phrase.words.map((w) => w.stem))) for (const l of index.positionLists(stem)) cost += 2 * l.postings;
  return cost;
}

/**
 * The documents holding every phrase of a query: one byte per document
 * number, 1 where all the phrases occur.
 */
export function phraseMatches(index: IndexReader, phrases: readonly QueryPhrase[]): Uint8Array {
  let all: Uint8Array | undefined;
  for (const phrase of phrases) {
    const these = new Uint8Array(index.size);
    markPhrase(index, phrase, these);
    if (all) for (let d = 0; d < all.length; d++) all[d] &= these[d];
    else all = these;
  }
  return all ?? new Uint8Array(index.size);
}
