/**
 * Live updates: adds, replacements and deletions by id, and merges of
 * segments, each written as a new generation through the same atomic commit
 * as a full build (generations.ts) while holding the folder's lock (lock.ts).
 *
 * A batch becomes one new segment of the documents it puts, plus deletion
 * bitmaps for the documents it replaces or deletes; the kept segments are
 * hard links into the new generation, never copied or changed. Batches given
 * together are committed together (one generation), each applied whole or
 * not at all. A merge rewrites a run of adjacent segments as one, without
 * their deleted documents and in the same order, so document numbers keep
 * the order of last writes.
 */
import { copyFileSync, linkSync } from 'node:fs';
import { join } from 'node:path';
import { Analyzer } from '../analysis/pipeline.js';
import type { Document } from '../ingest/document.js';
import { writeWhole } from './files.js';
import { deletesFile, type Manifest, type SegmentEntry } from './format.js';
import { commitGeneration, discardGeneration, newGenerationDir } from './generations.js';
import { IndexLock } from './lock.js';
import { writeManifest } from './manifest.js';
import { openIndexReader, type IndexReader, type SegmentView } from './open.js';
import { writeSegment } from './segment-writer.js';

export type WriteOp = { op: 'put'; doc: Document } | { op: 'delete'; id: string };

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

/** The generation a commit wrote. */
export interface CommitInfo {
  generation: string;
  documents: number;
  segments: number;
  /** Deleted documents still held by segments, until a merge drops them. */
  deleted: number;
  writtenAt: string;
}

export interface MergePolicy {
  /** Adjacent segments of one size class merged together once there are this many; 0: never merge by itself. */
  mergeFactor: number;
  /** Segments larger than this are left to `compact`. */
  maxMergeDocuments: number;
}

export const DEFAULT_MERGE_POLICY: MergePolicy = { mergeFactor: 10, maxMergeDocuments: 50_000 };

export interface WriterOptions {
  analyzer?: Analyzer;
  /** How long to wait for another writer's lock, ms. */
  lockWaitMs?: number;
  policy?: MergePolicy;
  /** Yield to the event loop every this many documents while writing a segment (a server keeps answering). */
  yieldEvery?: number;
}

/** Size class of a segment: its document count's order of magnitude. */
function sizeClass(docs: number): number {
  return Math.floor(Math.log10(Math.max(1, docs)));
}

/** A document stream that lets other work run every `every` documents. */
async function* yielding<T>(items: Iterable<T>, every: number): AsyncGenerator<T> {
  let n = 0;
  for (const item of items) {
    if (every > 0 && ++n % every === 0) await new Promise((r) => setImmediate(r));
    yield item;
  }
}

/** Links (or, where the file system cannot, copies) a file of the live generation into the new one. */
function carry(fromDir: string, toDir: string, name: string): void {
  try {
    linkSync(join(fromDir, name), join(toDir, name));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return;
    copyFileSync(join(fromDir, name), join(toDir, name));
  }
}

function packBits(bits: Uint8Array, count: number): Buffer {
  const out = Buffer.alloc(Math.ceil(count / 8));
  for (let d = 0; d < count; d++) if (bits[d]) out[d >> 3] |= 1 << (d & 7);
  return out;
}

export class IndexWriter {
  private readonly analyzer: Analyzer;
  private readonly policy: MergePolicy;
  private reader: IndexReader | undefined;

  constructor(
    readonly dir: string,
    private readonly options: WriterOptions = {},
  ) {
    this.analyzer = options.analyzer ?? new Analyzer();
    this.policy = options.policy ?? DEFAULT_MERGE_POLICY;
  }

  /** The live generation, reopened (reusing unchanged segments) when another process changed it. */
  private async current(): Promise<IndexReader> {
    const fresh = await openIndexReader(this.dir, { analyzer: this.analyzer, previous: this.reader });
    this.reader?.close();
    this.reader = fresh;
    return fresh;
  }

  /** Applies `batches` in one commit; returns what each did and the generation written. */
  async write(batches: readonly (readonly WriteOp[])[]): Promise<{ outcomes: BatchOutcome[]; commit: CommitInfo }> {
    const lock = await IndexLock.acquire(this.dir, 'an update', this.options.lockWaitMs);
    try {
      const index = await this.current();
      // Every document number that becomes deleted, and the documents to add, in order of their last put.
      const deleting = new Set<number>();
      const puts = new Map<string, Document>();
      const outcomes: BatchOutcome[] = [];
      for (const batch of batches) {
        const o: BatchOutcome = { added: [], replaced: [], deleted: [], notFound: [] };
        // Within a batch the last operation on an id decides.
        const last = new Map<string, WriteOp>();
        for (const op of batch) {
          const id = op.op === 'put' ? op.doc.id : op.id;
          last.delete(id);
          last.set(id, op);
        }
        for (const [id, op] of last) {
          const doc = index.docOf(id);
          const pending = puts.has(id);
          const exists = (doc !== undefined && !deleting.has(doc)) || pending;
          if (doc !== undefined) deleting.add(doc);
          puts.delete(id);
          if (op.op === 'put') {
            puts.set(id, op.doc);
            (exists ? o.replaced : o.added).push(id);
          } else (exists ? o.deleted : o.notFound).push(id);
        }
        outcomes.push(o);
      }
      const commit = await this.commit(index, 'update', async (dir, name) => (puts.size ? await writeSegment(this.analyzer, dir, name, yielding(puts.values(), this.options.yieldEvery ?? 0)) : undefined), deleting);
      return { outcomes, commit };
    } finally {
      lock.release();
    }
  }

