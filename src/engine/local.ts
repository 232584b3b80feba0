/**
 * The local engine: the index folder on this machine. Searches go to the live
 * Searcher (IndexHolder swaps in new generations as they are published);
 * writes go through an IndexWriter, one commit at a time: writes that arrive
 * while a commit runs are committed together in the next one (each batch
 * still whole or not at all), and a write is answered only once its
 * generation is live here, so the next search sees it. Segments are merged
 * after commits, by the writer's policy, between writes.
 */
import type { Logger } from 'pino';
import { IndexWriter, type MergePolicy } from '../index/writer.js';
import type { HighlightedDocument, Searcher } from '../search/searcher.js';
import type { SearchOptions, SearchResult, StoredDocument, Suggestion } from '../search/types.js';
import type { EngineStats, EngineStatus, SearchEngine, WriteOp, WriteResult } from './engine.js';
import { IndexHolder, type IndexHolderOptions } from './index-holder.js';

export interface LocalEngineOptions extends IndexHolderOptions {
  /** The writer's merge policy (live updates). */
  mergePolicy?: MergePolicy;
  /** How long a write waits for another process's lock on the folder, ms. */
  lockWaitMs?: number;
}

interface PendingWrite {
  batches: readonly (readonly WriteOp[])[];
  resolve: (r: WriteResult) => void;
  reject: (e: unknown) => void;
}

/** Documents written between two yields to the event loop while a segment is written. */
const WRITE_YIELD_EVERY = 16;

export class LocalEngine implements SearchEngine {
  readonly kind = 'local' as const;
  readonly holder: IndexHolder;
  private writer: IndexWriter | undefined;
  private queue: PendingWrite[] = [];
  private draining: Promise<void> | undefined;
  private lastWrite: string | undefined;

  constructor(
    readonly dir: string,
    private readonly options: LocalEngineOptions = {},
  ) {
    this.holder = new IndexHolder(dir, options);
  }

  get version(): string | undefined {
    return this.holder.current?.generation;
  }

  async start(): Promise<void> {
    await this.holder.load();
    this.holder.startWatching();
  }

  status(): EngineStatus {
    const s = this.holder.searcher;
    return s ? { ready: true, documents: s.size } : { ready: false, reason: 'the index is still loading' };
  }

  /** The live Searcher; an `unavailable` error while the index loads. */
  searcher(): Searcher {
    return this.holder.live();
  }

  async search(query: string, options?: SearchOptions): Promise<SearchResult> {
    return this.searcher().search(query, options);
  }

  async getDocument(id: string): Promise<StoredDocument | undefined> {
    return this.searcher().getDocument(id);
  }

  async highlightDocument(id: string, query?: string): Promise<HighlightedDocument | undefined> {
    return this.searcher().highlightDocument(id, query);
  }

  async suggest(input: string, limit?: number): Promise<Suggestion[]> {
    return this.searcher().suggest(input, limit);
  }

  async stats(): Promise<EngineStats> {
    const live = this.holder.loaded();
    const m = live.searcher.index.manifest;
    return {
      engine: this.kind,
      ...live.searcher.stats(),
      generation: live.generation,
      loadedAt: live.loadedAt.toISOString(),
      reloads: this.holder.reloads,
      segments: m.segments.length,
      deleted: m.deleted,
      lastWrite: this.lastWrite ?? m.writtenAt,
    };
  }

  write(batches: readonly (readonly WriteOp[])[]): Promise<WriteResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ batches, resolve, reject });
      this.draining ??= this.drain().finally(() => (this.draining = undefined));
    });
  }

  /** Commits the queued writes, all that wait at each turn together, then merges if the policy asks. */
  private async drain(): Promise<void> {
    this.writer ??= new IndexWriter(this.dir, { policy: this.options.mergePolicy, lockWaitMs: this.options.lockWaitMs, yieldEvery: WRITE_YIELD_EVERY });
    while (this.queue.length) {
      const group = this.queue;
      this.queue = [];
      try {
        const { outcomes, commit } = await this.writer.write(group.flatMap((w) => w.batches));
        // Answered only once the new generation is the one searches use.
        await this.holder.reload(true);
        this.lastWrite = commit.writtenAt;
        let at = 0;
        for (const w of group) {
          w.resolve({ outcomes: outcomes.slice(at, at + w.batches.length), commit });
          at += w.batches.length;
        }
      } catch (e) {
        for (const w of group) w.reject(e);
        continue;
      }
      if (this.queue.length === 0) await this.mergeQuietly();
    }
  }

  /** A merge between writes; a failed one leaves the index as it was and is only logged. */
  private async mergeQuietly(): Promise<void> {
    try {
      if (await this.writer!.merge()) await this.holder.reload(true);
    } catch (e) {
      this.options.logger?.warn({ err: e }, 'merging segments failed; the index is unchanged');
    }
  }

  async reload(): Promise<void> {
    await this.holder.reload(true);
  }

  async close(): Promise<void> {
    await this.draining?.catch(() => undefined);
    this.writer?.close();
    this.holder.close();
  }
}

export type { Logger };
