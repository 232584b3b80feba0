/**
 * The search facade over one opened index: parse → rank → read the returned
 * page of documents → snippets. Also suggestions, documents and stats.
 */
import { readSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import SearchableMap from 'minisearch/SearchableMap';
import { Analyzer, ANALYZER_VERSION, READING, TERM } from '../analysis/pipeline.js';
import { IndexError, closeIndexData, openIndexData, termId, type IndexData } from '../index/open.js';
import { parseDate } from '../index/dates.js';
import { FORMAT_VERSION } from '../index/format.js';
import { DEFAULT_HIT_LIMIT, LIBRARY_MAX_HITS, LIBRARY_MAX_OFFSET, MAX_SUGGESTIONS } from '../common/limits.js';
import { QueryError, isEmptyQuery, parseQuery, type ParsedQuery } from './query.js';
import { DEFAULT_RANK_PARAMS, Ranker, type RankFilters, type RankParams } from './rank.js';
import { matcherFor, matchSpans } from './highlight.js';
import { snippet } from './snippet.js';
import { NO_SOURCE, type Hit, type IndexStats, type SearchOptions, type SearchResult, type Span, type StoredDocument, type Suggestion } from './types.js';

/** A whole document and every match of a query in its title and text. */
export interface HighlightedDocument {
  document: StoredDocument;
  highlights: { title: Span[]; text: Span[] };
}

function elapsed(t0: number): number {
  return Math.round((performance.now() - t0) * 1000) / 1000;
}

export class Searcher {
  readonly analyzer: Analyzer;
  private readonly ranker: Ranker;
  private fuzzy: SearchableMap<number> | undefined;
  private readonly shortPrefixes = new Map<string, number[]>();

  constructor(
    readonly data: IndexData,
    analyzer?: Analyzer,
    params: RankParams = DEFAULT_RANK_PARAMS,
  ) {
    this.analyzer = analyzer ?? new Analyzer();
    this.ranker = new Ranker(data, params);
  }

  get size(): number {
    return this.data.ids.length;
  }

  /** Reads one stored document by internal number. */
  readDocument(doc: number): StoredDocument {
    const start = this.data.storeOffset[doc];
    const len = this.data.storeOffset[doc + 1] - start;
    const buf = Buffer.allocUnsafe(len);
    readSync(this.data.storeFd, buf, 0, len, start);
    try {
      return JSON.parse(inflateRawSync(buf, { dictionary: this.data.storeDict }).toString('utf16le')) as StoredDocument;
    } catch {
      throw new IndexError(`index at ${this.data.dir} is damaged: document ${this.data.ids[doc]} cannot be read from store.bin; run \`fahras index\` to rebuild it`);
    }
  }

  getDocument(id: string): StoredDocument | undefined {
    const doc = this.data.idToDoc.get(id);
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
      const sid = f.source === NO_SOURCE ? 0 : this.data.manifest.sources.indexOf(f.source);
      if (sid < 0) return undefined; // no document has that source
      out.source = sid;
    }
    return out;
  }

  /** True when the document's text holds every phrase of the query, word after word. */
  private phrasesMatch(q: ParsedQuery, doc: number): boolean {
    const d = this.readDocument(doc);
    // Each field is analysed once, whatever the number of phrases.
    const fields = [d.title, d.text].map((f) => termsByPosition(this.analyzer, f));
    return q.phrases.every((ph) => fields.some((field) => hasPhrase(field, ph.words)));
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
    const r = this.ranker.rank({
      query: q,
      all: opts.mode === 'all',
      filters: filters ?? {},
      k: offset + limit,
      verify: q.phrases.length ? (doc) => this.phrasesMatch(q, doc) : undefined,
    });
    const facets: Record<string, number> = {};
    for (const [sid, n] of r.sourceCounts) facets[this.data.manifest.sources[sid] || NO_SOURCE] = n;
    if (!filters) return { ...empty, facets: { source: facets }, took_ms: elapsed(t0) };
    const matcher = matcherFor(q);
    const withSnippets = opts.snippets !== false;
    const hits: Hit[] = [];
    for (let i = offset; i < r.docs.length; i++) {
      const doc = r.docs[i];
      const id = this.data.ids[doc];
      if (!withSnippets) {
        hits.push({ id, score: r.scores[i], title: '', snippet: { fragments: [], before: false, after: false }, highlights: { title: [], text: [] }, metadata: {} });
        continue;
      }
      const d = this.readDocument(doc);
      const titleSpans = matchSpans(this.analyzer, d.title, matcher);
      const text = snippet(this.analyzer, d.text, matcher);
      hits.push({
        id,
        score: r.scores[i],
        title: d.title,
        snippet: text.snippet,
        highlights: { title: titleSpans, text: text.spans },
        metadata: d.metadata,
      });
    }
    const result: SearchResult = { total: r.total, took_ms: 0, hits, facets: { source: facets } };
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
    if (!document) return undefined;
    if (!query) return { document, highlights: { title: [], text: [] } };
    const m = matcherFor(parseQuery(query, this.analyzer));
    return { document, highlights: { title: matchSpans(this.analyzer, document.title, m), text: matchSpans(this.analyzer, document.text, m) } };
  }

  /** Completions of the last word of `input` among surface forms, most frequent first. */
  suggest(input: string, limit = MAX_SUGGESTIONS): Suggestion[] {
    const m = /^(.*?)(\S+)\s*$/su.exec(input);
    if (!m || /\s$/.test(input)) return [];
    const head = m[1];
    const norm = this.analyzer.normalize(m[2]).replace(/[^\p{L}\p{N}]/gu, '');
    if (!norm) return [];
    const terms = this.completions(norm).slice(0, limit);
    const { norms, normDisplay } = this.data;
    return terms.map((t) => {
      const term = normDisplay[t] || norms.terms[t];
      return { term, query: head + term, count: norms.df[t] };
    });
  }

  /**
   * The most frequent surface forms starting with `prefix`. One- and two-letter
   * prefixes span a large part of the lexicon, so their answers are kept.
   */
  private completions(prefix: string): number[] {
    if (prefix.length > 2) return this.ranker.expandPrefix(prefix, MAX_SUGGESTIONS);
    let c = this.shortPrefixes.get(prefix);
    if (!c) {
      c = this.ranker.expandPrefix(prefix, MAX_SUGGESTIONS);
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
      if (termId(this.data.stems, w.term) >= 0) {
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

  /** The readable spelling of the most frequent surface form within one or two edits of `norm`. */
  private nearest(norm: string): string | undefined {
    if (norm.length < 3) return undefined;
    if (!this.fuzzy) {
      // MiniSearch's radix tree answers edit-distance lookups; built on first use.
      const { terms, df } = this.data.norms;
      const map = new SearchableMap<number>();
      for (let i = 0; i < terms.length; i++) if (df[i] >= 2 || terms.length < 50_000) map.set(terms[i], i);
      this.fuzzy = map;
    }
    const { df } = this.data.norms;
    let best: number | undefined;
    let bestDist = Infinity;
    for (const [, [i, dist]] of this.fuzzy.fuzzyGet(norm, norm.length <= 4 ? 1 : 2)) {
      if (dist < bestDist || (dist === bestDist && df[i] > df[best!])) {
        best = i;
        bestDist = dist;
      }
    }
    return best === undefined ? undefined : this.data.normDisplay[best] || this.data.norms.terms[best];
  }

  stats(): IndexStats {
    const m = this.data.manifest;
    return {
      documents: m.documents,
      terms: m.stemTerms,
      builtAt: m.builtAt,
      buildSeconds: m.buildSeconds,
      analyzerVersion: m.analyzerVersion ?? ANALYZER_VERSION,
      formatVersion: m.format ?? FORMAT_VERSION,
      bytes: Object.values(m.files).reduce((a, f) => a + f.bytes, 0),
    };
  }

  close(): void {
    closeIndexData(this.data);
  }
}

/** Whether the words of a phrase occur in `text` at the same relative positions. */
export function containsPhrase(analyzer: Analyzer, text: string, words: { term: string; offset: number }[]): boolean {
  return hasPhrase(termsByPosition(analyzer, text), words);
}

/** The stem at each word position of a text (stop words included), as `analyze` numbers them. */
function termsByPosition(analyzer: Analyzer, text: string): string[] {
  const at: string[] = [];
  const table = analyzer.words;
  table.scan(text, (_start, _end, entry) => {
    const f = table.value(entry);
    for (let i = TERM; i < f.length; i += READING) at.push(f[i]);
  });
  return at;
}

function hasPhrase(at: string[], words: { term: string; offset: number }[]): boolean {
  for (let position = 0; position < at.length; position++) {
    if (at[position] !== words[0].term) continue;
    if (words.every((w) => at[position + w.offset] === w.term)) return true;
  }
  return false;
}

export async function openIndex(dir: string, analyzer?: Analyzer, params?: RankParams): Promise<Searcher> {
  const a = analyzer ?? new Analyzer();
  return new Searcher(await openIndexData(dir, a), a, params);
}
