/**
 * The chunk worker of a parallel build (parallel-build.ts). Documents come in
 * batches, each batch part of a chunk; the worker analyses them with its own
 * analyzer and builder as they come (so a batch is garbage once analysed),
 * compresses them for the store against the build's one dictionary (unless
 * the build does that itself), and at the chunk's end reports its terms; once
 * told their global numbers it writes the chunk's run file and reports the
 * chunk done. It runs in a worker thread (chunk-thread.ts), or on the build's
 * own thread when the build uses none.
 */
import { Analyzer, type AnalyzerSettings } from '../analysis/pipeline.js';
import { FahrasError, type ErrorKind } from '../common/errors.js';
import type { Document } from '../ingest/document.js';
import { IndexBuilder, type Chunk, type ChunkDocuments, type ChunkTerms, type NamespaceName } from './builder.js';
import type { RunInfo } from './runs.js';
import { compressDocuments, type CompressedRecords } from './store.js';
import { join } from 'node:path';

export interface WorkerSetup {
  settings: AnalyzerSettings;
  wordTableLimit: number;
  /** The store's preset dictionary; undefined when the build compresses the documents itself. */
  dictionary: Uint8Array | undefined;
  /** Where run files go (the generation being written). */
  dir: string;
  /**
   * The only worker: its own numbering of terms (in order of first
   * appearance over its chunks, given in order) is the global one, so each
   * chunk's run is written at once, without waiting for the numbers.
   */
  alone: boolean;
}

export type ToWorker =
  /** Documents of chunk `chunk`, after those sent before; `end`: the chunk's last. */
  | { type: 'docs'; chunk: number; docs: Document[]; end: boolean }
  | { type: 'layout'; chunk: number; global: Record<NamespaceName, Int32Array> };

export type FromWorker =
  /** A batch of documents analysed. */
  | { type: 'took' }
  | { type: 'terms'; chunk: number; terms: Record<NamespaceName, ChunkTerms> }
  | { type: 'done'; chunk: number; run: RunInfo; documents: ChunkDocuments; store: CompressedRecords[] }
  | { type: 'failed'; error: WorkerError };

/** An error as it crosses threads: its message, and what makes it a FahrasError or a system error. */
export interface WorkerError {
  message: string;
  kind?: ErrorKind;
  code?: string;
  path?: string;
}

export function describeError(e: unknown): WorkerError {
  if (e instanceof FahrasError) return { message: e.message, kind: e.kind };
  const err = e as NodeJS.ErrnoException;
  if (err instanceof Error) return { message: err.message, code: typeof err.code === 'string' ? err.code : undefined, path: err.path };
  return { message: String(e) };
}

/** The error a worker described, for the build to throw. */
export function errorFrom(w: WorkerError): Error {
  if (w.kind) return new FahrasError(w.message, w.kind);
  return Object.assign(new Error(w.message), w.code ? { code: w.code } : {}, w.path ? { path: w.path } : {});
}

export class ChunkWorker {
  private readonly builder: IndexBuilder;
  /** The documents of the chunk being analysed, compressed. */
  private store: CompressedRecords[] = [];
  /** Chunks analysed, waiting for their terms' global numbers. */
  private readonly waiting = new Map<number, { chunk: Chunk; store: CompressedRecords[] }>();

  constructor(
    private readonly setup: WorkerSetup,
    private readonly send: (m: FromWorker) => void,
  ) {
    this.builder = new IndexBuilder(new Analyzer(setup.settings, setup.wordTableLimit));
  }

  handle(m: ToWorker): void {
    try {
      if (m.type === 'docs') this.analyse(m.chunk, m.docs, m.end);
      else this.write(m.chunk, m.global);
    } catch (e) {
      this.send({ type: 'failed', error: describeError(e) });
    }
  }

  private analyse(c: number, docs: Document[], end: boolean): void {
    for (const doc of docs) this.builder.add(doc);
    const { dictionary } = this.setup;
    if (dictionary) this.store.push(compressDocuments(docs, dictionary));
    this.send({ type: 'took' });
    if (!end) return;
    const { chunk, terms } = this.builder.endChunk();
    this.send({ type: 'terms', chunk: c, terms });
    this.waiting.set(c, { chunk, store: this.store });
    this.store = [];
    if (this.setup.alone) this.write(c, { stems: Int32Array.from(terms.stems.ids), norms: Int32Array.from(terms.norms.ids), roots: Int32Array.from(terms.roots.ids) });
  }

  private write(c: number, global: Record<NamespaceName, Int32Array>): void {
    const w = this.waiting.get(c);
    if (!w) throw new Error(`chunk ${c} was not analysed here`);
    this.waiting.delete(c);
    const run = w.chunk.writeRun(join(this.setup.dir, `run-${c}.tmp`), global);
    const documents = w.chunk.documents();
    this.builder.release(w.chunk);
    this.send({ type: 'done', chunk: c, run, documents, store: w.store });
  }
}
