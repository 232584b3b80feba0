/**
 * The OpenSearch engine: fahras's search on a cluster. The query is parsed by
 * fahras (parseQuery), translated (query.ts) and ranked by the cluster with
 * global term statistics; the returned page's documents are highlighted and
 * cut into snippets by fahras's own highlighter (src/search/present.ts), so
 * snippets and marks are byte for byte those of the local engine for the
 * same document and query. Prefix expansion reads the build's word list
 * (word-list.ts); did-you-mean and correction are spelling.ts's rules over
 * the cluster's counts and that list (./spelling.ts); near-duplicates are
 * folded by collapse.ts over the best matches returned; suggestions are
 * weighed and counted as suggest.ts does, among the documents matching the
 * words before, with one filters aggregation. Searches are idempotent: one
 * that fails on a node is sent again (the client moves to another node) before
 * the engine answers 503.
 */
import type { Client } from '@opensearch-project/opensearch';
import type { Logger } from 'pino';
import { Analyzer } from '../../analysis/pipeline.js';
import type { OpenSearchSettings } from '../../common/defaults.js';
import { FahrasError } from '../../common/errors.js';
import { hashString } from '../../common/hash.js';
import { COLLAPSE_MAX_CANDIDATES, MAX_SUGGESTIONS, SUGGEST_CANDIDATES, OPENSEARCH_PREFIX_CACHE_ENTRIES, OPENSEARCH_SEARCH_ATTEMPTS } from '../../common/limits.js';
import { bareHit, filterDays, highlightedDocument, hitOf, pagingOf } from '../../search/present.js';
import { matcherFor } from '../../search/highlight.js';
import { isEmptyQuery, parseQuery, QueryError, type ParsedQuery, type QueryWord } from '../../search/query.js';
import { DEFAULT_RANK_PARAMS, wordCountTerms } from '../../search/rank.js';
import { completionCandidates, placeCandidate, suggestionInput } from '../../search/suggest.js';
import { NO_SOURCE, type Duplicate, type Facets, type HighlightedDocument, type SearchOptions, type SearchResult, type StoredDocument, type Suggestion } from '../../search/types.js';
import type { EngineStats, EngineStatus, SearchEngine, WriteOp, WriteResult } from '../engine.js';
import { connect, describeFailure, describeNodes, errorTypeOf, isTransient, statusOf } from './connection.js';
import { storedDocument, type ClusterDocument } from './documents.js';
import { ClusterWatch, type LiveIndex } from './health.js';
import { clusterId, LAYOUT_VERSION } from './mapping.js';
import { DAY_HISTOGRAM, SOURCE_COUNT, SOURCE_FACET, sourceFilter, translate } from './query.js';
import { dateFacet, emptyFacets, isoDay, sourceFacet } from '../../search/facets.js';
import { DuplicateFinder } from '../../search/collapse.js';
import type { Speller } from '../../search/spelling.js';
import { clusterSpeller } from './spelling.js';
import { DAY_MS } from './mapping.js';
import type { ListedForm } from './word-list.js';
import { ClusterWriter } from './writes.js';

export interface OpenSearchEngineOptions {
  logger?: Logger;
  analyzer?: Analyzer;
}

interface ClusterHit {
  _id: string;
  _score: number | null;
  _source?: Partial<ClusterDocument>;
}

interface SearchResponse {
  hits: { total: { value: number }; hits: ClusterHit[] };
  aggregations?: {
    sources?: { buckets: { key: string; doc_count: number }[]; sum_other_doc_count: number };
    sourceCount?: { value: number };
    dates?: { days: { buckets: { key: number; doc_count: number }[] }; undated: { doc_count: number } };
    known?: { source: { doc_count: number } };
  };
}

