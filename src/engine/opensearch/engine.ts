/**
 * The OpenSearch engine: fahras's search on a cluster. The query is parsed by
 * fahras (parseQuery), translated (query.ts) and ranked by the cluster with
 * global term statistics; the returned page's documents are highlighted and
 * cut into snippets by fahras's own highlighter (src/search/present.ts), so
 * snippets and marks are byte for byte those of the local engine for the
 * same document and query. Suggestions, prefix expansion and did-you-mean
 * read the build's word list (word-list.ts). Searches are idempotent: one
 * that fails on a node is sent again (the client moves to another node) before
 * the engine answers 503.
 */
import type { Client } from '@opensearch-project/opensearch';
import type { Logger } from 'pino';
import { Analyzer } from '../../analysis/pipeline.js';
import type { OpenSearchSettings } from '../../common/defaults.js';
import { FahrasError } from '../../common/errors.js';
import { hashString } from '../../common/hash.js';
import { MAX_SUGGESTIONS, OPENSEARCH_PREFIX_CACHE_ENTRIES, OPENSEARCH_SEARCH_ATTEMPTS } from '../../common/limits.js';
import { bareHit, filterDays, highlightedDocument, hitOf, pagingOf, suggestionPrefix } from '../../search/present.js';
import { matcherFor } from '../../search/highlight.js';
import { isEmptyQuery, parseQuery, QueryError, type ParsedQuery } from '../../search/query.js';
import { DEFAULT_RANK_PARAMS } from '../../search/rank.js';
import { NO_SOURCE, type Facets, type HighlightedDocument, type SearchOptions, type SearchResult, type StoredDocument, type Suggestion } from '../../search/types.js';
import type { EngineStats, EngineStatus, SearchEngine, WriteOp, WriteResult } from '../engine.js';
import { connect, describeFailure, describeNodes, errorTypeOf, isTransient, statusOf } from './connection.js';
import { storedDocument, type ClusterDocument } from './documents.js';
import { ClusterWatch, type LiveIndex } from './health.js';
import { clusterId, LAYOUT_VERSION } from './mapping.js';
import { DAY_HISTOGRAM, SOURCE_COUNT, SOURCE_FACET, sourceFilter, translate } from './query.js';
import { dateFacet, emptyFacets, sourceFacet } from '../../search/facets.js';
import { DAY_MS } from './mapping.js';
import type { ListedForm } from './word-list.js';
import { ClusterWriter } from './writes.js';

export interface OpenSearchEngineOptions {
  logger?: Logger;
  analyzer?: Analyzer;
}

