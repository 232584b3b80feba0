/**
 * The search facade over one opened index: parse → (respell) → rank → fold
 * near-duplicates → read the returned page of documents → snippets, with
 * facets and a did-you-mean. Also suggestions, documents and stats.
 */
import { Analyzer, ANALYZER_VERSION } from '../analysis/pipeline.js';
import { openIndexReader, type IndexReader } from '../index/open.js';
import { NO_DATE } from '../index/dates.js';
import { FORMAT_VERSION } from '../index/format.js';
import { COLLAPSE_MAX_CANDIDATES, DEFAULT_HIT_LIMIT, MAX_SUGGESTIONS, SNIPPET_FRAGMENTS } from '../common/limits.js';
import { DamagedRecordError } from '../index/errors.js';
import { isEmptyQuery, parseQuery, type ParsedQuery } from './query.js';
import { DEFAULT_RANK_PARAMS, QueryTooCostlyError, Ranker, WORK_BUDGET, type RankFilters, type RankParams, type RankRequest, type RankResult } from './rank.js';
import { matcherFor } from './highlight.js';
import { firstMatchOffsets } from './locate.js';
import { phraseMatches, phrasesCost } from './phrases.js';
import { DuplicateFinder } from './collapse.js';
import { dateFacet, emptyFacets, isoDay, sourceFacet } from './facets.js';
import { Speller } from './spelling.js';
import { Suggester } from './suggest.js';
import { bareHit, filterDays, highlightedDocument, hitOf, pagingOf } from './present.js';
import { NO_SOURCE, type Duplicate, type HighlightedDocument, type Hit, type IndexStats, type SearchOptions, type SearchResult, type StoredDocument, type Suggestion } from './types.js';

export type { HighlightedDocument } from './types.js';

/** What a page shows of a hit whose stored document cannot be read. */
function damagedHit(id: string, score: number): Hit {
  return { id, score, title: '', snippet: { fragments: [], before: false, after: false }, highlights: { title: [], text: [] }, metadata: {}, damaged: true };
}

function elapsed(t0: number): number {
  return Math.round((performance.now() - t0) * 1000) / 1000;
}

/** The ranked documents of an answer, grouped: each group's first document is a hit, the others its near-duplicates. */
interface Ranked {
  rank: RankResult;
  groups: number[][];
  /** Groups the whole answer has, when every match was grouped. */
  allGroups?: number;
}

export class Searcher {
  readonly analyzer: Analyzer;
  private readonly ranker: Ranker;
  private readonly speller: Speller;
  private readonly suggester: Suggester;
  private readonly duplicates: DuplicateFinder;
  private sourceNumbers: Map<string, number> | undefined;
  /** Documents read while the current search folded near-duplicates: its hits need not read them again. */
  private readForFolding = new Map<number, StoredDocument>();

