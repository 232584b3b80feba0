/**
 * The search facade over one opened index: parse → rank → read the returned
 * page of documents → snippets. Also suggestions, documents and stats.
 */
import { Analyzer, ANALYZER_VERSION } from '../analysis/pipeline.js';
import { openIndexReader, type IndexReader, type TermCount } from '../index/open.js';
import { FORMAT_VERSION } from '../index/format.js';
import { MAX_SUGGESTIONS } from '../common/limits.js';
import { isEmptyQuery, parseQuery, type ParsedQuery } from './query.js';
import { DEFAULT_RANK_PARAMS, QueryTooCostlyError, Ranker, WORK_BUDGET, type RankFilters, type RankParams } from './rank.js';
import { matcherFor } from './highlight.js';
import { phraseMatches, phrasesCost } from './phrases.js';
import { bareHit, filterDays, highlightedDocument, hitOf, pagingOf, suggestionPrefix } from './present.js';
import { NO_SOURCE, type HighlightedDocument, type Hit, type IndexStats, type SearchOptions, type SearchResult, type StoredDocument, type Suggestion } from './types.js';

export type { HighlightedDocument } from './types.js';

function elapsed(t0: number): number {
  return Math.round((performance.now() - t0) * 1000) / 1000;
}

export class Searcher {
  readonly analyzer: Analyzer;
  private readonly ranker: Ranker;
  private readonly shortPrefixes = new Map<string, TermCount[]>();

  constructor(
    readonly index: IndexReader,
    analyzer?: Analyzer,
    params: RankParams = DEFAULT_RANK_PARAMS,
  ) {
    this.analyzer = analyzer ?? new Analyzer();
    this.ranker = new Ranker(index, params);
  }

  get size(): number {
    return this.index.documents;
  }

  /** Reads one stored document by internal number. */
  readDocument(doc: number): StoredDocument {
    return this.index.read(doc);
  }

  getDocument(id: string): StoredDocument | undefined {
    const doc = this.index.docOf(id);
    return doc === undefined ? undefined : this.readDocument(doc);
  }

  private filtersFor(opts: SearchOptions): RankFilters | undefined {
    const f = opts.filters ?? {};
    const out: RankFilters = filterDays(opts);
    if (f.source !== undefined) {
      const sid = f.source === NO_SOURCE ? 0 : this.index.sources.indexOf(f.source);
      if (sid < 0) return undefined; // no document has that source
      out.source = sid;
    }
    return out;
  }

  search(query: string, opts: SearchOptions = {}): SearchResult {
    const t0 = performance.now();
    const { limit, offset } = pagingOf(opts);
    const q = parseQuery(query, this.analyzer);
    const filters = this.filtersFor(opts);
    const empty: SearchResult = { total: 0, took_ms: 0, hits: [], facets: { source: {} } };
    if (isEmptyQuery(q)) return { ...empty, took_ms: elapsed(t0) };
    // Phrases are matched from positions, for every document at once.
    const budget = opts.budget ?? WORK_BUDGET;
    const spent = q.phrases.length ? phrasesCost(this.index, q.phrases) : 0;
    if (spent > budget) throw new QueryTooCostlyError(`This query's phrases are too broad: matching them would read ${(spent / 1e6).toFixed(1)} million postings, and one query may read ${(budget / 1e6).toFixed(1)} million. Use rarer words in them.`);
    const phrased = q.phrases.length ? phraseMatches(this.index, q.phrases) : undefined;
    const r = this.ranker.rank({
      query: q,
      all: opts.mode === 'all',
      filters: filters ?? {},
      k: offset + limit,
      verify: phrased && ((doc) => phrased[doc] === 1),
      budget,
      spent,
    });
    const facets: Record<string, number> = {};
    for (const [sid, n] of r.sourceCounts) facets[this.index.sources[sid] || NO_SOURCE] = n;
    if (!filters) return { ...empty, facets: { source: facets }, took_ms: elapsed(t0) };
    const matcher = matcherFor(this.analyzer, q);
    const withSnippets = opts.snippets !== false;
    const hits: Hit[] = [];
    for (let i = offset; i < r.docs.length; i++) {
      const doc = r.docs[i];
      hits.push(withSnippets ? hitOf(this.analyzer, matcher, this.readDocument(doc), r.scores[i]) : bareHit(this.index.idOf(doc), r.scores[i]));
    }
    const result: SearchResult = { total: r.total, took_ms: 0, hits, facets: { source: facets } };
    if (r.partial) result.partial = true;
    if (r.total === 0 && withSnippets) {
      const dym = this.didYouMean(q);
      if (dym) result.didYouMean = dym;
    }
    result.took_ms = elapsed(t0);
    return result;
  }

