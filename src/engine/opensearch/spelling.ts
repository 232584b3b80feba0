/**
 * Spelling on the cluster with the local engine's rules: src/search/spelling.ts's
 * Speller, unchanged, over a view of the cluster holding what it will ask for
 * one query — the document frequencies of the query words' stems, other
 * readings and roots (a count per term), and the near spellings of the
 * words rare enough to be respelled (the word list). The Speller is
 * synchronous; the view is filled first, then asked.
 */
import type { Analyzer } from '../../analysis/pipeline.js';
import type { IndexReader, Namespace, TermCount } from '../../index/open.js';
import type { ParsedQuery } from '../../search/query.js';
import { RARE_MIN, RARE_SHARE, Speller } from '../../search/spelling.js';
import type { LiveIndex } from './health.js';
import { editDistance, type ListedForm } from './word-list.js';

type SpellerIndex = Pick<IndexReader, 'documents' | 'df' | 'fuzzy' | 'readable'>;

/** Counts documents matching each clause of `filters` (name → query) on the live index. */
export type CountFilters = (live: LiveIndex, filters: Record<string, unknown>) => Promise<Record<string, number>>;

/** What the Speller reads of an index, for the words of one query, fetched from the cluster. */
class ClusterSpellingView implements SpellerIndex {
  readonly dfs = new Map<string, number>();
  readonly near = new Map<string, { norm: string; display: string; df: number; distance: number }[]>();
  readonly displays = new Map<string, string>();

  constructor(readonly documents: number) {}

  df(ns: Namespace, term: string): number {
    return this.dfs.get(`${ns}\u0000${term}`) ?? 0;
  }

  fuzzy(ns: Namespace, word: string, maxEdits: number): (TermCount & { distance: number })[] {
    if (ns !== 'norms') return [];
    return (this.near.get(word) ?? []).filter((f) => f.distance <= maxEdits).map((f) => ({ term: f.norm, df: f.df, distance: f.distance }));
  }

  readable(_ns: Namespace, term: string): string {
    return this.displays.get(term) ?? term;
  }
}

/** The terms the Speller asks the frequency of for `q`'s words, keyed `ns\u0000term`. */
function termsOf(q: ParsedQuery): Map<string, { ns: Namespace; term: string }> {
  const terms = new Map<string, { ns: Namespace; term: string }>();
  for (const w of q.words) {
    for (const [ns, term] of [['stems', w.stem], ['roots', w.root], ...w.alternates.map((a) => ['stems', a])] as [Namespace, string][]) terms.set(`${ns}\u0000${term}`, { ns, term });
  }
  return terms;
}

/** The queries (by name) whose document counts a Speller for `q` needs. */
export function spellingFilters(q: ParsedQuery): Record<string, unknown> {
  return Object.fromEntries([...termsOf(q).values()].map(({ ns, term }, i) => [`t${i}`, { term: { [ns]: term } }]));
}

/**
 * A Speller for the words of `q`, reading their frequencies and near
 * spellings from the cluster. `count` counts the documents matching each of
 * spellingFilters(q); `nearest` finds the near spellings of a word in the word list.
 */
export async function clusterSpeller(
  live: LiveIndex,
  analyzer: Analyzer,
  q: ParsedQuery,
  count: CountFilters,
  nearest: (norm: string, maxEdits: number) => Promise<ListedForm[]> = (norm, maxEdits) => live.words.nearest(norm, maxEdits, live.meta.normTerms),
): Promise<Speller> {
  const view = new ClusterSpellingView(live.documents);
  const keys = [...termsOf(q).keys()];
  if (keys.length) {
    const counts = await count(live, spellingFilters(q));
    keys.forEach((k, i) => view.dfs.set(k, counts[`t${i}`] ?? 0));
  }
  // Only words held by at most a handful of documents are respelled (spelling.ts): only theirs are looked up.
  const rare = Math.max(RARE_MIN, Math.floor(live.documents * RARE_SHARE));
  const looked = q.words.filter((w) => w.norm.length >= 3 && Math.max(view.df('stems', w.stem), view.df('roots', w.root), ...w.alternates.map((a) => view.df('stems', a))) <= rare);
  await Promise.all(
    [...new Set(looked.map((w) => w.norm))].map(async (norm) => {
      const found = await nearest(norm, norm.length <= 4 ? 1 : 2);
      view.near.set(
        norm,
        found.map((f) => ({ ...f, distance: editDistance(norm, f.norm) })),
      );
      for (const f of found) view.displays.set(f.norm, f.display);
    }),
  );
  return new Speller(view, analyzer);
}
