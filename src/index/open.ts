/**
 * Opens a persisted index: checks the manifest against this build of fahras,
 * verifies sizes and checksums, and maps the arrays. Every failure becomes one
 * IndexError whose message says what is wrong and what to do.
 */
import { webcrypto } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { closeSync, existsSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Analyzer, ANALYZER_VERSION } from '../analysis/pipeline.js';
import type { Document } from '../ingest/document.js';
import { unpackArrays, type IndexArrays } from './arrays.js';
import { ARRAYS_FILE, DISPLAY_FILE, FORMAT_VERSION, IDS_FILE, LEXICON_FILE, MANIFEST_FILE, POSTINGS_FILE, STORE_DICT_FILE, STORE_FILE, type Manifest } from './format.js';
import { readCurrent } from './generations.js';
import { Lexicon, readLines } from './lexicon.js';
import { PostingCursor } from './postings.js';
import { StoreReader } from './store.js';
import { settingsHash } from './settings.js';

export class IndexError extends Error {
  override name = 'IndexError';
}

const REBUILD = 'run `fahras index` to rebuild it';

async function readChecked(dir: string, manifest: Manifest, name: string): Promise<Buffer> {
  const expect = manifest.files[name];
  if (!expect) throw new IndexError(`index at ${dir} is incomplete: the manifest does not list ${name}; ${REBUILD}`);
  let buf: Buffer;
  try {
    buf = await readFile(join(dir, name));
  } catch {
    throw new IndexError(`index at ${dir} is incomplete: ${name} is missing or unreadable; ${REBUILD}`);
  }
  if (buf.length !== expect.bytes) throw new IndexError(`index at ${dir} is damaged: ${name} has ${buf.length} bytes, expected ${expect.bytes} (truncated?); ${REBUILD}`);
  // Hashed on the thread pool, so a server loading a new index keeps answering.
  const digest = Buffer.from(await webcrypto.subtle.digest('SHA-256', buf)).toString('hex');
  if (digest !== expect.sha256) throw new IndexError(`index at ${dir} is damaged: ${name} does not match its checksum; ${REBUILD}`);
  return buf;
}

export function readManifest(dir: string): { genDir: string; manifest: Manifest } {
  if (!existsSync(dir)) throw new IndexError(`no index at ${dir}: the folder does not exist; run \`fahras index --out ${dir}\``);
  const current = readCurrent(dir);
  if (current.kind === 'none') throw new IndexError(`no index at ${dir}: it has no CURRENT file; run \`fahras index --out ${dir}\``);
  if (current.kind === 'invalid') throw new IndexError(`index at ${dir} is damaged: CURRENT names "${current.name}"; ${REBUILD}`);
  const genDir = current.dir;
  const mp = join(genDir, MANIFEST_FILE);
  if (!existsSync(mp)) throw new IndexError(`index at ${dir} is damaged: ${MANIFEST_FILE} is missing; ${REBUILD}`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(mp, 'utf8')) as Manifest;
  } catch {
    throw new IndexError(`index at ${dir} is damaged: ${MANIFEST_FILE} is not valid JSON; ${REBUILD}`);
  }
  if (typeof manifest !== 'object' || manifest === null || typeof manifest.format !== 'number') {
    throw new IndexError(`index at ${dir} is damaged: ${MANIFEST_FILE} is not an index manifest; ${REBUILD}`);
  }
  return { genDir, manifest };
}

/**
 * An opened index: its lexicons, postings, per-document columns and stored
 * documents, verified against the manifest. What the search stage reads.
 */
export class IndexReader {
  private readonly idToDoc = new Map<string, number>();

  constructor(
    readonly dir: string,
    /** The generation folder's name (what CURRENT named when the index was opened). */
    readonly generation: string,
    readonly manifest: Manifest,
    readonly stems: Lexicon,
    /** Surface forms, with their readable spellings. */
    readonly norms: Lexicon,
    readonly roots: Lexicon,
    readonly postings: Buffer,
    /** External ids in internal order. */
    readonly ids: readonly string[],
    readonly arrays: IndexArrays,
    private readonly store: StoreReader,
  ) {
    for (let i = 0; i < ids.length; i++) this.idToDoc.set(ids[i], i);
  }

  get documents(): number {
    return this.ids.length;
  }

  /** Source names by source number; number 0 is "no source" (''). */
  get sources(): readonly string[] {
    return this.manifest.sources;
  }

  get avgTitleLength(): number {
    return this.manifest.avgTitleLength;
  }

  get avgTextLength(): number {
    return this.manifest.avgTextLength;
  }

  /** The internal number of the document with external id `id`. */
  docOf(id: string): number | undefined {
    return this.idToDoc.get(id);
  }

  /** A cursor over this index's posting lists. */
  cursor(): PostingCursor {
    return new PostingCursor(this.postings);
  }

