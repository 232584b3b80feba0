/**
 * One segment, opened: its lexicons, postings, positions, per-document arrays,
 * ids and stored documents, each file checked against the sizes and SHA-256
 * the manifest lists (the store by size here, by record checksum on read).
 * Segments never change once written, so a reader is shared by every
 * generation that holds the segment: `retain`/`release` count its users and
 * the last release closes the store.
 */
import { createHash, webcrypto } from 'node:crypto';
import { closeSync } from 'node:fs';
import { join } from 'node:path';
import type { Document } from '../ingest/document.js';
import { unpackArrays, type IndexArrays } from './arrays.js';
import { DamagedRecordError, IndexError, REBUILD } from './errors.js';
import { deletesFile, segmentFile, type FileRecord, type SegmentEntry, type SegmentFile } from './format.js';
import { Lexicon, readLines } from './lexicon.js';
import { PositionReader } from './positions.js';
import { PostingCursor } from './postings.js';
import { NotRegularFileError, openRegular, readRegular, readRegularAsync } from './regular.js';
import { StoreReader } from './store.js';

export type Namespace = 'stems' | 'norms' | 'roots';

/** Files smaller than this are read and checked synchronously (about a millisecond); larger ones off the thread. */
const READ_AT_ONCE_BELOW = 1 << 20;
export const NAMESPACES: readonly Namespace[] = ['stems', 'norms', 'roots'];

export class SegmentReader {
  private refs = 1;
  private readonly idToDoc = new Map<string, number>();

  constructor(
    readonly entry: SegmentEntry,
    readonly stems: Lexicon,
    /** Surface forms, with their readable spellings. */
    readonly norms: Lexicon,
    readonly roots: Lexicon,
    readonly postings: Buffer,
    readonly positions: Buffer,
    readonly arrays: IndexArrays,
    /** External ids in the segment's document order. */
    readonly ids: readonly string[],
    private readonly store: StoreReader,
  ) {
    for (let i = 0; i < ids.length; i++) this.idToDoc.set(ids[i], i);
  }

  get name(): string {
    return this.entry.name;
  }

  get documents(): number {
    return this.ids.length;
  }

  /** What makes two readers of a segment interchangeable: its name and the checksums of its files. */
  get identity(): string {
    return identityOf(this.entry);
  }

  lexicon(ns: Namespace): Lexicon {
    return this[ns];
  }

  /** The segment-local number of the document with external id `id` (deleted or not). */
  docOf(id: string): number | undefined {
    return this.idToDoc.get(id);
  }

  cursor(): PostingCursor {
    return new PostingCursor(this.postings);
  }

  positionReader(): PositionReader {
    return new PositionReader(this.positions);
  }

  /** Stored document `doc`; throws DamagedRecordError when its record is damaged. */
  read(doc: number): Document {
    return this.store.read(doc);
  }