  /**
   * Merges segments by the policy (or all of them, with `all`), dropping
   * their deleted documents. Returns the commit, or undefined when nothing
   * needed merging.
   */
  async merge(all = false): Promise<CommitInfo | undefined> {
    const lock = await IndexLock.acquire(this.dir, all ? 'a compaction' : 'a merge', this.options.lockWaitMs);
    try {
      const index = await this.current();
      const run = all ? this.wholeRun(index) : this.mergeRun(index);
      if (!run) return undefined;
      const [from, to] = run;
      const merged = index.segments.slice(from, to);
      const docs = function* () {
        for (const s of merged) for (let d = 0; d < s.reader.documents; d++) if (!s.isDeleted(d)) yield s.reader.read(d);
      };
      return await this.commit(index, all ? 'compaction' : 'merge', (dir, name) => writeSegment(this.analyzer, dir, name, yielding(docs(), this.options.yieldEvery ?? 0)), new Set(), [from, to]);
    } finally {
      lock.release();
    }
  }

  /** Every segment, when there is anything to compact. */
  private wholeRun(index: IndexReader): [number, number] | undefined {
    const n = index.segments.length;
    return n > 1 || index.segments.some((s) => s.deletedCount > 0) ? [0, n] : undefined;
  }

  /** The newest run of `mergeFactor` adjacent segments of one size class, none too large to merge by itself. */
  private mergeRun(index: IndexReader): [number, number] | undefined {
    const { mergeFactor, maxMergeDocuments } = this.policy;
    if (mergeFactor < 2) return undefined;
    const segs = index.segments;
    let end = segs.length;
    while (end >= mergeFactor) {
      const cls = sizeClass(segs[end - 1].reader.documents);
      let start = end - 1;
      while (start > 0 && end - start < mergeFactor) {
        const s = segs[start - 1].reader.documents;
        if (sizeClass(s) !== cls || s > maxMergeDocuments) break;
        start--;
      }
      if (end - start >= mergeFactor && segs[end - 1].reader.documents <= maxMergeDocuments) return [start, end];
      end = start;
    }
    return undefined;
  }

  /**
   * Writes and commits the generation after `index`: segments `replace` (a
   * range) swapped for the segment `make` writes (or the new segment
   * appended, without `replace`), `deleting` (document numbers) deleted.
   */
  private async commit(
    index: IndexReader,
    kind: 'update' | 'merge' | 'compaction',
    make: (dir: string, name: string) => Promise<SegmentEntry | undefined>,
    deleting: ReadonlySet<number>,
    replace?: [number, number],
  ): Promise<CommitInfo> {
    const m = index.manifest;
    const { tmpDir, generation } = newGenerationDir(this.dir);
    try {
      const fromDir = join(this.dir, index.generation);
      const name = `s${m.nextSegment}`;
      const made = await make(tmpDir, name);
      const segments: SegmentEntry[] = [];
      let deleted = 0;
      let live = 0;
      // The deletions by segment, in its own document numbers.
      const bySegment = new Map<SegmentView, number[]>();
      for (const doc of deleting) {
        const { segment, local } = index.locate(doc);
        const list = bySegment.get(segment);
        if (list) list.push(local);
        else bySegment.set(segment, [local]);
      }
      index.segments.forEach((view, i) => {
        if (replace && i >= replace[0] && i < replace[1]) {
          if (i === replace[0] && made) {
            segments.push(made);
            live += made.documents;
          }
          return;
        }
        const entry = this.keep(view, bySegment.get(view) ?? [], fromDir, tmpDir);
        if (!entry) return;
        segments.push(entry);
        const dead = entry.deletes?.count ?? 0;
        deleted += dead;
        live += entry.documents - dead;
      });
      if (!replace && made) {
        segments.push(made);
        live += made.documents;
      }
      const writtenAt = new Date().toISOString();
      const body: Omit<Manifest, 'checksum'> = {
        ...m,
        documents: live,
        deleted,
        writtenAt,
        nextSegment: m.nextSegment + (made ? 1 : 0),
        segments,
      };
      delete (body as Partial<Manifest>).checksum;
      if (kind === 'compaction') body.builtAt = writtenAt;
      writeManifest(tmpDir, body);
      commitGeneration(this.dir, tmpDir, generation);
      return { generation, documents: live, segments: segments.length, deleted, writtenAt };
    } catch (e) {
      discardGeneration(tmpDir);
      throw e;
    }
  }

  /**
   * Carries a kept segment into the new generation with its deletions (the
   * old ones plus `deleting`, its document numbers); undefined when none of
   * its documents is left.
   */
  private keep(view: SegmentView, deleting: readonly number[], fromDir: string, toDir: string): SegmentEntry | undefined {
    const { entry } = view;
    const { documents } = view.reader;
    let bits: Uint8Array | undefined;
    if (deleting.length) {
      bits = Uint8Array.from({ length: documents }, (_, i) => (view.isDeleted(i) ? 1 : 0));
      for (const d of deleting) bits[d] = 1;
    }
    const count = bits ? bits.reduce((a, b) => a + b, 0) : view.deletedCount;
    if (count === documents) return undefined;
    for (const f of Object.keys(entry.files)) carry(fromDir, toDir, f);
    let deletes = entry.deletes;
    if (bits) {
      const file = deletesFile(entry.name);
      deletes = { file, count, ...writeWhole(toDir, file, packBits(bits, documents)) };
    } else if (deletes) carry(fromDir, toDir, deletes.file);
    return { ...entry, deletes };
  }

  close(): void {
    this.reader?.close();
    this.reader = undefined;
  }
}