  /** The stored document number `doc`; throws IndexError when its record is damaged. */
  read(doc: number): Document {
    return this.store.read(doc);
  }

  close(): void {
    this.store.close();
  }
}

export async function openIndexReader(dir: string, analyzer: Analyzer = new Analyzer()): Promise<IndexReader> {
  const { genDir, manifest } = readManifest(dir);
  if (manifest.format !== FORMAT_VERSION) {
    throw new IndexError(`index at ${dir} has format ${manifest.format}, this fahras reads format ${FORMAT_VERSION}; ${REBUILD}`);
  }
  if (manifest.analyzerVersion !== ANALYZER_VERSION) {
    throw new IndexError(`index at ${dir} was built by analyzer ${manifest.analyzerVersion}, this is ${ANALYZER_VERSION}; ${REBUILD}`);
  }
  if (manifest.settingsHash !== settingsHash(analyzer)) {
    throw new IndexError(`index at ${dir} was built with other analysis settings (${manifest.settingsHash}); ${REBUILD}`);
  }
  try {
    const [arraysBuf, lexBuf, displayBuf, idsBuf, postings, storeDict] = await Promise.all(
      [ARRAYS_FILE, LEXICON_FILE, DISPLAY_FILE, IDS_FILE, POSTINGS_FILE, STORE_DICT_FILE].map((f) => readChecked(genDir, manifest, f)),
    );
    const a = unpackArrays(arraysBuf, manifest.arrays);
    const lex = readLines(lexBuf);
    const termCount = manifest.stemTerms + manifest.normTerms + manifest.rootTerms;
    if (lex.length !== termCount) throw new IndexError(`index at ${dir} is damaged: the lexicon has ${lex.length} terms, expected ${termCount}; ${REBUILD}`);
    const normDisplay = readLines(displayBuf);
    if (normDisplay.length !== manifest.normTerms) throw new IndexError(`index at ${dir} is damaged: ${DISPLAY_FILE} has ${normDisplay.length} lines, expected ${manifest.normTerms}; ${REBUILD}`);
    const ids = JSON.parse(idsBuf.toString('utf8')) as string[];
    if (!Array.isArray(ids) || ids.length !== manifest.documents) throw new IndexError(`index at ${dir} is damaged: ${IDS_FILE} does not hold ${manifest.documents} ids; ${REBUILD}`);
    const s = manifest.stemTerms;
    const n = manifest.normTerms;
    const storePath = join(genDir, STORE_FILE);
    if (!existsSync(storePath)) throw new IndexError(`index at ${dir} is incomplete: ${STORE_FILE} is missing; ${REBUILD}`);
    const storeFd = openSync(storePath, 'r');
    if (fstatSync(storeFd).size !== manifest.files[STORE_FILE]?.bytes) {
      closeSync(storeFd);
      throw new IndexError(`index at ${dir} is damaged: ${STORE_FILE} has the wrong size (truncated?); ${REBUILD}`);
    }
    const lengths: [string, number, number][] = [
      ['stemDf', a.stemDf.length, s],
      ['stemStart', a.stemStart.length, s],
      ['stemEnd', a.stemEnd.length, s],
      ['normDf', a.normDf.length, n],
      ['normStart', a.normStart.length, n],
      ['normEnd', a.normEnd.length, n],
      ['rootDf', a.rootDf.length, manifest.rootTerms],
      ['rootStart', a.rootStart.length, manifest.rootTerms],
      ['rootEnd', a.rootEnd.length, manifest.rootTerms],
      ['titleLength', a.titleLength.length, ids.length],
      ['textLength', a.textLength.length, ids.length],
      ['source', a.source.length, ids.length],
      ['date', a.date.length, ids.length],
      ['storeOffset', a.storeOffset.length, ids.length + 1],
    ];
    for (const [name, got, want] of lengths) {
      if (got !== want) {
        closeSync(storeFd);
        throw new IndexError(`index at ${dir} is damaged: array ${name} holds ${got} values, expected ${want}; ${REBUILD}`);
      }
    }
    const store = new StoreReader(storeFd, storeDict, a.storeOffset, (doc) => new IndexError(`index at ${dir} is damaged: document ${ids[doc]} cannot be read from ${STORE_FILE}; ${REBUILD}`));
    return new IndexReader(
      dir,
      basename(genDir),
      manifest,
      new Lexicon(lex.slice(0, s), a.stemDf, a.stemStart, a.stemEnd),
      new Lexicon(lex.slice(s, s + n), a.normDf, a.normStart, a.normEnd, normDisplay),
      new Lexicon(lex.slice(s + n), a.rootDf, a.rootStart, a.rootEnd),
      postings,
      ids,
      a,
      store,
    );
  } catch (e) {
    if (e instanceof IndexError) throw e;
    throw new IndexError(`index at ${dir} is damaged (${(e as Error).message}); ${REBUILD}`);
  }
}
