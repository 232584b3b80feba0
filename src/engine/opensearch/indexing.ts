/**
 * `fahras index --engine opensearch`: a full build into a new physical index.
 * Documents are read as for a local build (loadDocuments, the same problem
 * reports), analysed by fahras, and sent in bulk requests — several in
 * flight, each waiting for room (back-pressure), documents the cluster
 * answers 429 for sent again — and every document the cluster refuses is
 * reported with its id and the cluster's reason. Then the build's word list
 * is written, both indices are made searchable and replicated, and the alias
 * moves to the new index in one call. Until that call the alias stays where
 * it was: a build that fails or dies leaves the previous index serving (and
 * its own unfinished index is removed, now or by the next build).
 */
import type { Client } from '@opensearch-project/opensearch';
import { Analyzer, ANALYZER_VERSION } from '../../analysis/pipeline.js';
import type { OpenSearchSettings } from '../../common/defaults.js';
import { FahrasError } from '../../common/errors.js';
import { OPENSEARCH_BULK_BYTES, OPENSEARCH_BULK_CONCURRENCY, OPENSEARCH_BULK_TIMEOUT_MS } from '../../common/limits.js';
import { BuildError, type BuildProgress } from '../../index/build.js';
import { loadDocuments, type LoadProblem } from '../../ingest/load.js';
import { aliasTargets, moveAlias, retireBuilds } from './aliases.js';
import { clusterError, connect, describeNodes } from './connection.js';
import { clusterDocument, FormCounter, type ClusterDocument } from './documents.js';
import { clusterId, documentsIndexBody, LAYOUT_VERSION, lexiconIndexBody, lexiconName, physicalName, type BuildMeta } from './mapping.js';

/** A document the cluster refused, and why (the cluster's own words). */
export interface Rejection {
  id: string;
  reason: string;
}

export interface OpenSearchBuildOptions {
  input: string;
  opensearch: OpenSearchSettings;
  /** Stop at the first bad record or refused document. */
  strict?: boolean;
  analyzer?: Analyzer;
  /** Primary shards of the new index (default 1). */
  shards?: number;
  /** Replicas of each shard (default: 1 when the cluster has two data nodes or more, else 0). */
  replicas?: number;
  /** Earlier builds kept for rollback (default 1). */
  keep?: number;
  onProgress?: (p: BuildProgress) => void;
  onProblem?: (p: LoadProblem) => void;
  onRejected?: (r: Rejection) => void;
}

export interface OpenSearchBuildSummary {
  documents: number;
  skipped: number;
  rejected: number;
  /** The first 1,000 refused documents. */
  rejections: Rejection[];
  problems: LoadProblem[];
  stemTerms: number;
  normTerms: number;
  seconds: number;
  alias: string;
  /** The new physical index, where the alias now points. */
  index: string;
  /** Where the alias pointed before. */
  previous: string[];
  /** Indices of earlier builds deleted afterwards. */
  removed: string[];
}

const KEPT_REPORTS = 1000;

/** How long to wait for the new index's shards (and replicas) to be allocated. */
const ALLOCATION_TIMEOUT = '120s';

interface Dropped {
  status: number;
  error: { type?: string; reason?: string } | null;
  document: ClusterDocument | { norm: string } | null;
}

function reasonOf(d: Dropped): string {
  if (d.status === 429) return 'the cluster stayed too busy to take it (429) through every retry';
  const e = d.error;
  return e ? `${e.type ?? 'error'}: ${e.reason ?? 'no reason given'}` : `status ${d.status}`;
}

export async function buildOpenSearchIndex(o: OpenSearchBuildOptions): Promise<OpenSearchBuildSummary> {
  const t0 = performance.now();
  const { opensearch } = o;
  const client = connect(opensearch, { requestTimeoutMs: OPENSEARCH_BULK_TIMEOUT_MS });
  try {
    let dataNodes: number;
    try {
      dataNodes = ((await client.cluster.health({})).body as unknown as { number_of_data_nodes: number }).number_of_data_nodes;
    } catch (e) {
      throw clusterError(`cannot build the index in the search cluster at ${describeNodes(opensearch)}`, e, 'unavailable');
    }
    const replicas = o.replicas ?? (dataNodes > 1 ? 1 : 0);
    const index = physicalName(opensearch.index);
    const meta: BuildMeta = {
      layout: LAYOUT_VERSION,
      alias: opensearch.index,
      lexicon: lexiconName(index),
      analyzerVersion: ANALYZER_VERSION,
      builtAt: '',
      buildSeconds: 0,
      documents: 0,
      stemTerms: 0,
      normTerms: 0,
      shards: o.shards ?? 1,
      complete: false,
    };
    try {
      // Filled without replicas (each document analysed by the cluster once); replicas copy the finished segments.
      await client.indices.create({ index, body: documentsIndexBody(meta, 0) as never });
      await client.indices.create({ index: meta.lexicon, body: lexiconIndexBody(0) as never });
      const filled = await fill(client, index, meta, o);
      await finish(client, index, meta, replicas, dataNodes, t0);
      const previous = await aliasTargets(client, opensearch.index);
      await moveAlias(client, opensearch.index, previous, index);
      const removed = await retireBuilds(client, opensearch.index, index, o.keep ?? 1).catch(() => [] as string[]);
      return { ...filled, stemTerms: meta.stemTerms, normTerms: meta.normTerms, seconds: (performance.now() - t0) / 1000, alias: opensearch.index, index, previous, removed };
    } catch (e) {
      // The alias has not moved: remove what this build made, if the cluster still answers.
      await client.indices.delete({ index: `${index},${meta.lexicon}`, ignore_unavailable: true }).catch(() => undefined);
      if (e instanceof FahrasError) throw e;
      throw clusterError(`building ${opensearch.index} in the search cluster failed, and the alias still points where it did`, e, 'internal');
    }
  } finally {
    await client.close();
  }
}

