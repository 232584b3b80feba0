/**
 * Live updates: adds, replacements and deletions by id, and merges of
 * segments, each written as a new generation through the same atomic commit
 * as a full build (generations.ts).
 *
 * A write becomes one new segment of the documents it puts, plus deletion
 * bitmaps for the documents it replaces or deletes; the kept segments are
 * hard links into the new generation, never copied or changed. Batches given
 * together are committed together (one generation), each applied whole or
 * not at all. A merge rewrites a run of adjacent segments as one, without
 * their deleted documents and in the same order, so document numbers keep
 * the order of last writes.
 *
 * The new segment is written first, without the folder's LOCK (staging.ts);
 * the LOCK is held for the commit alone: reading the live generation,
 * deciding what each operation replaces or deletes, linking the files and
 * swapping CURRENT. A merge therefore runs beside writes: at its commit, the
 * documents of its segments deleted since it began are deleted in the merged
 * segment too. One merge runs at a time per folder (MERGE-LOCK).
 */
import { join } from 'node:path';
import { Analyzer } from '../analysis/pipeline.js';
import { FahrasError } from '../common/errors.js';
import type { Document } from '../ingest/document.js';
import type { WriteOp } from '../ingest/write-ops.js';
import { linkOrCopy, writeWhole } from './files.js';
import { deletesFile, type Manifest, type SegmentEntry } from './format.js';
import { commitGeneration, discardGeneration, newGenerationDir, removeLeftovers } from './generations.js';
import { IndexBusyError, IndexLock, MERGE_LOCK_FILE } from './lock.js';
import { writeManifest } from './manifest.js';
import { DEFAULT_MERGE_POLICY, mergeRun, wholeRun, type MergePolicy } from './merge-policy.js';
import { openIndexReader, type IndexReader, type SegmentView } from './open.js';
import { stagerHere, WorkerStager, type StagedSegment, type Stager } from './staging.js';

export type { WriteOp } from '../ingest/write-ops.js';
export { DEFAULT_MERGE_POLICY, type MergePolicy } from './merge-policy.js';

/** What one batch did. */
export interface BatchOutcome {
  /** Ids put that were not in the index. */
  added: string[];
  /** Ids put that replaced a document. */
  replaced: string[];
  /** Ids deleted. */
  deleted: string[];
  /** Ids asked to be deleted that the index did not hold (not an error). */
  notFound: string[];
}

/** The generation a commit wrote (or, when nothing changed, the live one). */
export interface CommitInfo {
  generation: string;
  documents: number;
  segments: number;
  /** Deleted documents still held by segments, until a merge drops them. */
  deleted: number;
  writtenAt: string;
}

export interface WriterOptions {
  analyzer?: Analyzer;
  /** How long to wait for another writer's lock, ms. */
  lockWaitMs?: number;
  policy?: MergePolicy;
  /** Yield to the event loop every this many documents a merge reads (a server keeps answering). */
  yieldEvery?: number;
  /**
   * The live index of this folder as this process already holds it open (a
   * server's): its segments are shared with the writer instead of read again.
   */
  shared?: () => IndexReader | undefined;
  /**
   * Analyse and write new segments on worker threads (one for writes, one
   * for merges), not on the thread that calls: a server's, which answers
   * searches meanwhile. Only with the default analyzer.
   */
  stageInWorker?: boolean;
}

/** A merge prepared (its segment written) and not yet committed. */
export interface PendingMerge {
  /** Segments it merges. */
  readonly segments: number;
  /** Documents it wrote: the live documents of those segments when it began. */
  readonly documents: number;
  /**
   * Commits it, with the deletions made since it began; undefined when
   * nothing is left to change (its documents all deleted, or the index
   * rebuilt meanwhile).
   */
  commit(): Promise<CommitInfo | undefined>;
  /** Drops it, leaving the index as it is. */
  discard(): void;
}

/** The writer was closed while writing a segment (a server shutting down); nothing was committed. */
export class WriterStopped extends FahrasError {
  override name = 'WriterStopped';
  constructor() {
    super('the index writer was closed before this write was committed; nothing was written', 'unavailable');
  }
}

/** What a commit changes. */
interface Change {
  kind: 'update' | 'merge' | 'compaction';
  /** The new segment, if any. */
  staged?: StagedSegment;
  /** Which of its documents are deleted (one byte each): those of a merge deleted since it began. */
  stagedDeleted?: Uint8Array;
  /** Segments [from, to) the new segment replaces; without it, the new segment is appended. */
  replace?: [number, number];
  /** Documents of the index to delete, by number. */
  deleting: ReadonlySet<number>;
}

function idOf(op: WriteOp): string {
  return op.op === 'put' ? op.doc.id : op.id;
}

