/**
 * The document store: every document as deflated UTF-16LE JSON against a preset
 * dictionary sampled from the first documents, so a single document can be
 * read back without its neighbours. Compression runs on a worker thread, in
 * batches, while the main thread analyses the next documents; results are
 * written in document order. UTF-16 because reading a document back is then a
 * copy, where decoding UTF-8 Arabic costs as much as inflating it; deflated,
 * it is 2% larger. Each record's CRC-32 is kept (arrays.bin, storeCrc) and
 * checked on every read, so a damaged record is reported as such instead of
 * served, and the rest of the store stays readable.
 *
 * The writer (DocumentStoreWriter) and the reader (StoreReader) live here together.
 */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { closeSync, readSync } from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';
import type { Document } from '../ingest/document.js';
import { Growable } from '../common/growable.js';
import { HashedFile, writeWhole, type FileRecord } from './files.js';
import { segmentFile } from './format.js';
import { RecordInflater } from './record-inflater.js';

/** Documents whose text the dictionary is sampled from: the first ones. */
export const DICT_SAMPLE_DOCS = 64;
/** The whole deflate window: 16 Ki characters of sample text. */
const DICT_BYTES = 32 * 1024;
/** Level 4: ratio 3.1 on Arabic news at about half the cost of level 6. */
export const STORE_LEVEL = 4;
const BATCH = 256;
const MAX_IN_FLIGHT = 6;

/** The worker: deflates each JSON string of a batch and sends back one buffer, the lengths and the CRC-32s. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { crc32, deflateRawSync } = require('node:zlib');
const dictionary = Buffer.from(workerData.dict);
parentPort.on('message', ({ seq, docs }) => {
  const parts = docs.map((d) => deflateRawSync(Buffer.from(d, 'utf16le'), { dictionary, level: workerData.level }));
  const lengths = new Uint32Array(parts.map((p) => p.length));
  const crcs = new Uint32Array(parts.map((p) => crc32(p)));
  const data = Buffer.concat(parts);
  parentPort.postMessage({ seq, data, lengths, crcs });
});
`;

function serialize(doc: Document): string {
  return JSON.stringify({ id: doc.id, title: doc.title, text: doc.text, metadata: doc.metadata });
}

/** Stored records, compressed: their bytes end to end, each one's length and CRC-32. */
export interface CompressedRecords {
  data: Uint8Array;
  lengths: Uint32Array;
  crcs: Uint32Array;
}

/** The preset dictionary of a store: the end of the text of its first documents (DICT_SAMPLE_DOCS of them). */
export function storeDictionary(first: readonly Document[]): Buffer {
  const sample = Buffer.from(first.slice(0, DICT_SAMPLE_DOCS).map((d) => `${d.title}\n${d.text}`).join('\n'), 'utf16le');
  return Buffer.from(sample.subarray(Math.max(0, sample.length - DICT_BYTES) & ~1));
}

/** Compresses documents for a store with dictionary `dictionary` (on the calling thread). */
export function compressDocuments(docs: readonly Document[], dictionary: Uint8Array): CompressedRecords {
  return compressSerialized(docs.map(serialize), dictionary);
}

function compressSerialized(json: readonly string[], dictionary: Uint8Array): CompressedRecords {
  const parts = json.map((d) => deflateRawSync(Buffer.from(d, 'utf16le'), { dictionary, level: STORE_LEVEL }));
  return { data: Buffer.concat(parts), lengths: Uint32Array.from(parts, (p) => p.length), crcs: Uint32Array.from(parts, (p) => crc32(p)) };
}

/**
 * store.bin as it is written: compressed records appended in document order,
 * each one's offset and CRC-32 kept for arrays.bin.
 */
export class StoreFile {
  private readonly file: HashedFile;
  readonly offsets = new Growable(Float64Array);
  readonly crcs = new Growable(Uint32Array);

  /** Writes segment `segment`'s store files into `dir`. */
  constructor(
    private readonly dir: string,
    private readonly segment: string,
  ) {
    this.file = new HashedFile(join(dir, segmentFile(segment, 'store')));
    this.offsets.push(0);
  }

  get documents(): number {
    return this.crcs.length;
  }

  append(r: CompressedRecords): void {
    this.file.write(r.data);
    let off = this.offsets.get(this.offsets.length - 1);
    for (const len of r.lengths) this.offsets.push((off += len));
    this.crcs.append(r.crcs);
  }

  /** Closes store.bin and writes the dictionary; returns their records. */
  close(dictionary: Uint8Array): Record<string, FileRecord> {
    const dictFile = segmentFile(this.segment, 'storeDict');
    return { [segmentFile(this.segment, 'store')]: this.file.close(), [dictFile]: writeWhole(this.dir, dictFile, dictionary) };
  }

  abandon(): void {
    this.file.abandon();
  }
}

