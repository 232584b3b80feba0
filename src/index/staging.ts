/**
 * Segments written ahead of their commit. The documents of an update or a
 * merge are analysed and written into a staging folder of the index (a
 * temporary: the next writer removes it if this process dies), without the
 * folder's lock; the commit then only links the finished files into the new
 * generation under the segment name it gives them. So the lock is held for
 * the commit alone, and a long merge or a large update never keeps another
 * writer waiting for its analysis.
 *
 * A command stages on its own thread (stagerHere); a server on a worker
 * thread (WorkerStager), so that analysing written and merged documents does
 * not take turns with the searches it answers.
 */
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from './module-worker.js';
import type { Analyzer } from '../analysis/pipeline.js';
import type { Document } from '../ingest/document.js';
import { linkOrCopy } from './files.js';
import type { SegmentEntry } from './format.js';
import { discardGeneration, newTemporaryDir } from './generations.js';
import { writeSegment } from './segment-writer.js';

/** The name of a segment while staged; committed segments are numbered from s1. */
const STAGED_NAME = 's0';
/**
 * Documents sent to the staging worker at a time (at most so many, or so many
 * characters); the next batch goes once it has taken them. A server's usual
 * write goes in one message: each message waits a turn of its event loop.
 */
const WORKER_BATCH_DOCUMENTS = 512;
const WORKER_BATCH_CHARACTERS = 4 << 20;

/** What the staging worker is told (stage-worker.ts): a job's folder, its documents in batches, their end or an abort. */
export type StageRequest = { type: 'begin'; dir: string; name: string } | { type: 'docs'; docs: Document[] } | { type: 'end' } | { type: 'abort' };
/** What it answers: a batch taken, the segment written (undefined: no document), or the job failed. */
export type StageReply = { type: 'ack' } | { type: 'done'; entry: SegmentEntry | undefined } | { type: 'failed'; message: string };

type Documents = AsyncIterable<Document> | Iterable<Document>;

export class StagedSegment {
  constructor(
    /** The staging folder. */
    private readonly dir: string,
    /** The segment as written, named STAGED_NAME. */
    readonly entry: SegmentEntry,
  ) {}

  get documents(): number {
    return this.entry.documents;
  }

  /** Links the segment's files into generation folder `genDir` as segment `name`; its entry there. */
  linkInto(genDir: string, name: string): SegmentEntry {
    const files: SegmentEntry['files'] = {};
    for (const [file, record] of Object.entries(this.entry.files)) {
      // Files are named `<segment>.<role>`; their content does not depend on the name.
      const renamed = name + file.slice(STAGED_NAME.length);
      linkOrCopy(join(this.dir, file), join(genDir, renamed));
      files[renamed] = record;
    }
    return { ...this.entry, name, files };
  }

  /** Removes the staging folder (after the commit, which holds its own links, or instead of it). */
  discard(): void {
    discardGeneration(this.dir);
  }
}

/** Writes documents as staged segments of one index folder. */
export interface Stager {
  /** `docs` as a staged segment (`what` names its folder); undefined, with nothing left behind, when there is no document. */
  stage(docs: Documents, what: string): Promise<StagedSegment | undefined>;
  close(): Promise<void>;
}

/** Runs `write` into a new staging folder of `indexDir`, removed again when it fails or writes nothing. */
async function staged(indexDir: string, what: string, write: (dir: string) => Promise<SegmentEntry | undefined>): Promise<StagedSegment | undefined> {
  const dir = newTemporaryDir(indexDir, what);
  try {
    const entry = await write(dir);
    if (entry) return new StagedSegment(dir, entry);
  } catch (e) {
    discardGeneration(dir);
    throw e;
  }
  discardGeneration(dir);
  return undefined;
}

/** Writes `docs` as a staged segment of index folder `indexDir`, on this thread. */
export function stageSegment(analyzer: Analyzer, indexDir: string, docs: Documents, what: string): Promise<StagedSegment | undefined> {
  return staged(indexDir, what, (dir) => writeSegment(analyzer, dir, STAGED_NAME, docs));
}

/** Stages on this thread. */
export function stagerHere(analyzer: Analyzer, indexDir: string): Stager {
  return { stage: (docs, what) => stageSegment(analyzer, indexDir, docs, what), close: async () => undefined };
}

/** The staging worker failed a job, or stopped: its job is over, nothing more to tell it. */
class StageFailed extends Error {}

/** The staging worker, compiled or from the sources (module-worker.ts). */
function startWorker(): Worker {
  return startModuleWorker(import.meta.url, './stage-worker');
}

/**
 * Stages on a worker thread, one segment at a time (later ones wait their
 * turn), with the default analyzer. The documents are sent in batches, each
 * once the worker has taken the one before, so at most two batches are held
 * besides the one being read. A worker that dies fails its job and is
 * started again for the next.
 */
export class WorkerStager implements Stager {
  private worker: Worker | undefined;
  private turn: Promise<unknown> = Promise.resolve();
  /** Replies not asked for yet (a job failing between two batches), and who waits for the next one. */
  private readonly mailbox: StageReply[] = [];
  private waiting: { resolve: (r: StageReply) => void; reject: (e: Error) => void } | undefined;

  constructor(private readonly indexDir: string) {}

  stage(docs: Documents, what: string): Promise<StagedSegment | undefined> {
    const run = this.turn.then(() => staged(this.indexDir, what, (dir) => this.run(dir, docs)));
    this.turn = run.catch(() => undefined);
    return run;
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const w = startWorker();
    w.unref();
    const fail = (e: Error) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      this.mailbox.length = 0;
      const p = this.waiting;
      this.waiting = undefined;
      p?.reject(e);
    };
    w.on('message', (r: StageReply) => {
      const p = this.waiting;
      this.waiting = undefined;
      if (p) p.resolve(r);
      else this.mailbox.push(r);
    });
    w.on('error', (e) => fail(new StageFailed(e.message)));
    w.on('exit', (code) => fail(new StageFailed(`the staging worker stopped (exit code ${code})`)));
    this.worker = w;
    return w;
  }

  /** Sends `m` and waits for the worker's next reply; a failed job becomes an error. */
  private async ask(w: Worker, m: StageRequest): Promise<StageReply> {
    w.postMessage(m);
    const r = this.mailbox.shift() ?? (await new Promise<StageReply>((resolve, reject) => (this.waiting = { resolve, reject })));
    if (r.type === 'failed') throw new StageFailed(r.message);
    return r;
  }

  private async run(dir: string, docs: Documents): Promise<SegmentEntry | undefined> {
    const w = this.started();
    w.postMessage({ type: 'begin', dir, name: STAGED_NAME } satisfies StageRequest);
    let batch: Document[] = [];
    let characters = 0;
    try {
      for await (const d of docs) {
        batch.push(d);
        characters += d.title.length + d.text.length;
        if (batch.length < WORKER_BATCH_DOCUMENTS && characters < WORKER_BATCH_CHARACTERS) continue;
        await this.ask(w, { type: 'docs', docs: batch });
        batch = [];
        characters = 0;
      }
      if (batch.length) await this.ask(w, { type: 'docs', docs: batch });
    } catch (e) {
      // The documents failed (or the writer stopped): the worker drops its job and says so.
      if (!(e instanceof StageFailed) && this.worker === w) await this.ask(w, { type: 'abort' }).catch(() => undefined);
      throw e;
    }
    const r = await this.ask(w, { type: 'end' });
    return r.type === 'done' ? r.entry : undefined;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.mailbox.length = 0;
    await w?.terminate();
  }
}