/** The operation that decides each id of a batch: its last one, in the order of those last operations. */
function lastOps(batch: readonly WriteOp[]): Map<string, WriteOp> {
  const last = new Map<string, WriteOp>();
  for (const op of batch) {
    last.delete(idOf(op));
    last.set(idOf(op), op);
  }
  return last;
}

/** The documents the batches leave put, in the order of their last put: the new segment's documents. */
function finalPuts(batches: readonly (readonly WriteOp[])[]): Map<string, Document> {
  const puts = new Map<string, Document>();
  for (const batch of batches) {
    for (const [id, op] of lastOps(batch)) {
      puts.delete(id);
      if (op.op === 'put') puts.set(id, op.doc);
    }
  }
  return puts;
}

/** What each batch does to `index`, and the number of every document it replaces or deletes. */
function resolveBatches(index: IndexReader, batches: readonly (readonly WriteOp[])[]): { outcomes: BatchOutcome[]; deleting: Set<number> } {
  const deleting = new Set<number>();
  // Ids put by an earlier batch of this commit.
  const pending = new Set<string>();
  const outcomes: BatchOutcome[] = [];
  for (const batch of batches) {
    const o: BatchOutcome = { added: [], replaced: [], deleted: [], notFound: [] };
    for (const [id, op] of lastOps(batch)) {
      const doc = index.docOf(id);
      const exists = (doc !== undefined && !deleting.has(doc)) || pending.has(id);
      if (doc !== undefined) deleting.add(doc);
      pending.delete(id);
      if (op.op === 'put') {
        pending.add(id);
        (exists ? o.replaced : o.added).push(id);
      } else (exists ? o.deleted : o.notFound).push(id);
    }
    outcomes.push(o);
  }
  return { outcomes, deleting };
}

/** The live documents of `segments`, in order: what merging them writes. */
function* liveDocuments(segments: readonly SegmentView[]): Generator<Document> {
  for (const s of segments) for (let d = 0; d < s.reader.documents; d++) if (!s.isDeleted(d)) yield s.reader.read(d);
}

/**
 * Where a merge of `snapshot`'s segments [from, to) goes in `index`, the
 * generation it commits over, and which of the merged documents are deleted
 * by now. Segments disappear from later generations only when all their
 * documents are deleted (one merge runs at a time), so the ones left are
 * still adjacent. Undefined when the index was rebuilt meanwhile, or none of
 * the segments is left.
 */
function placeMerge(snapshot: IndexReader, run: [number, number], index: IndexReader): { replace: [number, number]; deleted: Uint8Array } | undefined {
  if (index.manifest.builtAt !== snapshot.manifest.builtAt) return undefined;
  const position = new Map(index.segments.map((s, i) => [s.reader.identity, i]));
  const merged = snapshot.segments.slice(run[0], run[1]);
  const now = merged.map((s) => position.get(s.reader.identity));
  const present = now.filter((i): i is number => i !== undefined);
  if (!present.length || present.some((p, k) => k > 0 && p !== present[k - 1] + 1)) return undefined;
  const deleted = new Uint8Array(merged.reduce((a, s) => a + s.reader.documents - s.deletedCount, 0));
  let k = 0;
  merged.forEach((s, i) => {
    const later = now[i] === undefined ? undefined : index.segments[now[i]!];
    for (let d = 0; d < s.reader.documents; d++) {
      if (s.isDeleted(d)) continue;
      if (!later || later.isDeleted(d)) deleted[k] = 1;
      k++;
    }
  });
  return { replace: [present[0], present[present.length - 1] + 1], deleted };
}

function packBits(bits: Uint8Array, count: number): Buffer {
  const out = Buffer.alloc(Math.ceil(count / 8));
  for (let d = 0; d < count; d++) if (bits[d]) out[d >> 3] |= 1 << (d & 7);
  return out;
}

function ones(bits: Uint8Array | undefined): number {
  let n = 0;
  if (bits) for (const b of bits) n += b;
  return n;
}

function commitInfo(index: IndexReader): CommitInfo {
  const m = index.manifest;
  return { generation: index.generation, documents: m.documents, segments: m.segments.length, deleted: m.deleted, writtenAt: m.writtenAt };
}

export class IndexWriter {
  private readonly analyzer: Analyzer;
  private readonly policy: MergePolicy;
  /** The last index opened, kept for its segments to be reused by the next open (without a shared one). */
  private cached: IndexReader | undefined;
  /** The end of the chain of operations that hold the LOCK: one at a time in this process. */
  private turn: Promise<unknown> = Promise.resolve();
  private stopped = false;
  /** Where the segments of writes and of merges are written. */
  private readonly stagers: { update: Stager; merge: Stager };