/**
 * Writes a store from documents given one at a time: the first ones sample
 * the dictionary, then batches are compressed on a worker (started with the
 * first full batch; a small segment is compressed on this thread instead)
 * while the caller goes on, and written in order.
 */
export class DocumentStoreWriter {
  private readonly store: StoreFile;
  private dict: Buffer | undefined;
  private pending: Document[] = [];
  private batch: string[] = [];
  private worker: Worker | undefined;
  private nextSeq = 0;
  private writeSeq = 0;
  private results = new Map<number, CompressedRecords>();
  private waiters: (() => void)[] = [];
  private failure: Error | undefined;

  /** Writes segment `segment`'s store files into `dir`. */
  constructor(dir: string, segment: string) {
    this.store = new StoreFile(dir, segment);
  }

  get offsets(): Growable<Float64Array> {
    return this.store.offsets;
  }

  get crcs(): Growable<Uint32Array> {
    return this.store.crcs;
  }

  /** Queues a document; resolves at once unless too many batches are in flight. */
  async add(doc: Document): Promise<void> {
    if (!this.dict) {
      this.pending.push(doc);
      if (this.pending.length >= DICT_SAMPLE_DOCS) this.seal();
      return;
    }
    this.batch.push(serialize(doc));
    if (this.batch.length >= BATCH) await this.flushBatch();
  }

  private seal(): void {
    this.dict = storeDictionary(this.pending);
    this.batch = this.pending.map(serialize);
    this.pending = [];
  }

  private startWorker(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { dict: this.dict, level: STORE_LEVEL } });
    worker.on('message', (m: CompressedRecords & { seq: number }) => {
      this.results.set(m.seq, m);
      this.drain();
    });
    worker.on('error', (e) => {
      this.failure = e;
      this.wake();
    });
    return worker;
  }

  /** Compresses the last batch on this thread (no worker was worth starting for it). */
  private compressHere(): void {
    this.results.set(this.nextSeq++, compressSerialized(this.batch, this.dict!));
    this.batch = [];
    this.drain();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Writes every finished batch that is next in order. */
  private drain(): void {
    for (let r = this.results.get(this.writeSeq); r; r = this.results.get(this.writeSeq)) {
      this.results.delete(this.writeSeq++);
      this.store.append(r);
    }
    this.wake();
  }

  private async waitUntil(cond: () => boolean): Promise<void> {
    while (!cond()) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.failure) throw this.failure;
  }

  private async flushBatch(): Promise<void> {
    if (!this.batch.length) return;
    this.worker ??= this.startWorker();
    this.worker.postMessage({ seq: this.nextSeq++, docs: this.batch });
    this.batch = [];
    await this.waitUntil(() => this.nextSeq - this.writeSeq <= MAX_IN_FLIGHT);
  }

  /** Waits for every batch, closes the files and returns their records. */
  async close(): Promise<Record<string, FileRecord>> {
    try {
      if (!this.dict) this.seal();
      if (this.worker) await this.flushBatch();
      else this.compressHere();
      await this.waitUntil(() => this.writeSeq === this.nextSeq);
    } finally {
      await this.worker?.terminate();
    }
    return this.store.close(this.dict ?? Buffer.alloc(0));
  }

  /** Stops the worker without writing anything more (the build failed). */
  async abort(): Promise<void> {
    await this.worker?.terminate();
    this.store.abandon();
  }
}

/** Record bytes shared by every store's reads (they are synchronous): 64 KiB, more than any SaudiNewsNet article deflated; a larger record gets its own. */
const recordBytes = Buffer.allocUnsafe(64 * 1024);

/**
 * Reads stored documents one at a time from an open store.bin: the record's
 * bytes by offset, checked against its CRC-32, inflated against the
 * dictionary (record-inflater.ts: one zlib handle per store, reset for each
 * record). A record that cannot be inflated or parsed throws `damaged(doc)`;
 * the next record reads as if it had not been met.
 */
export class StoreReader {
  private readonly inflater: RecordInflater;

  constructor(
    private readonly fd: number,
    dict: Buffer,
    private readonly offsets: Float64Array,
    private readonly crcs: Uint32Array,
    private readonly damaged: (doc: number) => Error,
  ) {
    this.inflater = new RecordInflater(dict);
  }

  read(doc: number): Document {
    const start = this.offsets[doc];
    const len = this.offsets[doc + 1] - start;
    const buf = len <= recordBytes.length ? recordBytes.subarray(0, len) : Buffer.allocUnsafe(len);
    if (readSync(this.fd, buf, 0, len, start) !== len || crc32(buf) !== this.crcs[doc]) throw this.damaged(doc);
    try {
      return JSON.parse(this.inflater.text(buf)) as Document;
    } catch {
      throw this.damaged(doc);
    }
  }

  close(): void {
    this.inflater.close();
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}