  /** The jumps into document `doc`'s text (positions and character offsets, the last its word count and length), or undefined when it has none. */
  jumps(doc: number): { positions: Uint32Array; offsets: Uint32Array } | undefined {
    const { jumpDoc, jumpFirst, jumpPosition, jumpOffset } = this.arrays;
    let lo = 0;
    let hi = jumpDoc.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (jumpDoc[mid] === doc) return { positions: jumpPosition.subarray(jumpFirst[mid], jumpFirst[mid + 1]), offsets: jumpOffset.subarray(jumpFirst[mid], jumpFirst[mid + 1]) };
      if (jumpDoc[mid] < doc) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Another user of this reader; undefined once it is closed (the caller opens the segment again). */
  retain(): this | undefined {
    if (this.refs === 0) return undefined;
    this.refs++;
    return this;
  }

  release(): void {
    if (--this.refs === 0) this.store.close();
  }
}

export function identityOf(entry: SegmentEntry): string {
  return `${entry.name}:${Object.entries(entry.files)
    .map(([f, r]) => `${f}=${r.sha256}`)
    .sort()
    .join(',')}`;
}

/** Reads a file of the generation, checking its size and checksum; hashed off the main thread. */
export async function readChecked(dir: string, genDir: string, name: string, expect: FileRecord | undefined): Promise<Buffer> {
  if (!expect || typeof expect.bytes !== 'number' || typeof expect.sha256 !== 'string') throw new IndexError(`index at ${dir} is incomplete: the manifest does not list ${name}; ${REBUILD}`);
  // A small file (the segment of a write, a deletion bitmap) is read and hashed at once: a server
  // loading the generation a write made would otherwise wait a turn of its busy event loop for each.
  const small = expect.bytes < READ_AT_ONCE_BELOW;
  let buf: Buffer;
  try {
    buf = small ? readRegular(join(genDir, name)) : await readRegularAsync(join(genDir, name));
  } catch (e) {
    if (e instanceof NotRegularFileError) throw new IndexError(`index at ${dir} is damaged: ${name} is ${e.what}, not a regular file; ${REBUILD}`);
    throw new IndexError(`index at ${dir} is incomplete: ${name} is missing or unreadable; ${REBUILD}`);
  }
  if (buf.length !== expect.bytes) throw new IndexError(`index at ${dir} is damaged: ${name} has ${buf.length} bytes, expected ${expect.bytes} (truncated?); ${REBUILD}`);
  const digest = small ? createHash('sha256').update(buf).digest('hex') : Buffer.from(await webcrypto.subtle.digest('SHA-256', buf)).toString('hex');
  if (digest !== expect.sha256) throw new IndexError(`index at ${dir} is damaged: ${name} does not match its checksum; ${REBUILD}`);
  return buf;
}

/** Opens segment `entry` of the generation in `genDir` (`dir` names the index in messages). */
export async function openSegment(dir: string, genDir: string, entry: SegmentEntry): Promise<SegmentReader> {
  const name = (f: SegmentFile) => segmentFile(entry.name, f);
  const damaged = (what: string) => new IndexError(`index at ${dir} is damaged: ${what}; ${REBUILD}`);
  const files = entry.files ?? {};
  const checked = (f: SegmentFile) => readChecked(dir, genDir, name(f), files[name(f)]);
  const [arraysBuf, lexBuf, displayBuf, idsBuf, postings, positions, storeDict] = await Promise.all(
    (['arrays', 'lexicon', 'display', 'ids', 'postings', 'positions', 'storeDict'] as const).map(checked),
  );
  let a: IndexArrays;
  let ids: string[];
  try {
    a = unpackArrays(arraysBuf, entry.arrays);
    ids = JSON.parse(idsBuf.toString('utf8')) as string[];
  } catch (e) {
    throw damaged(`segment ${entry.name} cannot be read (${(e as Error).message})`);
  }
  const lex = readLines(lexBuf);
  const { stemTerms: s, normTerms: n, rootTerms: r, documents } = entry;
  if (lex.length !== s + n + r) throw damaged(`the lexicon of segment ${entry.name} has ${lex.length} terms, expected ${s + n + r}`);
  const normDisplay = readLines(displayBuf);
  if (normDisplay.length !== n) throw damaged(`${name('display')} has ${normDisplay.length} lines, expected ${n}`);
  if (!Array.isArray(ids) || ids.length !== documents || ids.some((id) => typeof id !== 'string')) throw damaged(`${name('ids')} does not hold ${documents} ids`);
  const lengths: [keyof IndexArrays, number][] = [
    ['stemDf', s],
    ['stemStart', s],
    ['stemEnd', s],
    ['stemPosStart', s],
    ['stemPosEnd', s],
    ['normDf', n],
    ['normStart', n],
    ['normEnd', n],
    ['rootDf', r],
    ['rootStart', r],
    ['rootEnd', r],
    ['titleLength', documents],
    ['textLength', documents],
    ['source', documents],
    ['date', documents],
    ['storeOffset', documents + 1],
    ['storeCrc', documents],
  ];
  for (const [array, want] of lengths) if (a[array].length !== want) throw damaged(`array ${array} of segment ${entry.name} holds ${a[array].length} values, expected ${want}`);
  const jumps = a.jumpFirst.length;
  if (jumps > 0 && (jumps !== a.jumpDoc.length + 1 || a.jumpFirst[jumps - 1] !== a.jumpPosition.length || a.jumpOffset.length !== a.jumpPosition.length || a.jumpDoc.some((d) => d >= documents))) {
    throw damaged(`the jumps of segment ${entry.name} do not match its documents`);
  }
  if (!Array.isArray(entry.sources) || a.source.some((sid) => sid >= entry.sources.length)) throw damaged(`segment ${entry.name} names sources it does not list`);
  const storeName = name('store');
  let storeFd: number;
  let storeSize: number;
  try {
    ({ fd: storeFd, size: storeSize } = openRegular(join(genDir, storeName)));
  } catch (e) {
    if (e instanceof NotRegularFileError) throw damaged(`${storeName} is ${e.what}, not a regular file`);
    throw new IndexError(`index at ${dir} is incomplete: ${storeName} is missing; ${REBUILD}`);
  }
  if (storeSize !== files[storeName]?.bytes || a.storeOffset[documents] !== files[storeName]?.bytes) {
    closeSync(storeFd);
    throw damaged(`${storeName} has the wrong size (truncated?)`);
  }
  const store = new StoreReader(storeFd, storeDict, a.storeOffset, a.storeCrc, (doc) => new DamagedRecordError(ids[doc]));
  return new SegmentReader(
    entry,
    new Lexicon(lex.slice(0, s), a.stemDf, a.stemStart, a.stemEnd),
    new Lexicon(lex.slice(s, s + n), a.normDf, a.normStart, a.normEnd, normDisplay),
    new Lexicon(lex.slice(s + n), a.rootDf, a.rootStart, a.rootEnd),
    postings,
    positions,
    a,
    ids,
    store,
  );
}

/** The deletion bitmap of a segment in a generation (bit set: deleted), checked against the manifest. */
export async function readDeletes(dir: string, genDir: string, entry: SegmentEntry): Promise<Uint8Array | undefined> {
  const d = entry.deletes;
  if (!d) return undefined;
  if (d.file !== deletesFile(entry.name)) throw new IndexError(`index at ${dir} is damaged: segment ${entry.name} names deletions in ${d.file}; ${REBUILD}`);
  const bits = await readChecked(dir, genDir, d.file, d);
  if (bits.length !== Math.ceil(entry.documents / 8)) throw new IndexError(`index at ${dir} is damaged: ${d.file} does not cover the segment's ${entry.documents} documents; ${REBUILD}`);
  return new Uint8Array(bits.buffer, bits.byteOffset, bits.length);
}