  constructor(
    readonly dir: string,
    private readonly options: WriterOptions = {},
  ) {
    this.analyzer = options.analyzer ?? new Analyzer();
    this.policy = options.policy ?? DEFAULT_MERGE_POLICY;
    const here = stagerHere(this.analyzer, dir);
    this.stagers = options.stageInWorker && !options.analyzer ? { update: new WorkerStager(dir), merge: new WorkerStager(dir) } : { update: here, merge: here };
  }

  /** Applies `batches` in one commit; returns what each did and the generation written. */
  async write(batches: readonly (readonly WriteOp[])[]): Promise<{ outcomes: BatchOutcome[]; commit: CommitInfo }> {
    // The documents of a write are in memory already: nothing to give way to while they are handed over.
    const staged = await this.stagers.update.stage(finalPuts(batches).values(), 'update');
    try {
      return await this.exclusive('an update', (index) => {
        const { outcomes, deleting } = resolveBatches(index, batches);
        // Nothing to change (only deletions of absent ids): no new generation.
        if (!staged && deleting.size === 0) return { outcomes, commit: commitInfo(index) };
        return { outcomes, commit: this.commit(index, { kind: 'update', staged, deleting }) };
      });
    } finally {
      staged?.discard();
    }
  }

  /**
   * Merges segments by the policy (or all of them, with `all`: a
   * compaction), dropping their deleted documents. Returns the commit, or
   * undefined when nothing needed merging (or another process is merging).
   */
  async merge(all = false): Promise<CommitInfo | undefined> {
    const pending = await this.prepareMerge(all);
    return pending?.commit();
  }

  /**
   * Chooses the segments to merge and writes their merged segment, without
   * the LOCK: writes go on meanwhile. A merge by the policy gives way to
   * another process's merge (undefined); a compaction waits for it as for a lock.
   */
  async prepareMerge(all = false): Promise<PendingMerge | undefined> {
    const kind = all ? 'compaction' : 'merge';
    let lock: IndexLock;
    try {
      lock = await IndexLock.acquire(this.dir, `a ${kind}`, all ? this.options.lockWaitMs : 0, MERGE_LOCK_FILE);
    } catch (e) {
      if (!all && e instanceof IndexBusyError) return undefined;
      throw e;
    }
    let snapshot: IndexReader | undefined;
    let staged: StagedSegment | undefined;
    const done = () => {
      staged?.discard();
      snapshot?.close();
      lock.release();
    };
    try {
      snapshot = await this.open();
      const sizes = snapshot.segments.map((s) => ({ documents: s.reader.documents, deleted: s.deletedCount }));
      const run = all ? wholeRun(sizes) : mergeRun(sizes, this.policy);
      if (!run) {
        done();
        // Nothing to compact; but a compaction killed after its commit may have left its leftovers: they go now.
        if (all) await this.exclusive('a compaction', () => undefined);
        return undefined;
      }
      const merged = snapshot.segments.slice(run[0], run[1]);
      staged = await this.stagers.merge.stage(this.yielding(liveDocuments(merged)), kind);
      const from = snapshot;
      let finished = false;
      return {
        segments: merged.length,
        documents: staged?.documents ?? 0,
        commit: async () => {
          if (finished) throw new Error('this merge is already committed or discarded');
          finished = true;
          try {
            return await this.exclusive(`a ${kind}`, (index) => {
              const place = placeMerge(from, run, index);
              if (!place) return undefined;
              return this.commit(index, { kind, staged, stagedDeleted: place.deleted, replace: place.replace, deleting: new Set() });
            });
          } finally {
            done();
          }
        },
        discard: () => {
          if (!finished) done();
          finished = true;
        },
      };
    } catch (e) {
      done();
      throw e;
    }
  }

  /** A document stream that lets other work run every `yieldEvery` documents, and ends the write when the writer is closed. */
  private async *yielding<T>(items: Iterable<T>): AsyncGenerator<T> {
    const every = this.options.yieldEvery ?? 0;
    let n = 0;
    for (const item of items) {
      if (this.stopped) throw new WriterStopped();
      if (every > 0 && ++n % every === 0) await new Promise((r) => setImmediate(r));
      yield item;
    }
  }

  /** The live generation, its unchanged segments reused from the shared or the last opened index. */
  private async open(): Promise<IndexReader> {
    const fresh = await openIndexReader(this.dir, { analyzer: this.analyzer, previous: this.options.shared?.() ?? this.cached });
    if (!this.options.shared) {
      this.cached?.close();
      this.cached = fresh.retain();
    }
    return fresh;
  }

