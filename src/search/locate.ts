/**
 * Where the first matches of a query are in a long text, found from the index
 * instead of by reading the text: the stems' positions (positions.bin) say
 * which words match, the text's jumps (JUMP_WORDS) lead to a known word near
 * each, and only the words from there on are analysed to reach it.
 */
import type { Analyzer } from '../analysis/pipeline.js';
import type { IndexReader } from '../index/open.js';
import type { ParsedQuery } from './query.js';

/**
 * Character offsets in `text` (document `doc`'s) of the first occurrence of
 * each of the query's stems, earliest first, at most `max`; empty when the
 * index keeps no jumps for the text (it is short, or the index older).
 */
export function firstMatchOffsets(index: IndexReader, analyzer: Analyzer, doc: number, text: string, q: ParsedQuery, max: number): number[] {
  const jumps = index.textJumps(doc);
  if (!jumps) return [];
  // The last jump holds the text's word count: positions from there on are the title's.
  const textWords = jumps.positions[jumps.positions.length - 1];
  const firsts = new Set<number>();
  for (const stem of new Set(q.words.flatMap((w) => [w.stem, ...w.alternates]))) {
    const p = index.positionsOf(doc, stem)[0];
    if (p !== undefined && p < textWords) firsts.add(p);
  }
  return [...firsts]
    .sort((a, b) => a - b)
    .slice(0, max)
    .map((p) => offsetOf(analyzer, text, jumps, p));
}

/** The offset of the word at `position`, analysing the words from the jump before it. */
function offsetOf(analyzer: Analyzer, text: string, jumps: { positions: Uint32Array; offsets: Uint32Array }, position: number): number {
  let j = 0;
  while (j + 1 < jumps.positions.length && jumps.positions[j + 1] <= position) j++;
  const from = jumps.offsets[j];
  const to = jumps.offsets[Math.min(j + 1, jumps.offsets.length - 1)];
  let at = jumps.positions[j];
  let found = from;
  analyzer.scan(text.slice(from, to), (start, _end, w) => {
    // A word counts one position per reading (a ligature may read as several words).
    if (at <= position && at + w.readings > position) found = from + start;
    at += w.readings;
  });
  return found;
}
