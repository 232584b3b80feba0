/**
 * What the engine knows of its cluster, refreshed by a periodic check: which
 * physical index the alias points at (a build that moved it is picked up
 * within one period), its build record, its health, and its counts. The
 * engine is ready while checks succeed; after OPENSEARCH_FAILED_CHECKS_UNTIL_LOST
 * failures in a row (the cluster gone, the alias removed, every copy of a
 * shard lost) it is not, and searches are answered 503 until a check
 * succeeds again — it recovers by itself when the cluster returns.
 *
 * `version` names the data answering: the physical index, how many writes
 * its primaries have taken, and an epoch bumped by this process's writes and
 * by every recovery, so a result cache never serves an answer across a
 * change.
 */
import type { Client } from '@opensearch-project/opensearch';
import type { Logger } from 'pino';
import type { OpenSearchSettings } from '../../common/defaults.js';
import { FahrasError } from '../../common/errors.js';
import { OPENSEARCH_FAILED_CHECKS_UNTIL_LOST } from '../../common/limits.js';
import { aliasTargets, buildOf } from './aliases.js';
import { describeFailure, describeNodes, statusOf } from './connection.js';
import { layoutProblem, type BuildMeta } from './mapping.js';
import { WordList } from './word-list.js';

export type HealthStatus = 'green' | 'yellow' | 'red';

/** The physical index being served and what the last check saw of it. */
export interface LiveIndex {
  index: string;
  meta: BuildMeta;
  words: WordList;
  /** When this process first served it. */
  since: Date;
  documents: number;
  deleted: number;
  bytes: number;
  /** Index and delete operations its primaries have taken (changes with every write, by anyone). */
  operations: number;
  status: HealthStatus;
  nodes: number;
  checkedAt: Date;
}

interface IndexStatsBody {
  _all: { primaries: { docs?: { count: number; deleted: number }; indexing?: { index_total: number; delete_total: number }; store?: { size_in_bytes: number } } };
}

/** Every copy of some shard of the served index is gone. */
class ShardsLost extends FahrasError {
  override readonly kind = 'unavailable';
}

/** Why the engine cannot answer, in words for any client: no addresses, no names of indices. */
function shortReason(e: unknown): string {
  if (e instanceof ShardsLost) return 'part of the index is unavailable in the search cluster';
  if (e instanceof FahrasError && e.kind === 'bad_index') return 'the index is missing from the search cluster';
  const status = statusOf(e);
  if (status === 401 || status === 403) return "the search cluster refused fahras's credentials";
  return 'the search cluster cannot be reached';
}

export class ClusterWatch {
  private current: LiveIndex | undefined;
  private failures = 0;
  /** Why the last check failed: a short reason fit for any client (no addresses). */
  private lastFailure: string | undefined;
  private epoch = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly client: Client,
    private readonly settings: OpenSearchSettings,
    private readonly logger?: Logger,
  ) {}

  /** The index being served, while the cluster answers; undefined before the first check and once the cluster is lost. */
  get live(): LiveIndex | undefined {
    return this.failures >= OPENSEARCH_FAILED_CHECKS_UNTIL_LOST ? undefined : this.current;
  }

  /** Why the engine is not ready. */
  get reason(): string {
    return this.lastFailure ?? 'the search cluster has not been reached yet';
  }

  get version(): string | undefined {
    const l = this.live;
    return l && `${l.index}:${l.operations}:${this.epoch}`;
  }

  /** A change this process made (a write): answers cached before it are not served after it. */
  changed(delta: { documents?: number } = {}): void {
    this.epoch++;
    if (this.current && delta.documents) this.current.documents += delta.documents;
  }

  /** Checks now (concurrent calls share one check); throws the failure when `rethrow`. */
  async check(rethrow = false): Promise<void> {
    this.running ??= this.checkOnce().finally(() => (this.running = undefined));
    try {
      await this.running;
    } catch (e) {
      if (rethrow) throw e;
    }
  }

  /** Checks every `checkMs` from now on. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.check(), this.settings.checkMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async checkOnce(): Promise<void> {
    try {
      const live = await this.look();
      const wasLost = this.failures >= OPENSEARCH_FAILED_CHECKS_UNTIL_LOST;
      if (this.current && live.index !== this.current.index) this.logger?.info({ alias: this.settings.index, index: live.index, previous: this.current.index }, 'the alias moved to a new build; serving it');
      if (wasLost) {
        this.epoch++;
        this.logger?.info({ alias: this.settings.index, index: live.index }, 'the search cluster answers again; serving');
      }
      this.current = live;
      this.failures = 0;
      this.lastFailure = undefined;
    } catch (e) {
      const err = e instanceof FahrasError ? e : new FahrasError(`cannot reach the search cluster at ${describeNodes(this.settings)}: ${describeFailure(e)}`, 'unavailable');
      this.failures++;
      this.lastFailure = shortReason(e);
      if (this.failures === OPENSEARCH_FAILED_CHECKS_UNTIL_LOST && this.current) this.logger?.error({ alias: this.settings.index, reason: err.message }, 'the search cluster is lost: answering 503 until it returns');
      throw err;
    }
  }

  /** Resolves the alias and reads the health and counts of its index. */
  private async look(): Promise<LiveIndex> {
    const alias = this.settings.index;
    const targets = await aliasTargets(this.client, alias);
    if (targets.length === 0) {
      throw new FahrasError(`the search cluster at ${describeNodes(this.settings)} has no index "${alias}": build it with fahras index --engine opensearch --opensearch-index ${alias}`, 'bad_index');
    }
    // Two targets happen only when two builds raced: the newer (stamps sort) is served.
    const index = targets[targets.length - 1];
    let meta = this.current?.index === index ? this.current.meta : undefined;
    let since = this.current?.index === index ? this.current.since : new Date();
    if (!meta) {
      meta = await buildOf(this.client, index);
      if (!meta) throw new FahrasError(`"${alias}" points at ${index}, which fahras did not build: build it with fahras index --engine opensearch`, 'bad_index');
      const problem = layoutProblem(meta);
      if (problem) throw new FahrasError(`"${alias}" points at ${index}, which cannot be searched: ${problem}`, 'bad_index');
      since = new Date();
    }
    const [health, stats] = await Promise.all([
      this.client.cluster.health({ index }),
      this.client.indices.stats({ index, metric: ['docs', 'indexing', 'store'] }),
    ]);
    const h = health.body as unknown as { status: HealthStatus; number_of_nodes: number };
    if (h.status === 'red') throw new ShardsLost(`some shards of ${index} have no copy on a live node (cluster status red)`);
    const p = (stats.body as unknown as IndexStatsBody)._all.primaries;
    return {
      index,
      meta,
      words: this.current?.index === index ? this.current.words : new WordList(this.client, meta.lexicon),
      since,
      documents: p.docs?.count ?? 0,
      deleted: p.docs?.deleted ?? 0,
      bytes: p.store?.size_in_bytes ?? 0,
      operations: (p.indexing?.index_total ?? 0) + (p.indexing?.delete_total ?? 0),
      status: h.status,
      nodes: h.number_of_nodes,
      checkedAt: new Date(),
    };
  }
}
