/**
 * Suggestions: completions of the last word of what has been typed, that
 * make sense with the words before it. The candidates are the surface forms
 * starting with the last word that the most documents hold, one per stem.
 * Each is counted for the whole completed query: `count`, the documents a
 * search with every word required finds. They are ranked by how well the
 * completion itself (its stem and other readings: a shared root is too loose
 * a tie here) goes with the words before it — the documents holding both,
 * weighed by the share of the completion's documents they are (n × n ÷
 * documents holding the completion) — so a word common everywhere does not
 * crowd out one that goes with the words before it: «أسعار النف» offers
 * «أسعار النفط» first, however common النفس is elsewhere. Without words
 * before it, that is how many documents hold the completion. Counting reads
 * postings: at most SUGGEST_WORK_BUDGET of them per request, the most
 * frequent candidates first; with nothing typed before the last word, the
 * lexicon alone weighs them.
 */
import type { Analyzer } from '../analysis/pipeline.js';
import type { IndexReader, TermCount } from '../index/open.js';
import { MAX_SUGGESTIONS, SUGGEST_CANDIDATES, SUGGEST_WORK_BUDGET } from '../common/limits.js';
import { isEmptyQuery, parseQuery, type ParsedQuery, type QueryWord } from './query.js';
import type { Ranker } from './rank.js';
import type { Suggestion } from './types.js';

/** The last word of an input and what comes before it; undefined when the input ends in a space. */
export function splitLast(input: string): { head: string; last: string } | undefined {
  const m = /^(.*?)(\S+)$/su.exec(input);
  return m ? { head: m[1], last: m[2] } : undefined;
}

/** The prefix a suggestion completes, normalized, and the query typed before it; undefined when there is nothing to complete. */
export function suggestionInput(analyzer: Analyzer, input: string): { head: string; prefix: string; before: ParsedQuery; alone: boolean } | undefined {
  const parts = splitLast(input);
  if (!parts) return undefined;
  const prefix = analyzer.normalize(parts.last).replace(/[^\p{L}\p{N}]/gu, '');
  if (!prefix) return undefined;
  const before = parseQuery(parts.head, analyzer);
  return { head: parts.head, prefix, before, alone: isEmptyQuery(before) && before.excluded.length === 0 };
}

/** The completions worth weighing among `terms` (most frequent first): stop words complete nothing, and another form of a stem already taken matches the same documents. */
export function completionCandidates(analyzer: Analyzer, terms: readonly TermCount[]): { norm: string; word: QueryWord }[] {
  const seen = new Set<string>();
  const out: { norm: string; word: QueryWord }[] = [];
  for (const t of terms) {
    const q = parseQuery(t.term, analyzer);
    const word = q.words.length === 1 ? q.words[0] : undefined;
    if (!word || seen.has(word.stem)) continue;
    seen.add(word.stem);
    out.push({ norm: t.term, word });
  }
  return out;
}

/** Puts candidate `c` in its place among `best` (most weight first, ties by form), keeping at most `n`. */
export function placeCandidate<T extends { norm: string; weight: number }>(best: T[], c: T, n = MAX_SUGGESTIONS): void {
  let j = best.length;
  while (j > 0 && (best[j - 1].weight < c.weight || (best[j - 1].weight === c.weight && best[j - 1].norm > c.norm))) j--;
  best.splice(j, 0, c);
  if (best.length > n) best.pop();
}

interface Candidate {
  /** The surface form, normalized. */
  norm: string;
  word: QueryWord;
  /** The most its weight can be, from the lexicon: min(h, d)² ÷ d', h the documents matching the words before, d the sum and d' the largest of its readings' document counts. */
  bound: number;
  /** How well it goes with the words before it (see above). */
  weight: number;
}

export class Suggester {
  /** One- and two-letter prefixes span much of the lexicon: their suggestions without preceding words are kept. */
  private readonly shortPrefixes = new Map<string, Suggestion[]>();

  constructor(
    private readonly index: Pick<IndexReader, 'topByPrefix' | 'readable' | 'df'>,
    private readonly analyzer: Analyzer,
    private readonly ranker: Ranker,
    /** Documents matching every word of `q` (its phrases and exclusions too), marked, and how many. */
    private readonly matching: (q: ParsedQuery) => { mark: Uint8Array; size: number },
  ) {}

  suggest(input: string, limit = MAX_SUGGESTIONS): Suggestion[] {
    const parts = suggestionInput(this.analyzer, input);
    if (!parts) return [];
    const { prefix, before: head, alone } = parts;
    const cached = alone && prefix.length <= 2 ? this.shortPrefixes.get(prefix) : undefined;
    const found = cached ?? this.completions(prefix, alone ? undefined : this.matching(head));
    if (alone && prefix.length <= 2 && !cached) this.shortPrefixes.set(prefix, found);
    return found.slice(0, limit).map((s) => ({ ...s, query: parts.head + s.term }));
  }

  /**
   * The best completions of `prefix` among the `within` documents (every
   * live document when undefined): candidates weighed by their own documents
   * — those that cannot beat the best found so far not counted at all — the
   * best then counted as a search counts them.
   */
  private completions(prefix: string, within: { mark: Uint8Array; size: number } | undefined): Suggestion[] {
    let budget = SUGGEST_WORK_BUDGET;
    const candidates: Candidate[] = [];
    for (const { norm, word } of completionCandidates(this.analyzer, this.index.topByPrefix('norms', prefix, SUGGEST_CANDIDATES))) {
      const dfs = [word.stem, ...word.alternates].map((stem) => this.index.df('stems', stem));
      const sum = dfs.reduce((a, b) => a + b, 0);
      const most = Math.min(within?.size ?? sum, sum);
      candidates.push({ norm, word, bound: (most * most) / Math.max(1, ...dfs), weight: 0 });
    }
    candidates.sort((a, b) => b.bound - a.bound);
    const best: Candidate[] = [];
    for (const c of candidates) {
      if (best.length === MAX_SUGGESTIONS && c.bound < best[MAX_SUGGESTIONS - 1].weight) break;
      if (!within) {
        // Nothing typed before: weighed by the documents of its most frequent reading, from the lexicon.
        c.weight = Math.max(...[c.word.stem, ...c.word.alternates].map((stem) => this.index.df('stems', stem)));
      } else {
        const own = this.ranker.countWord(c.word, within.mark, budget, false);
        if (!own) continue;
        budget -= own.cost;
        if (own.count === 0) continue;
        c.weight = (own.count * own.count) / own.all;
      }
      placeCandidate(best, c);
    }
    const out: Suggestion[] = [];
    for (const c of best) {
      const n = this.ranker.countWord(c.word, within?.mark, budget, true);
      if (!n) continue;
      budget -= n.cost;
      out.push({ term: this.index.readable('norms', c.norm), query: '', count: n.count });
    }
    return out;
  }
}