/** The facets of an answer from the cluster's aggregations, in the local engine's shapes (facets.ts). */
function facetsOf(aggs: SearchResponse['aggregations']): Facets {
  const buckets = aggs?.sources?.buckets ?? [];
  const names = buckets.map((b) => b.key);
  const top = sourceFacet(Uint32Array.from(buckets, (b) => b.doc_count), names);
  // The cluster's buckets stop at its own limit: what lies past them is counted as the others.
  const listed = Object.keys(top.source).length;
  const sourceOthers = {
    sources: Math.max(top.sourceOthers.sources, (aggs?.sourceCount?.value ?? 0) - listed),
    documents: top.sourceOthers.documents + (aggs?.sources?.sum_other_doc_count ?? 0),
  };
  const days = aggs?.dates?.days.buckets ?? [];
  const dayNumbers = new Int32Array(days.length + 1);
  const dayCounts = new Uint32Array(days.length + 1);
  dayCounts[0] = aggs?.dates?.undated.doc_count ?? 0;
  days.forEach((b, i) => {
    dayNumbers[i + 1] = Math.round(b.key / DAY_MS);
    dayCounts[i + 1] = b.doc_count;
  });
  return { ...top, sourceOthers, date: dateFacet(dayCounts, dayNumbers) };
}

/** A folded document as its hit lists it: its id, source and day (searcher.ts duplicate()). */
function duplicateOf(h: ClusterHit): Duplicate {
  const d: Duplicate = { id: String(h._source?.id ?? h._id) };
  const source = h._source?.source;
  if (typeof source === 'string' && source !== NO_SOURCE) d.source = source;
  if (typeof h._source?.date === 'number') d.date = isoDay(Math.round(h._source.date / DAY_MS));
  return d;
}

