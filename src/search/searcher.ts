/**
 * The search facade over one opened index: parse → rank → read the returned
 * page of documents → snippets. Also suggestions, documents and stats.
 */
import { Analyzer, ANALYZER_VERSION } from '../analysis/pipeline.js';
import { openIndexReader, type IndexReader, type TermCount } from '../index/open.js';
import { parseDate } from '../index/dates.js';
import { FORMAT_VERSION } from '../index/format.js';
import { DEFAULT_HIT_LIMIT, DOCUMENT_MAX_HIGHLIGHTS, HIT_MAX_HIGHLIGHTS, LIBRARY_MAX_HITS, LIBRARY_MAX_OFFSET, MAX_SUGGESTIONS, SNIPPET_FRAGMENTS } from '../common/limits.js';
import { DamagedRecordError } from '../index/errors.js';
import { QueryError, isEmptyQuery, parseQuery, type ParsedQuery } from './query.js';
import { DEFAULT_RANK_PARAMS, QueryTooCostlyError, Ranker, WORK_BUDGET, type RankFilters, type RankParams } from './rank.js';
import { boundedSpans, matcherFor } from './highlight.js';
import { firstMatchOffsets } from './locate.js';
import { phraseMatches, phrasesCost } from './phrases.js';
import { DEFAULT_SNIPPET_OPTIONS, snippet } from './snippet.js';
import { NO_SOURCE, type Highlights, type Hit, type IndexStats, type SearchOptions, type SearchResult, type StoredDocument, type Suggestion } from './types.js';

/** A whole document and the matches of a query in its title and text (at most DOCUMENT_MAX_HIGHLIGHTS each). */
export interface HighlightedDocument {
  document: StoredDocument;
  highlights: Highlights;
}

/** What a page shows of a hit whose stored document cannot be read. */
function damagedHit(id: string, score: number): Hit {
  return { id, score, title: '', snippet: { fragments: [], before: false, after: false }, highlights: { title: [], text: [] }, metadata: {}, damaged: true };
}

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
    const out: RankFilters = {};
    for (const key of ['from', 'to'] as const) {
      const value = f[key];
      if (value === undefined) continue;
      const day = parseDate(value);
      if (day === undefined) throw new QueryError(`"${key}" must be a calendar date like 2015-08-01, not "${value}"`);
      if (key === 'from') out.fromDay = day;
      else out.toDay = day;
    }
    if (f.source !== undefined) {
      const sid = f.source === NO_SOURCE ? 0 : this.index.sources.indexOf(f.source);
      if (sid < 0) return undefined; // no document has that source
      out.source = sid;
    }
    return out;
  }

  search(query: string, opts: SearchOptions = {}): SearchResult {
    const t0 = performance.now();
    const limit = opts.limit ?? DEFAULT_HIT_LIMIT;
    const offset = opts.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 0 || limit > LIBRARY_MAX_HITS) throw new QueryError(`"limit" must be a whole number from 0 to ${LIBRARY_MAX_HITS}`);
    if (!Number.isInteger(offset) || offset < 0 || offset > LIBRARY_MAX_OFFSET) throw new QueryError(`"offset" must be a whole number from 0 to ${LIBRARY_MAX_OFFSET}`);
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
      const id = this.index.idOf(doc);
      if (!withSnippets) {
        hits.push({ id, score: r.scores[i], title: '', snippet: { fragments: [], before: false, after: false }, highlights: { title: [], text: [] }, metadata: {} });
        continue;
      }
      let d: StoredDocument;
      try {
        d = this.readDocument(doc);
      } catch (e) {
        // One damaged record costs its own hit, not the whole answer.
        if (!(e instanceof DamagedRecordError)) throw e;
        hits.push(damagedHit(id, r.scores[i]));
        continue;
      }
      const title = boundedSpans(this.analyzer, d.title, matcher, HIT_MAX_HIGHLIGHTS);
      const text = snippet(this.analyzer, d.text, matcher, DEFAULT_SNIPPET_OPTIONS, () => firstMatchOffsets(this.index, this.analyzer, doc, d.text, q, SNIPPET_FRAGMENTS));
      const highlights: Highlights = { title: title.spans, text: text.spans };
      if (title.truncated || text.truncated) highlights.truncated = true;
      hits.push({
        id,
        score: r.scores[i],
        title: d.title,
        snippet: text.snippet,
        highlights,
        metadata: d.metadata,
      });
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

  /**
   * The whole document with the matches of `query` highlighted: the first
   * DOCUMENT_MAX_HIGHLIGHTS of each field (the text is not scanned past them).
   */
  highlightDocument(id: string, query?: string): HighlightedDocument | undefined {
    const document = this.getDocument(id);
    if (!document) return undefined;
    if (!query) return { document, highlights: { title: [], text: [] } };
    const m = matcherFor(this.analyzer, parseQuery(query, this.analyzer));
    const title = boundedSpans(this.analyzer, document.title, m, DOCUMENT_MAX_HIGHLIGHTS);
    const text = boundedSpans(this.analyzer, document.text, m, DOCUMENT_MAX_HIGHLIGHTS);
    const highlights: Highlights = { title: title.spans, text: text.spans };
    if (title.truncated || text.truncated) highlights.truncated = true;
    return { document, highlights };
  }

  /** Completions of the last word of `input` among surface forms, most frequent first. */
  suggest(input: string, limit = MAX_SUGGESTIONS): Suggestion[] {
    const m = /^(.*?)(\S+)\s*$/su.exec(input);
    if (!m || /\s$/.test(input)) return [];
    const head = m[1];
    const norm = this.analyzer.normalize(m[2]).replace(/[^\p{L}\p{N}]/gu, '');
    if (!norm) return [];
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