  /** The whole document with every match of `query` highlighted. */
  highlightDocument(id: string, query?: string): HighlightedDocument | undefined {
    const document = this.getDocument(id);
    return document && highlightedDocument(this.analyzer, document, query);
  }

  /** Completions of the last word of `input` among surface forms, most frequent first. */
  suggest(input: string, limit = MAX_SUGGESTIONS): Suggestion[] {
    const word = suggestionPrefix(this.analyzer, input);
    if (!word) return [];
    const { head, norm } = word;
    return this.completions(norm)
      .slice(0, limit)
      .map((t) => {
        const term = this.index.readable('norms', t.term);
        return { term, query: head + term, count: t.df };
      });
  }

  /**
   * The most frequent surface forms starting with `prefix`. One- and two-letter
   * prefixes span a large part of the lexicon, so their answers are kept.
   */
  private completions(prefix: string): TermCount[] {
    if (prefix.length > 2) return this.index.topByPrefix('norms', prefix, MAX_SUGGESTIONS);
    let c = this.shortPrefixes.get(prefix);
    if (!c) {
      c = this.index.topByPrefix('norms', prefix, MAX_SUGGESTIONS);
      this.shortPrefixes.set(prefix, c);
    }
    return c;
  }

  /** A spelling with matches for the words of a query that matched nothing. */
  didYouMean(q: ParsedQuery): string | undefined {
    if (q.words.length === 0) return undefined;
    const fixed: string[] = [];
    let changed = false;
    for (const w of q.words) {
      if (this.index.df('stems', w.stem) > 0) {
        fixed.push(w.norm);
        continue;
      }
      const alt = this.nearest(w.norm);
      if (!alt) return undefined;
      fixed.push(alt);
      changed = true;
    }
    if (!changed) return undefined;
    const suggestion = fixed.join(' ');
    return this.ranker.rank({ query: parseQuery(suggestion, this.analyzer), all: false, filters: {}, k: 0 }).total > 0 ? suggestion : undefined;
  }

  /** The readable spelling of the most frequent surface form within one or two edits of `norm` (ties: the nearer, then term order). */
  private nearest(norm: string): string | undefined {
    if (norm.length < 3) return undefined;
    const found = this.index.fuzzy('norms', norm, norm.length <= 4 ? 1 : 2);
    found.sort((a, b) => a.distance - b.distance || b.df - a.df || (a.term < b.term ? -1 : 1));
    return found.length ? this.index.readable('norms', found[0].term) : undefined;
  }

  stats(): IndexStats {
    const m = this.index.manifest;
    let bytes = 0;
    for (const s of m.segments) {
      for (const f of Object.values(s.files)) bytes += f.bytes;
      bytes += s.deletes?.bytes ?? 0;
    }
    return {
      documents: m.documents,
      terms: this.index.stemCount,
      builtAt: m.builtAt,
      buildSeconds: m.buildSeconds,
      analyzerVersion: m.analyzerVersion ?? ANALYZER_VERSION,
      formatVersion: m.format ?? FORMAT_VERSION,
      bytes,
    };
  }

  close(): void {
    this.index.close();
  }
}

/**
 * Opens the index in `dir` for searching. `previous`, a Searcher of the same
 * folder, lends the segments the new generation still holds, so reopening
 * after a small update reads only what changed.
 */
export async function openIndex(dir: string, analyzer?: Analyzer, params?: RankParams, previous?: Searcher): Promise<Searcher> {
  const a = analyzer ?? previous?.analyzer ?? new Analyzer();
  return new Searcher(await openIndexReader(dir, { analyzer: a, previous: previous?.index }), a, params);
}