function elapsed(t0: number): number {
  return Math.round((performance.now() - t0) * 1000) / 1000;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Failures of a read whose index a build has just removed (it moved the alias, then deleted the
 * build before it): the index gone, or gone between a search's query and fetch phases.
 */
const INDEX_REMOVED = new Set(['index_not_found_exception', 'search_context_missing_exception']);

/** A failed item of a multi-search (the request itself succeeded): its error's type, read as a failed request's would be. */
class ItemFailure extends Error {
  constructor(
    readonly type: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** Failures the cluster gives for a query with more clauses than it allows: the query's fault, not the cluster's. */
const TOO_MANY_CLAUSES = /too_many_clauses|too_many_nested_clauses|maxClauseCount/i;

export class OpenSearchEngine implements SearchEngine {
  readonly kind = 'opensearch' as const;
  readonly analyzer: Analyzer;
  private readonly client: Client;
  private readonly watch: ClusterWatch;
  private readonly writer: ClusterWriter;
  /** Writes of this process, one at a time. */
  private writing: Promise<unknown> = Promise.resolve();
  private lastWrite: string | undefined;
  /** Prefix lookups of the word list, per version of the data. */
  private readonly prefixes = new Map<string, ListedForm[]>();
  /** Near-spelling lookups of the word list, per version of the data. */
  private readonly near = new Map<string, ListedForm[]>();

  constructor(
    readonly settings: OpenSearchSettings,
    private readonly options: OpenSearchEngineOptions = {},
  ) {
    this.analyzer = options.analyzer ?? new Analyzer();
    this.client = connect(settings);
    this.watch = new ClusterWatch(this.client, settings, options.logger);
    this.writer = new ClusterWriter(this.client, this.analyzer, options.logger);
  }

  get version(): string | undefined {
    return this.watch.version;
  }

  /** Where the engine looks, for messages: the alias and the nodes (never credentials). */
  describe(): string {
    return `the OpenSearch index "${this.settings.index}" at ${describeNodes(this.settings)}`;
  }

  async start(): Promise<void> {
    await this.watch.check(true);
    this.watch.start();
  }

  status(): EngineStatus {
    const l = this.watch.live;
    return l ? { ready: true, documents: l.documents } : { ready: false, reason: this.watch.reason };
  }

  private live(): LiveIndex {
    const l = this.watch.live;
    if (!l) throw new FahrasError(`The index is not available (${this.watch.reason}); try again in a moment.`, 'unavailable');
    return l;
  }

  /**
   * Runs a read against the live index, sent again when the cluster fails
   * for a moment (a node leaving: the client tries another node, then we try
   * again after a pause), and once more at once when the alias moved under it.
   */
  private async read<T>(what: string, fn: (live: LiveIndex) => Promise<T>): Promise<T> {
    let moved = false;
    for (let attempt = 1; ; attempt++) {
      const live = this.live();
      try {
        return await fn(live);
      } catch (e) {
        const type = e instanceof ItemFailure ? e.type : errorTypeOf(e);
        if (INDEX_REMOVED.has(type ?? '') && !moved) {
          // A build moved the alias and removed the index we were reading: look again.
          moved = true;
          await this.watch.check();
          continue;
        }
        if (isTransient(e) && attempt < OPENSEARCH_SEARCH_ATTEMPTS) {
          await sleep(100 * attempt * attempt);
          continue;
        }
        throw this.failure(what, e);
      }
    }
  }

  /** A failed read as the edges should see it: 503 when the cluster cannot answer, 400 for a query too large for it, else 500 (logged). */
  private failure(what: string, e: unknown): FahrasError {
    if (e instanceof FahrasError) return e;
    if (e instanceof ItemFailure) return new FahrasError(`${what} failed: ${e.message}`, 'internal');
    const detail = describeFailure(e);
    if (isTransient(e)) {
      this.options.logger?.warn({ alias: this.settings.index, reason: detail }, `${what} failed: the search cluster did not answer`);
      return new FahrasError('The search cluster did not answer; try again in a moment.', 'unavailable');
    }
    const status = statusOf(e);
    if (status === 401 || status === 403) {
      this.options.logger?.error({ alias: this.settings.index, reason: detail }, `${what} failed: the search cluster refused the credentials`);
      return new FahrasError("The search cluster refused fahras's credentials; searches are unavailable until they are fixed.", 'unavailable');
    }
    if (status === 400 && TOO_MANY_CLAUSES.test(detail)) {
      return new QueryError('This query has more words and completions than the search cluster takes at once; use fewer words or prefixes.');
    }
    return new FahrasError(`${what} failed: ${detail}`, 'internal');
  }

  /** The most frequent completions of `prefix` among surface forms, remembered for this version of the data. */
  private async completions(live: LiveIndex, prefix: string, limit: number): Promise<ListedForm[]> {
    const key = `${this.version}\u0000${limit}\u0000${prefix}`;
    const hit = this.prefixes.get(key);
    if (hit) return hit;
    const found = await live.words.topByPrefix(prefix, limit);
    if (this.prefixes.size >= OPENSEARCH_PREFIX_CACHE_ENTRIES) this.prefixes.clear();
    this.prefixes.set(key, found);
    return found;
  }

  /** The word list's forms within `maxEdits` edits of `norm` (did-you-mean, correction), remembered for this version of the data. */
  private async nearest(live: LiveIndex, norm: string, maxEdits: number): Promise<ListedForm[]> {
    const key = `${this.version}\u0000${maxEdits}\u0000${norm}`;
    const hit = this.near.get(key);
    if (hit) return hit;
    const found = await live.words.nearest(norm, maxEdits, live.meta.normTerms);
    if (this.near.size >= OPENSEARCH_PREFIX_CACHE_ENTRIES) this.near.clear();
    this.near.set(key, found);
    return found;
  }

  async search(query: string, opts: SearchOptions = {}): Promise<SearchResult> {
    const t0 = performance.now();
    pagingOf(opts);
    filterDays(opts);
    const q = parseQuery(query, this.analyzer);
    if (isEmptyQuery(q)) {
      this.live();
      return { total: 0, took_ms: elapsed(t0), hits: [], facets: emptyFacets() };
    }
    // Correction and did-you-mean: the local engine's rules (spelling.ts) over the cluster's counts.
    const corrected = opts.correct ? (await this.read('a spelling correction', async (live) => (await this.speller(live, q)).correction(query, q))) : undefined;
    const result = corrected ? await this.answer(corrected, parseQuery(corrected, this.analyzer), opts, true) : await this.answer(query, q, opts);
    if (corrected) {
      result.correction = { query: corrected, original: query };
      delete result.didYouMean;
    }
    result.took_ms = elapsed(t0);
    return result;
  }

  /** A Speller (spelling.ts) for the words of `q`, reading their counts and near spellings from the cluster. */
  private speller(live: LiveIndex, q: ParsedQuery): Promise<Speller> {
    return clusterSpeller(
      live,
      this.analyzer,
      q,
      // One count per term, in one request: a term query's count is read from its postings, not by visiting every document.
      async (l, filters) => {
        const names = Object.keys(filters);
        const r = await this.client.msearch({ index: l.index, body: names.flatMap((n) => [{}, { size: 0, track_total_hits: true, query: filters[n] }]) as never });
        const responses = (r.body as unknown as { responses: { hits?: { total: { value: number } }; error?: unknown }[] }).responses;
        const failed = responses.find((x) => x.error !== undefined);
        // As a failed request: the index removed by a rebuild is looked up again by read().
        if (failed) throw new ItemFailure((failed.error as { type?: string }).type, `counting the query's words failed: ${JSON.stringify(failed.error).slice(0, 300)}`);
        return Object.fromEntries(names.map((n, i) => [n, responses[i].hits?.total.value ?? 0]));
      },
      (norm, edits) => this.nearest(live, norm, edits),
    );
  }

  /** The answer to parsed query `q` (`raw` as given): facets, hits with snippets (folded when asked), did-you-mean. */
  private async answer(raw: string, q: ParsedQuery, opts: SearchOptions, corrected = false): Promise<SearchResult> {
    const { limit, offset } = pagingOf(opts);
    const days = filterDays(opts);
    const source = opts.filters?.source;
    const withSnippets = opts.snippets !== false;
    const want = offset + limit;
    // A corrected query is offered no did-you-mean: the correction says what was searched.
    const spell = withSnippets && !corrected;
    return this.read('a search', async (live) => {
      const expansions = await Promise.all(q.prefixes.map(async (p) => (await this.completions(live, p, DEFAULT_RANK_PARAMS.maxPrefixExpansions)).map((f) => f.norm)));
      const request = (from: number, size: number, aggregate: boolean): Record<string, unknown> => {
        const body: Record<string, unknown> = {
          ...translate(q, { all: opts.mode === 'all', ...days, source, expansions }),
          from,
          size,
          track_total_hits: true,
          // Newest first: by date (undated last), then by score, as locally.
          ...(opts.sort === 'newest' ? { sort: [{ date: { order: 'desc', missing: '_last' } }, { _score: 'desc' }], track_scores: true } : {}),
          // Whole, as stored: filtering a source in a search reorders its keys, and metadata is returned in its own order.
          _source: withSnippets ? true : opts.collapse ? ['id', 'title', 'text', 'source', 'date'] : ['id'],
        };
        if (aggregate) {
          // Dates are counted with every filter applied, the source's too (it is a post_filter, which aggregations do not see).
          const dates = { days: DAY_HISTOGRAM, undated: { missing: { field: 'date' } } };
          const aggs: Record<string, unknown> = {
            sources: SOURCE_FACET,
            sourceCount: SOURCE_COUNT,
            dates: source === undefined ? { filter: { match_all: {} }, aggs: dates } : { filter: sourceFilter(source), aggs: dates },
          };
          // Whether the source filtered by exists at all: the local engine offers no did-you-mean for one that does not.
          if (source !== undefined && source !== NO_SOURCE) aggs.known = { global: {}, aggs: { source: { filter: sourceFilter(source) } } };
          body.aggs = aggs;
        }
        return body;
      };
      // What the did-you-mean needs of the query's words, asked beside the search.
      const spelling = spell ? this.speller(live, q) : undefined;
      spelling?.catch(() => undefined);
      const preference = this.preference(raw, opts);
      let r: SearchResponse;
      let groups: ClusterHit[][];
      let allGroups: number | undefined;
      if (!opts.collapse) {
        r = await this.query(live, request(offset, limit, true), preference);
        groups = r.hits.hits.map((h) => [h]);
      } else {
        // Folding near-duplicates as the local engine does (searcher.ts, collapse.ts), over the best matches the cluster returns.
        let k = Math.min(COLLAPSE_MAX_CANDIDATES, 4 * want + 20);
        for (;;) {
          r = await this.query(live, request(0, k, true), preference);
          const docs = r.hits.hits;
          const all = docs.length >= r.hits.total.value;
          const finder = new DuplicateFinder(this.analyzer, (i) => storedDocument(docs[i]._source ?? {}));
          const found = finder.group(docs.map((_d, i) => i), all ? Infinity : want);
          const grouped = found.groups.map((g) => g.map((i) => docs[i]));
          if (all) {
            groups = grouped.slice(offset, want);
            allGroups = grouped.length;
            break;
          }
          if (!found.complete) {
            groups = grouped.slice(offset);
            break;
          }
          if (k >= COLLAPSE_MAX_CANDIDATES) {
            // Past the candidates examined, a deep page lists the matches as they rank, unfolded.
            const deeper = await this.query(live, request(k, want - grouped.length, false), preference);
            groups = [...grouped, ...deeper.hits.hits.map((h) => [h])].slice(offset);
            break;
          }
          k = Math.min(COLLAPSE_MAX_CANDIDATES, k * 4);
        }
      }
      const facets = facetsOf(r.aggregations);
      const matcher = withSnippets ? matcherFor(this.analyzer, q) : undefined;
      const hits = groups.map(([h, ...more]) => {
        const hit = matcher && h._source ? hitOf(this.analyzer, matcher, storedDocument(h._source), h._score ?? 0) : bareHit(String(h._source?.id ?? h._id), h._score ?? 0);
        if (opts.collapse && more.length) hit.duplicates = more.map(duplicateOf);
        return hit;
      });
      const result: SearchResult = { total: r.hits.total.value, took_ms: 0, hits, facets };
      if (opts.collapse) {
        result.collapse = { folded: hits.reduce((a, h) => a + (h.duplicates?.length ?? 0), 0) };
        if (allGroups !== undefined) result.collapse.groups = allGroups;
      }
      const sourceKnown = r.aggregations?.known === undefined || r.aggregations.known.source.doc_count > 0;
      const speller = await spelling;
      if (speller && sourceKnown) {
        const dym = speller.didYouMean(raw, q, result.total);
        if (dym) result.didYouMean = dym;
      }
      return result;
    });
  }

  /**
   * The cluster's search: global term statistics when the index has several
   * shards (each shard's own would rank differently), the same shard copies
   * for the same request (scores and pages stay stable), and no partial
   * answers (a failed shard fails the search, which is then retried).
   */
  private async query(live: LiveIndex, body: Record<string, unknown>, preference?: string): Promise<SearchResponse> {
    const r = await this.client.search({
      index: live.index,
      body: body as never,
      search_type: live.meta.shards > 1 ? 'dfs_query_then_fetch' : 'query_then_fetch',
      preference,
      allow_partial_search_results: false,
    });
    return r.body as unknown as SearchResponse;
  }

  /** One preference per distinct request: its pages come from the same shard copies; different requests spread over the replicas. */
  private preference(query: string, opts: SearchOptions): string {
    const f = opts.filters ?? {};
    return `fahras-${(hashString(JSON.stringify([query, opts.mode, f.source, f.from, f.to])) >>> 0).toString(36)}`;
  }

  async getDocument(id: string): Promise<StoredDocument | undefined> {
    return this.read('reading a document', async (live) => {
      const r = await this.client.get({ index: live.index, id: clusterId(id) }, { ignore: [404] });
      const body = r.body as unknown as { found?: boolean; _source?: Partial<ClusterDocument> };
      return body.found && body._source && String(body._source.id) === id ? storedDocument(body._source) : undefined;
    });
  }

  async highlightDocument(id: string, query?: string): Promise<HighlightedDocument | undefined> {
    const document = await this.getDocument(id);
    return document && highlightedDocument(this.analyzer, document, query);
  }

  /**
   * Completions of the last word of `input` that go with the words before it,
   * by the local engine's rules (suggest.ts): the word list's most frequent
   * completions, one per stem, weighed and counted among the documents
   * matching the words before it by one search of the cluster (filters
   * aggregations), ranked as locally.
   */
  async suggest(input: string, limit = MAX_SUGGESTIONS): Promise<Suggestion[]> {
    const parts = suggestionInput(this.analyzer, input);
    if (!parts || (!parts.alone && isEmptyQuery(parts.before))) {
      this.live();
      return [];
    }
    const { head, prefix, before, alone } = parts;
    const found = await this.read('suggestions', async (live) => {
      const listed = await this.completions(live, prefix, SUGGEST_CANDIDATES);
      const candidates = completionCandidates(this.analyzer, listed.map((f) => ({ term: f.norm, df: f.df })));
      if (!candidates.length) return [];
      const display = new Map(listed.map((f) => [f.norm, f.display]));
      const anyOf = (terms: [string, string][]) => ({ bool: { should: terms.map(([ns, t]) => ({ term: { [ns]: t } })), minimum_should_match: 1 } });
      const filters = (pick: (word: QueryWord) => [string, string][]) => ({ filters: { filters: Object.fromEntries(candidates.map((c, i) => [`c${i}`, anyOf(pick(c.word))])) } });
      const readings = (w: QueryWord): [string, string][] => [w.stem, ...w.alternates].map((t) => ['stems', t]);
      const stems = [...new Set(candidates.flatMap((c) => [c.word.stem, ...c.word.alternates]))];
      let query: Record<string, unknown> = { match_all: {} };
      if (!alone) {
        const expansions = await Promise.all(before.prefixes.map(async (p) => (await this.completions(live, p, DEFAULT_RANK_PARAMS.maxPrefixExpansions)).map((f) => f.norm)));
        query = translate(before, { all: true, expansions }).query;
      }
      const r = await this.query(live, {
        query,
        size: 0,
        track_total_hits: false,
        aggs: {
          // Documents matching the words before that hold the completion (its readings), and that a search for the completed query finds.
          own: filters(readings),
          counted: filters((w) => wordCountTerms(w, DEFAULT_RANK_PARAMS.rootWeight > 0)),
          everywhere: { global: {}, aggs: { own: filters(readings), stems: { filters: { filters: Object.fromEntries(stems.map((t, i) => [`s${i}`, { term: { stems: t } }])) } } } },
        },
      });
      type Buckets = { buckets: Record<string, { doc_count: number }> };
      const aggs = r.aggregations as unknown as { own: Buckets; counted: Buckets; everywhere: { own: Buckets; stems: Buckets } };
      const stemDf = new Map(stems.map((t, i) => [t, aggs.everywhere.stems.buckets[`s${i}`].doc_count]));
      const best: { norm: string; weight: number; count: number }[] = [];
      candidates.forEach((c, i) => {
        const count = aggs.counted.buckets[`c${i}`].doc_count;
        if (alone) {
          // Nothing typed before: weighed by the documents of its most frequent reading.
          placeCandidate(best, { norm: c.norm, weight: Math.max(...[c.word.stem, ...c.word.alternates].map((t) => stemDf.get(t) ?? 0)), count });
          return;
        }
        const own = aggs.own.buckets[`c${i}`].doc_count;
        if (own === 0) return;
        placeCandidate(best, { norm: c.norm, weight: (own * own) / aggs.everywhere.own.buckets[`c${i}`].doc_count, count });
      });
      return best.map((c) => ({ term: display.get(c.norm) ?? c.norm, query: '', count: c.count }));
    });
    return found.slice(0, limit).map((s) => ({ ...s, query: head + s.term }));
  }

  async stats(): Promise<EngineStats> {
    const l = this.live();
    return {
      engine: this.kind,
      documents: l.documents,
      terms: l.meta.stemTerms,
      builtAt: l.meta.builtAt,
      buildSeconds: l.meta.buildSeconds,
      analyzerVersion: l.meta.analyzerVersion,
      formatVersion: LAYOUT_VERSION,
      bytes: l.bytes,
      generation: l.index,
      loadedAt: l.since.toISOString(),
      segments: l.meta.shards,
      deleted: l.deleted,
      lastWrite: this.lastWrite ?? l.meta.builtAt,
      alias: this.settings.index,
      cluster: { status: l.status, nodes: l.nodes, checkedAt: l.checkedAt.toISOString() },
    };
  }

  write(batches: readonly (readonly WriteOp[])[]): Promise<WriteResult> {
    const run = this.writing.then(async () => {
      const live = this.live();
      const applied = await this.writer.write(live.index, live.words, batches);
      const writtenAt = new Date().toISOString();
      this.lastWrite = writtenAt;
      this.watch.changed({ documents: applied.documentsDelta });
      const now = this.watch.live ?? live;
      return { outcomes: applied.outcomes, commit: { generation: now.index, documents: now.documents, segments: now.meta.shards, deleted: now.deleted, writtenAt } };
    });
    this.writing = run.catch(() => undefined);
    return run;
  }

  /** Checks the cluster and the alias now (SIGHUP). */
  async reload(): Promise<void> {
    await this.watch.check();
  }

  async close(): Promise<void> {
    this.watch.stop();
    await this.writing;
    await this.client.close();
  }
}