interface SearchResponse {
  hits: { total: { value: number }; hits: { _id: string; _score: number | null; _source?: Partial<ClusterDocument> }[] };
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

function elapsed(t0: number): number {
  return Math.round((performance.now() - t0) * 1000) / 1000;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Failures of a read whose index a build has just removed (it moved the alias, then deleted the
 * build before it): the index gone, or gone between a search's query and fetch phases.
 */
const INDEX_REMOVED = new Set(['index_not_found_exception', 'search_context_missing_exception']);

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
        if (INDEX_REMOVED.has(errorTypeOf(e) ?? '') && !moved) {
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

  async search(query: string, opts: SearchOptions = {}): Promise<SearchResult> {
    const t0 = performance.now();
    const { limit, offset } = pagingOf(opts);
    const days = filterDays(opts);
    const q = parseQuery(query, this.analyzer);
    const empty: SearchResult = { total: 0, took_ms: 0, hits: [], facets: emptyFacets() };
    if (isEmptyQuery(q)) {
      this.live();
      return { ...empty, took_ms: elapsed(t0) };
    }
    const source = opts.filters?.source;
    const withSnippets = opts.snippets !== false;
    const r = await this.read('a search', async (live) => {
      const expansions = await Promise.all(q.prefixes.map(async (p) => (await this.completions(live, p, DEFAULT_RANK_PARAMS.maxPrefixExpansions)).map((f) => f.norm)));
      // Dates are counted with every filter applied, the source's too (it is a post_filter, which aggregations do not see).
      const dates = { days: DAY_HISTOGRAM, undated: { missing: { field: 'date' } } };
      const aggs: Record<string, unknown> = {
        sources: SOURCE_FACET,
        sourceCount: SOURCE_COUNT,
        dates: source === undefined ? { filter: { match_all: {} }, aggs: dates } : { filter: sourceFilter(source), aggs: dates },
      };
      // Whether the source filtered by exists at all: the local engine offers no did-you-mean for one that does not.
      if (source !== undefined && source !== NO_SOURCE) aggs.known = { global: {}, aggs: { source: { filter: sourceFilter(source) } } };
      const body = {
        ...translate(q, { all: opts.mode === 'all', ...days, source, expansions }),
        aggs,
        from: offset,
        size: limit,
        track_total_hits: true,
        // Newest first: by date (undated last), then by score, as locally.
        ...(opts.sort === 'newest' ? { sort: [{ date: { order: 'desc', missing: '_last' } }, { _score: 'desc' }], track_scores: true } : {}),
        // Whole, as stored: filtering a source in a search reorders its keys, and metadata is returned in its own order.
        _source: withSnippets ? true : ['id'],
      };
      return this.query(live, body, this.preference(query, opts));
    });
    const facets = facetsOf(r.aggregations);
    const matcher = withSnippets ? matcherFor(this.analyzer, q) : undefined;
    const hits = r.hits.hits.map((h) => (matcher && h._source ? hitOf(this.analyzer, matcher, storedDocument(h._source), h._score ?? 0) : bareHit(String(h._source?.id ?? h._id), h._score ?? 0)));
    const result: SearchResult = { total: r.hits.total.value, took_ms: 0, hits, facets };
    const sourceKnown = r.aggregations?.known === undefined || r.aggregations.known.source.doc_count > 0;
    if (result.total === 0 && withSnippets && sourceKnown) {
      const dym = await this.didYouMean(q);
      if (dym) result.didYouMean = dym;
    }
    result.took_ms = elapsed(t0);
    return result;
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

  /** A spelling with matches for the words of a query that matched nothing (the local engine's rule). */
  private async didYouMean(q: ParsedQuery): Promise<string | undefined> {
    if (q.words.length === 0) return undefined;
    return this.read('a spelling suggestion', async (live) => {
      const filters = Object.fromEntries(q.words.map((w, i) => [`w${i}`, { term: { stems: w.stem } }]));
      const held = await this.query(live, { size: 0, track_total_hits: false, aggs: { words: { filters: { filters } } } });
      const buckets = (held.aggregations as unknown as { words: { buckets: Record<string, { doc_count: number }> } }).words.buckets;
      const fixed = await Promise.all(
        q.words.map(async (w, i) => {
          if (buckets[`w${i}`].doc_count > 0) return { text: w.norm, changed: false };
          if (w.norm.length < 3) return undefined;
          const near = await live.words.nearest(w.norm, w.norm.length <= 4 ? 1 : 2, live.meta.normTerms);
          return near.length ? { text: near[0].display, changed: true } : undefined;
        }),
      );
      if (fixed.some((f) => f === undefined) || !fixed.some((f) => f!.changed)) return undefined;
      const suggestion = fixed.map((f) => f!.text).join(' ');
      const sq = parseQuery(suggestion, this.analyzer);
      const expansions = sq.prefixes.map(() => []);
      const check = await this.query(live, { ...translate(sq, { all: false, expansions }), size: 0, track_total_hits: 1 });
      return check.hits.total.value > 0 ? suggestion : undefined;
    });
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

  async suggest(input: string, limit = MAX_SUGGESTIONS): Promise<Suggestion[]> {
    const word = suggestionPrefix(this.analyzer, input);
    if (!word) {
      this.live();
      return [];
    }
    const found = await this.read('suggestions', (live) => this.completions(live, word.norm, MAX_SUGGESTIONS));
    return found.slice(0, limit).map((f) => ({ term: f.display, query: word.head + f.display, count: f.df }));
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