  /**
   * Runs `fn` on the live generation while holding the folder's LOCK, after
   * every earlier such operation of this writer (the LOCK is one per process
   * too), once what writers killed before left behind is removed.
   */
  private exclusive<T>(purpose: string, fn: (index: IndexReader) => T): Promise<T> {
    const run = this.turn.then(async () => {
      const lock = await IndexLock.acquire(this.dir, purpose, this.options.lockWaitMs);
      try {
        removeLeftovers(this.dir);
        const index = await this.open();
        try {
          return fn(index);
        } finally {
          index.close();
        }
      } finally {
        lock.release();
      }
    });
    this.turn = run.catch(() => undefined);
    return run;
  }

  /**
   * Writes and commits the generation after `index` with `change`: the kept
   * segments linked with their deletions, the new segment linked in at its
   * place under the next segment name.
   */
  private commit(index: IndexReader, change: Change): CommitInfo {
    const m = index.manifest;
    const { tmpDir, generation } = newGenerationDir(this.dir);
    try {
      const fromDir = join(this.dir, index.generation);
      const made = change.staged && this.place(change.staged, change.stagedDeleted, tmpDir, `s${m.nextSegment}`);
      const segments: SegmentEntry[] = [];
      let deleted = 0;
      let live = 0;
      const add = (entry: SegmentEntry) => {
        const dead = entry.deletes?.count ?? 0;
        segments.push(entry);
        deleted += dead;
        live += entry.documents - dead;
      };
      // The deletions by segment, in its own document numbers.
      const bySegment = new Map<SegmentView, number[]>();
      for (const doc of change.deleting) {
        const { segment, local } = index.locate(doc);
        const list = bySegment.get(segment);
        if (list) list.push(local);
        else bySegment.set(segment, [local]);
      }
      const { replace } = change;
      index.segments.forEach((view, i) => {
        if (replace && i >= replace[0] && i < replace[1]) {
          if (i === replace[0] && made) add(made);
          return;
        }
        const entry = this.keep(view, bySegment.get(view) ?? [], fromDir, tmpDir);
        if (entry) add(entry);
      });
      if (!replace && made) add(made);
      const writtenAt = new Date().toISOString();
      const body: Omit<Manifest, 'checksum'> & { checksum?: string } = { ...m, documents: live, deleted, writtenAt, nextSegment: m.nextSegment + (made ? 1 : 0), segments };
      delete body.checksum;
      if (change.kind === 'compaction') body.builtAt = writtenAt;
      writeManifest(tmpDir, body);
      commitGeneration(this.dir, tmpDir, generation);
      return { generation, documents: live, segments: segments.length, deleted, writtenAt };
    } catch (e) {
      discardGeneration(tmpDir);
      throw e;
    }
  }

  /** Links the staged segment into generation folder `genDir` as `name`, with its deletions; undefined when all its documents are deleted. */
  private place(staged: StagedSegment, deletedBits: Uint8Array | undefined, genDir: string, name: string): SegmentEntry | undefined {
    const count = ones(deletedBits);
    if (count === staged.documents) return undefined;
    const entry = staged.linkInto(genDir, name);
    if (!count) return entry;
    const file = deletesFile(name);
    return { ...entry, deletes: { file, count, ...writeWhole(genDir, file, packBits(deletedBits!, staged.documents)) } };
  }

  /**
   * Carries a kept segment into the new generation with its deletions (the
   * old ones plus `deleting`, its document numbers); undefined when none of
   * its documents is left.
   */
  private keep(view: SegmentView, deleting: readonly number[], fromDir: string, toDir: string): SegmentEntry | undefined {
    const { entry } = view;
    const { documents } = view.reader;
    let count = view.deletedCount;
    let bits: Buffer | undefined;
    if (deleting.length) {
      // The segment's bitmap as it is, with the new deletions set.
      bits = Buffer.alloc(Math.ceil(documents / 8));
      if (view.deletes) bits.set(view.deletes);
      for (const d of deleting) {
        const mask = 1 << (d & 7);
        if (!(bits[d >> 3] & mask)) count++;
        bits[d >> 3] |= mask;
      }
    }
    if (count === documents) return undefined;
    for (const f of Object.keys(entry.files)) linkOrCopy(join(fromDir, f), join(toDir, f));
    let deletes = entry.deletes;
    if (bits) {
      const file = deletesFile(entry.name);
      deletes = { file, count, ...writeWhole(toDir, file, bits) };
    } else if (deletes) linkOrCopy(join(fromDir, deletes.file), join(toDir, deletes.file));
    return { ...entry, deletes };
  }

  /** Ends any segment being written for a merge or a write (it is dropped, nothing committed); commits already begun finish. */
  stop(): void {
    this.stopped = true;
  }

  close(): void {
    this.stop();
    this.cached?.close();
    this.cached = undefined;
    void this.stagers.update.close();
    void this.stagers.merge.close();
  }
}