  constructor(
    readonly index: IndexReader,
    analyzer?: Analyzer,
    params: RankParams = DEFAULT_RANK_PARAMS,
  ) {
    this.analyzer = analyzer ?? new Analyzer();
    this.ranker = new Ranker(index, params);
    this.speller = new Speller(index, this.analyzer);
    this.suggester = new Suggester(index, this.analyzer, this.ranker, (q) => this.matching(q));
    this.duplicates = new DuplicateFinder(this.analyzer, (doc) => {
      let d: StoredDocument;
      try {
        d = this.readDocument(doc);
      } catch (e) {
        // A damaged record folds with nothing (an empty opening is no one's duplicate); its hit says it is damaged.
        if (!(e instanceof DamagedRecordError)) throw e;
        return { id: this.index.idOf(doc), title: '', text: '', metadata: {} };
      }
      this.readForFolding.set(doc, d);
      return d;
    });
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

  /** The index's number of source `name` (NO_SOURCE is 0), or -1. */
  private sourceNumber(name: string): number {
    if (!this.sourceNumbers) {
      this.sourceNumbers = new Map();
      this.index.sources.forEach((s, i) => this.sourceNumbers!.set(s, i));
    }
    return this.sourceNumbers.get(name) ?? -1;
  }

  /** The filters in the ranker's terms; undefined when no document can pass them (an unknown source). */
  private filtersFor(opts: SearchOptions): RankFilters | undefined {
    const f = opts.filters ?? {};
    const out: RankFilters = filterDays(opts);
    if (f.source !== undefined) {
      const sid = f.source === NO_SOURCE ? 0 : this.sourceNumber(f.source);
      if (sid < 0) return undefined;
      out.source = sid;
    }
    return out;
  }

  search(query: string, opts: SearchOptions = {}): SearchResult {
    const t0 = performance.now();
    pagingOf(opts);
    const q = parseQuery(query, this.analyzer);
    const filters = this.filtersFor(opts);
    if (isEmptyQuery(q)) return { total: 0, took_ms: elapsed(t0), hits: [], facets: emptyFacets() };
    const corrected = opts.correct ? this.speller.correction(query, q) : undefined;
    const result = corrected ? this.answer(corrected, parseQuery(corrected, this.analyzer), filters, opts) : this.answer(query, q, filters, opts);
    if (corrected) {
      result.correction = { query: corrected, original: query };
      delete result.didYouMean;
    }
    result.took_ms = elapsed(t0);
    return result;
  }

  /** The answer to parsed query `q` (`raw` as given). */
  private answer(raw: string, q: ParsedQuery, filters: RankFilters | undefined, opts: SearchOptions): SearchResult {
    const want = (opts.offset ?? 0) + (opts.limit ?? DEFAULT_HIT_LIMIT);
    if (!filters) {
      // No document has the source asked for: nothing matches, but the counts by source say where the query does.
      const r = this.rank(q, { all: opts.mode === 'all', filters: {}, k: 0, budget: opts.budget });
      return { total: 0, took_ms: 0, hits: [], facets: { ...emptyFacets(), ...sourceFacet(r.sourceCounts, this.index.sources) } };
    }
    const ranked = this.ranked(q, filters, opts, want);
    try {
      return this.answerRanked(raw, q, ranked, opts);
    } finally {
      this.readForFolding.clear();
    }
  }

  /** The answer made of ranked (and grouped) documents: facets, hits with snippets, did-you-mean. */
  private answerRanked(raw: string, q: ParsedQuery, ranked: Ranked, opts: SearchOptions): SearchResult {
    const offset = opts.offset ?? 0;
    const withSnippets = opts.snippets !== false;
    const r = ranked.rank;
    const facets = { ...sourceFacet(r.sourceCounts, this.index.sources), date: dateFacet(r.dayCounts!, this.ranker.days().days) };
    const matcher = withSnippets ? matcherFor(this.analyzer, q) : undefined;
    const hits: Hit[] = [];
    const scoreOf = new Map<number, number>();
    r.docs.forEach((d, i) => scoreOf.set(d, r.scores[i]));
    for (let i = offset; i < ranked.groups.length; i++) {
      const [doc, ...more] = ranked.groups[i];
      const hit = this.hit(doc, scoreOf.get(doc)!, matcher, q);
      if (opts.collapse && more.length) hit.duplicates = more.map((d) => this.duplicate(d));
      hits.push(hit);
    }
    const result: SearchResult = { total: r.total, took_ms: 0, hits, facets };
    if (opts.collapse) {
      result.collapse = { folded: hits.reduce((a, h) => a + (h.duplicates?.length ?? 0), 0) };
      if (ranked.allGroups !== undefined) result.collapse.groups = ranked.allGroups;
    }
    if (r.partial) result.partial = true;
    if (withSnippets) {
      const dym = this.speller.didYouMean(raw, q, r.total);
      if (dym) result.didYouMean = dym;
    }
    return result;
  }

  /**
   * Ranks `q` for the first `want` hits. Folding near-duplicates, the best
   * matches are grouped until `want` groups are whole or every match is
   * grouped, ranking deeper when a page needs more — down to
   * COLLAPSE_MAX_CANDIDATES matches; past them, a deep page lists the matches
   * as they rank, unfolded, rather than read on.
   */
  private ranked(q: ParsedQuery, filters: RankFilters, opts: SearchOptions, want: number): Ranked {
    const req = { all: opts.mode === 'all', filters, sort: opts.sort, countDays: true, budget: opts.budget };
    if (!opts.collapse) {
      const rank = this.rank(q, { ...req, k: want });
      return { rank, groups: rank.docs.slice(0, want).map((d) => [d]) };
    }
    let k = Math.min(COLLAPSE_MAX_CANDIDATES, 4 * want + 20);
    for (;;) {
      const rank = this.rank(q, { ...req, k });
      const all = rank.docs.length >= rank.total;
      // Every match in hand: all of them grouped, and the groups counted.
      const { groups, complete } = this.duplicates.group(rank.docs, all ? Infinity : want);
      if (all) return { rank, groups: groups.slice(0, want), allGroups: groups.length };
      if (!complete) return { rank, groups };
      if (k >= COLLAPSE_MAX_CANDIDATES) {
        const deeper = this.rank(q, { ...req, k: k + want - groups.length });
        return { rank: deeper, groups: [...groups, ...deeper.docs.slice(k).map((d) => [d])] };
      }
      k = Math.min(COLLAPSE_MAX_CANDIDATES, k * 4);
    }
  }

  /** Ranks a parsed query, its phrases matched from positions (for every document at once) within the work budget. */
  private rank(q: ParsedQuery, req: Omit<RankRequest, 'query' | 'verify' | 'spent'>): RankResult {
    const budget = req.budget ?? WORK_BUDGET;
    const spent = q.phrases.length ? phrasesCost(this.index, q.phrases) : 0;
    if (spent > budget) throw new QueryTooCostlyError(`This query's phrases are too broad: matching them would read ${(spent / 1e6).toFixed(1)} million postings, and one query may read ${(budget / 1e6).toFixed(1)} million. Use rarer words in them.`);
    const phrased = q.phrases.length ? phraseMatches(this.index, q.phrases) : undefined;
    return this.ranker.rank({ ...req, query: q, verify: phrased && ((doc) => phrased[doc] === 1), budget, spent });
  }

  /** Every live document matching all of `q`, marked, and how many. */
  private matching(q: ParsedQuery): { mark: Uint8Array; size: number } {
    const mark = new Uint8Array(this.index.size);
    return { mark, size: isEmptyQuery(q) ? 0 : this.rank(q, { all: true, filters: {}, k: 0, mark }).total };
  }

  /** Hit for document `doc`: its title and snippet with the matches of `matcher`, or only its id and score without one. */
  private hit(doc: number, score: number, matcher: ReturnType<typeof matcherFor> | undefined, q: ParsedQuery): Hit {
    const id = this.index.idOf(doc);
    if (!matcher) return bareHit(id, score);
    let d: StoredDocument;
    try {
      d = this.readForFolding.get(doc) ?? this.readDocument(doc);
    } catch (e) {
      // One damaged record costs its own hit, not the whole answer.
      if (!(e instanceof DamagedRecordError)) throw e;
      return damagedHit(id, score);
    }
    return hitOf(this.analyzer, matcher, d, score, () => firstMatchOffsets(this.index, this.analyzer, doc, d.text, q, SNIPPET_FRAGMENTS));
  }

  /** A folded document as its hit lists it, from the index's columns (no read). */
  private duplicate(doc: number): Duplicate {
    const d: Duplicate = { id: this.index.idOf(doc) };
    const source = this.index.sources[this.index.arrays.source[doc]];
    if (source !== NO_SOURCE) d.source = source;
    const day = this.index.arrays.date[doc];
    if (day !== NO_DATE) d.date = isoDay(day);
    return d;
  }

  /**
   * The whole document with the matches of `query` highlighted: the first
   * DOCUMENT_MAX_HIGHLIGHTS of each field (the text is not scanned past them).
   */
  highlightDocument(id: string, query?: string): HighlightedDocument | undefined {
    const document = this.getDocument(id);
    return document && highlightedDocument(this.analyzer, document, query);
  }

  /** Completions of the last word of `input` that make sense with the words before it (see suggest.ts). */
  suggest(input: string, limit = MAX_SUGGESTIONS): Suggestion[] {
    return this.suggester.suggest(input, limit);
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
