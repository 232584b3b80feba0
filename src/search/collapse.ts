/**
 * Near-duplicates: the same story printed by several papers. Two documents
 * are near-duplicates when
 *
 *  - their titles are the same once normalized (the words' normalized forms,
 *    stop words included, in order: punctuation, diacritics, hamza and
 *    spacing do not count), and
 *  - their openings nearly are: of the first OPENING_WORDS content words of
 *    each text (by stem), at least SHARED_OPENING of the shorter list are in
 *    the other. A dateline one paper adds («عين اليوم – سنغافورة») or a
 *    clitic one drops still leaves the stories together; a rewrite does not.
 *
 * Fingerprints are computed when a search asks for them, from the stored
 * document, and kept per document (bounded): computing them at index time
 * would be a change of the index format for something only folded pages use.
 * Groups form in rank order: each document joins the first group whose first
 * member it duplicates, so a group's place is its best member's, and the
 * first n groups of a longer list of matches are those of a shorter one.
 */
import type { Analyzer } from '../analysis/pipeline.js';
import { COLLAPSE_CACHED_FINGERPRINTS } from '../common/limits.js';
import { hashString } from '../common/hash.js';
import type { StoredDocument } from './types.js';

/** Content words of the text's opening compared. */
export const OPENING_WORDS = 24;
/** Share of the shorter opening the other must hold. */
export const SHARED_OPENING = 0.8;
/** Characters of the text read for its opening: OPENING_WORDS content words of news take about 250. */
const OPENING_CHARS = 400;

export interface Fingerprint {
  /** The normalized title. */
  title: string;
  /** Hashes of the opening's distinct content-word stems, ascending. */
  opening: Int32Array;
}

export function fingerprint(analyzer: Analyzer, doc: Pick<StoredDocument, 'title' | 'text'>): Fingerprint {
  const title: string[] = [];
  analyzer.scan(doc.title, (_s, _e, w) => {
    for (let i = 0; i < w.readings; i++) title.push(w.norm(i));
  });
  const stems = new Set<number>();
  let words = 0;
  analyzer.scan(doc.text.slice(0, OPENING_CHARS), (_s, _e, w) => {
    for (let i = 0; i < w.readings && words < OPENING_WORDS; i++) {
      if (w.isStop(i)) continue;
      words++;
      stems.add(hashString(w.stem(i)));
    }
  });
  return { title: title.join(' '), opening: Int32Array.from(stems).sort() };
}

/** Whether two fingerprints are of near-duplicates. */
export function nearDuplicates(a: Fingerprint, b: Fingerprint): boolean {
  if (a.title !== b.title) return false;
  const shorter = Math.min(a.opening.length, b.opening.length);
  if (shorter === 0) return false;
  let shared = 0;
  for (let i = 0, j = 0; i < a.opening.length && j < b.opening.length; ) {
    if (a.opening[i] === b.opening[j]) {
      shared++;
      i++;
      j++;
    } else if (a.opening[i] < b.opening[j]) i++;
    else j++;
  }
  return shared >= Math.ceil(SHARED_OPENING * shorter);
}

/** Fingerprints of one index's documents, computed on demand and kept (a bounded number). */
export class DuplicateFinder {
  private readonly cache = new Map<number, Fingerprint>();

  constructor(
    private readonly analyzer: Analyzer,
    private readonly read: (doc: number) => StoredDocument,
  ) {}

  fingerprintOf(doc: number): Fingerprint {
    let f = this.cache.get(doc);
    if (!f) {
      f = fingerprint(this.analyzer, this.read(doc));
      if (this.cache.size >= COLLAPSE_CACHED_FINGERPRINTS) this.cache.clear();
      this.cache.set(doc, f);
    }
    return f;
  }

  /**
   * `docs` (in rank order) in groups of near-duplicates, each in rank order,
   * the groups in the order of their first members: the first `want` groups
   * once a group more has begun (their members ranked later are not looked
   * for), or all of them when `docs` run out first (`complete`).
   */
  group(docs: readonly number[], want = Infinity): { groups: number[][]; complete: boolean } {
    const groups: number[][] = [];
    const byTitle = new Map<string, number[][]>();
    for (const doc of docs) {
      const f = this.fingerprintOf(doc);
      const same = byTitle.get(f.title);
      const home = same?.find((g) => nearDuplicates(this.fingerprintOf(g[0]), f));
      if (home) {
        home.push(doc);
        continue;
      }
      if (groups.length === want) return { groups, complete: false };
      const g = [doc];
      groups.push(g);
      if (same) same.push(g);
      else byTitle.set(f.title, [g]);
    }
    return { groups, complete: true };
  }
}