/** Sends every document, then the word list. */
async function fill(client: Client, index: string, meta: BuildMeta, o: OpenSearchBuildOptions): Promise<Pick<OpenSearchBuildSummary, 'documents' | 'skipped' | 'rejected' | 'rejections' | 'problems'>> {
  const analyzer = o.analyzer ?? new Analyzer();
  const forms = new FormCounter();
  const problems: LoadProblem[] = [];
  const rejections: Rejection[] = [];
  const progress: BuildProgress = { documents: 0, skipped: 0, bytesRead: 0 };
  let rejected = 0;
  let strictFailure: FahrasError | undefined;
  const docs = loadDocuments(o.input, {
    strict: o.strict,
    onBytes: (n) => (progress.bytesRead += n),
    onProblem: (p) => {
      progress.skipped++;
      if (problems.length < KEPT_REPORTS) problems.push(p);
      o.onProblem?.(p);
    },
  });
  // A failure of the input (a bad record under --strict) ends the stream and is thrown after the bulk: thrown inside it, it would leave the helper's flush timer running.
  let inputFailure: unknown;
  async function* bodies(): AsyncGenerator<ClusterDocument> {
    try {
      for await (const doc of docs) {
        if (strictFailure) return;
        yield clusterDocument(analyzer, doc, forms);
        progress.documents++;
        if (progress.documents % 500 === 0) o.onProgress?.(progress);
      }
    } catch (e) {
      inputFailure = e;
    }
  }
  const bulk = client.helpers.bulk({
    datasource: bodies(),
    onDocument: (b: ClusterDocument) => ({ index: { _index: index, _id: clusterId(b.id) } }),
    onDrop: (d) => {
      const dropped = d as unknown as Dropped;
      const body = dropped.document as ClusterDocument | null;
      const r: Rejection = { id: body?.id ?? '?', reason: reasonOf(dropped) };
      rejected++;
      if (body) forms.forget(body);
      if (rejections.length < KEPT_REPORTS) rejections.push(r);
      o.onRejected?.(r);
      if (o.strict) strictFailure ??= new BuildError(`the cluster refused document "${r.id}": ${r.reason}`);
    },
    flushBytes: OPENSEARCH_BULK_BYTES,
    concurrency: OPENSEARCH_BULK_CONCURRENCY,
    retries: 3,
    wait: 1000,
  });
  await bulk;
  o.onProgress?.(progress);
  if (inputFailure) throw inputFailure;
  if (strictFailure) throw strictFailure;
  const documents = progress.documents - rejected;
  if (documents <= 0) {
    const why = [progress.skipped ? `${progress.skipped} skipped` : '', rejected ? `${rejected} refused by the cluster` : ''].filter(Boolean).join(', ');
    throw new BuildError(`no documents to index in ${o.input}${why ? ` (${why}, see the messages above)` : ''}`);
  }
  meta.documents = documents;
  meta.stemTerms = forms.stems.size;
  meta.normTerms = forms.size;
  let listFailures = 0;
  await client.helpers.bulk({
    datasource: forms.entries(),
    onDocument: (f: { norm: string }) => ({ index: { _index: meta.lexicon, _id: clusterId(f.norm) } }),
    onDrop: () => void listFailures++,
    flushBytes: OPENSEARCH_BULK_BYTES,
    concurrency: OPENSEARCH_BULK_CONCURRENCY,
    retries: 3,
    wait: 1000,
  });
  if (listFailures) throw new FahrasError(`the cluster refused ${listFailures} entries of the word list of ${index}`, 'unavailable');
  return { documents, skipped: progress.skipped, rejected, rejections, problems };
}

/** Makes both indices searchable and replicated, waits for their shards, and marks the build finished. */
async function finish(client: Client, index: string, meta: BuildMeta, replicas: number, dataNodes: number, t0: number): Promise<void> {
  const both = `${index},${meta.lexicon}`;
  await client.indices.refresh({ index: both });
  await client.indices.putSettings({ index: both, body: { index: { refresh_interval: null, number_of_replicas: replicas } } as never });
  // Green needs a node for every replica; a smaller cluster settles for its primaries.
  const status = dataNodes > replicas ? 'green' : 'yellow';
  const h = await client.cluster.health({ index: both, wait_for_status: status, timeout: ALLOCATION_TIMEOUT });
  if ((h.body as unknown as { timed_out: boolean }).timed_out) throw new FahrasError(`the shards of ${index} were not ${status} within ${ALLOCATION_TIMEOUT}; the alias still points where it did`, 'unavailable');
  meta.complete = true;
  meta.builtAt = new Date().toISOString();
  meta.buildSeconds = (performance.now() - t0) / 1000;
  await client.indices.putMapping({ index, body: { _meta: { fahras: meta } } as never });
}
