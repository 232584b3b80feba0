/**
 * The local engine: the index folder on this machine. Searches go to the live
 * Searcher (IndexHolder swaps in new generations as they are published);
 * writes go through an IndexWriter, one commit at a time: writes that arrive
 * while a commit runs are committed together in the next one (each batch
 * still whole or not at all), and a write is answered only once its
 * generation is live here, so the next search sees it. After commits,
 * segments are merged by the writer's policy in the background: a merge
 * writes its segment while writes go on, and commits between two of them.
 */
import type { Logger } from 'pino';
import { FahrasError } from '../common/errors.js';
import { WRITE_MAX_QUEUED_OPERATIONS } from '../common/limits.js';
import { IndexBusyError } from '../index/lock.js';
import { DEFAULT_MERGE_POLICY, IndexWriter, WriterStopped, type MergePolicy } from '../index/writer.js';
import type { HighlightedDocument, Searcher } from '../search/searcher.js';
import type { SearchOptions, SearchResult, StoredDocument, Suggestion } from '../search/types.js';
import type { EngineStats, EngineStatus, SearchEngine, WriteOp, WriteResult } from './engine.js';
import { IndexHolder, type IndexHolderOptions } from './index-holder.js';

export interface LocalEngineOptions extends IndexHolderOptions {
  /** The writer's merge policy (live updates); a merge factor below 2: no merges but by `fahras compact`. */
  mergePolicy?: MergePolicy;
  /** How long a write waits for another process's lock on the folder, ms. */
  lockWaitMs?: number;
  /**
   * Commits writes elsewhere: one of several serving processes hands them to
   * the one process that writes the folder, which answers once this process
   * has caught up with the commit (see src/server/processes.ts).
   */
  commitVia?: (batches: readonly (readonly WriteOp[])[]) => Promise<WriteResult>;
}

interface PendingWrite {
  batches: readonly (readonly WriteOp[])[];
  operations: number;
  resolve: (r: WriteResult) => void;
  reject: (e: unknown) => void;
}

/** Documents a merge reads from its segments between two yields to the event loop. */
const MERGE_YIELD_EVERY = 64;

export class LocalEngine implements SearchEngine {
  readonly kind = 'local' as const;
  readonly holder: IndexHolder;
  private writer: IndexWriter | undefined;
  private queue: PendingWrite[] = [];
  /** Operations of the writes in `queue`. */
  private queued = 0;
  private draining: Promise<void> | undefined;
  private merging: Promise<void> | undefined;
  private closing = false;
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
      merging: this.isMerging,
    };
  }

  write(batches: readonly (readonly WriteOp[])[]): Promise<WriteResult> {
    const operations = batches.reduce((a, b) => a + b.length, 0);
    if (this.closing) return Promise.reject(new FahrasError('The server is shutting down; nothing was written.', 'unavailable'));
    if (this.options.commitVia) return this.options.commitVia(batches);
    if (this.queued + operations > WRITE_MAX_QUEUED_OPERATIONS) {
      return Promise.reject(new FahrasError(`Too many writes are waiting to be committed (at most ${WRITE_MAX_QUEUED_OPERATIONS.toLocaleString('en')} operations); nothing was written. Try again shortly.`, 'busy'));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ batches, operations, resolve, reject });
      this.queued += operations;
      this.startDraining();
    });
  }

  private startDraining(): void {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      // A write queued after the drain's last look, before this: it must not wait for the next one.
      if (this.queue.length) this.startDraining();
    });
  }

  private get writerOf(): IndexWriter {
    // The writer reads the live Searcher's segments instead of holding a second copy of the index.
    // Segments are analysed and written on worker threads: searches keep this one. Reading a merge's
    // documents (here) gives way to them between batches.
    this.writer ??= new IndexWriter(this.dir, { policy: this.options.mergePolicy, lockWaitMs: this.options.lockWaitMs, yieldEvery: MERGE_YIELD_EVERY, shared: () => this.holder.searcher?.index, stageInWorker: true });
    return this.writer;
  }

  /** Commits the queued writes, all that wait at each turn together; then merges in the background if the policy asks. */
  private async drain(): Promise<void> {
    while (this.queue.length) {
      const group = this.queue;
      this.queue = [];
      this.queued -= group.reduce((a, w) => a + w.operations, 0);
      try {
        const { outcomes, commit } = await this.writerOf.write(group.flatMap((w) => w.batches));
        // Answered only once the new generation is the one searches use.
        await this.holder.reload(false, true);
        this.lastWrite = commit.writtenAt;
        let at = 0;
        for (const w of group) {
          w.resolve({ outcomes: outcomes.slice(at, at + w.batches.length), commit });
          at += w.batches.length;
        }
      } catch (e) {
        // The other writer's pid, host and folder are for the log, not for the client.
        const err = e instanceof IndexBusyError ? new FahrasError(`The index is being written by another process (${e.purpose}); nothing was written. Try again when it has finished.`, 'busy', { cause: e }) : e;
        for (const w of group) w.reject(err);
        continue;
      }
      this.mergeInBackground();
    }
  }

  private mergeInBackground(): void {
    if (this.merging || this.closing || (this.options.mergePolicy ?? DEFAULT_MERGE_POLICY).mergeFactor < 2) return;
    this.merging = this.mergeWhileNeeded().finally(() => (this.merging = undefined));
  }

  /** Merges until the policy asks for nothing more; a failed merge leaves the index as it was and is only logged. */
  private async mergeWhileNeeded(): Promise<void> {
    try {
      while (!this.closing && (await this.writerOf.merge())) await this.holder.reload(false, true);
    } catch (e) {
      if (!(e instanceof WriterStopped)) this.options.logger?.warn({ err: e }, 'merging segments failed; the index is unchanged');
    }
  }

  /** Whether a merge is being written or committed now. */
  get isMerging(): boolean {
    return this.merging !== undefined;
  }

  async reload(): Promise<void> {
    await this.holder.reload(true);
  }

  /** Makes live whatever generation is published now (a commit by another process); resolves once it is. */
  async catchUp(): Promise<void> {
    await this.holder.reload(false, true);
  }

  /** Finishes the writes already accepted (their clients wait), drops a merge under way, closes the index. */
  async close(): Promise<void> {
    this.closing = true;
    await this.draining?.catch(() => undefined);
    this.writer?.stop();
    await this.merging;
    this.writer?.close();
    this.holder.close();
  }
}

export type { Logger };
