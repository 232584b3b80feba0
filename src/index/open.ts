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
import { FahrasError } from '../common/errors.js';
import { ARRAYS_FILE, DISPLAY_FILE, FORMAT_VERSION, IDS_FILE, LEXICON_FILE, MANIFEST_FILE, POSTINGS_FILE, STORE_DICT_FILE, STORE_FILE, unpackArrays, type Manifest } from './format.js';
import { currentGeneration } from './generations.js';
import { settingsHash } from './settings.js';

export class IndexError extends FahrasError {
  override name = 'IndexError';
  override readonly kind = 'bad_index';
}

/** One term namespace: a sorted lexicon and where each term's postings lie. */
export interface Lexicon {
  /** Sorted by UTF-16 code units, as the build sorted them. */
  terms: string[];
  df: Uint32Array;
  start: Float64Array | Uint32Array;
  end: Float64Array | Uint32Array;
}

/** Index of `term` in a lexicon (binary search over the sorted terms), or -1. */
export function termId(lex: Lexicon, term: string): number {
  const { terms } = lex;
  let lo = 0;
  let hi = terms.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = terms[mid];
    if (t === term) return mid;
    if (t < term) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export interface IndexData {
  dir: string;
  /** The generation folder's name (what CURRENT named when the index was opened). */
  generation: string;
  manifest: Manifest;
  stems: Lexicon;
  norms: Lexicon;
  /** Readable spelling of each surface form, parallel to `norms.terms` (empty: the form itself). */
  normDisplay: string[];
  roots: Lexicon;
  postings: Buffer;
  ids: string[];
  idToDoc: Map<string, number>;
  titleLength: Uint32Array;
  textLength: Uint32Array;
  source: Uint32Array;
  date: Int32Array;
  storeOffset: Float64Array;
  storeDict: Buffer;
  /** Open descriptor of store.bin; documents are read from it on demand. */
  storeFd: number;
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

function lines(buf: Buffer): string[] {
  const out = buf.toString('utf8').split('\n');
  out.pop(); // every line ends with a newline
  return out;
}

export function readManifest(dir: string): { genDir: string; manifest: Manifest } {
  if (!existsSync(dir)) throw new IndexError(`no index at ${dir}: the folder does not exist; run \`fahras index --out ${dir}\``);
  const genDir = currentGeneration(dir);
  if (genDir === undefined) throw new IndexError(`no index at ${dir}: it has no CURRENT file; run \`fahras index --out ${dir}\``);
  if (genDir.startsWith('invalid:')) throw new IndexError(`index at ${dir} is damaged: CURRENT names "${genDir.slice(8)}"; ${REBUILD}`);
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

export async function openIndexData(dir: string, analyzer: Analyzer = new Analyzer()): Promise<IndexData> {
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
    const arrays = unpackArrays(arraysBuf, manifest.arrays);
    const lex = lines(lexBuf);
    const termCount = manifest.stemTerms + manifest.normTerms + manifest.rootTerms;
    if (lex.length !== termCount) throw new IndexError(`index at ${dir} is damaged: the lexicon has ${lex.length} terms, expected ${termCount}; ${REBUILD}`);
    const normDisplay = lines(displayBuf);
    if (normDisplay.length !== manifest.normTerms) throw new IndexError(`index at ${dir} is damaged: ${DISPLAY_FILE} has ${normDisplay.length} lines, expected ${manifest.normTerms}; ${REBUILD}`);
    const ids = JSON.parse(idsBuf.toString('utf8')) as string[];
    if (!Array.isArray(ids) || ids.length !== manifest.documents) throw new IndexError(`index at ${dir} is damaged: ${IDS_FILE} does not hold ${manifest.documents} ids; ${REBUILD}`);
    const storePath = join(genDir, STORE_FILE);
    if (!existsSync(storePath)) throw new IndexError(`index at ${dir} is incomplete: ${STORE_FILE} is missing; ${REBUILD}`);
    const storeFd = openSync(storePath, 'r');
    if (fstatSync(storeFd).size !== manifest.files[STORE_FILE]?.bytes) {
      closeSync(storeFd);
      throw new IndexError(`index at ${dir} is damaged: ${STORE_FILE} has the wrong size (truncated?); ${REBUILD}`);
    }
    const idToDoc = new Map<string, number>();
    for (let i = 0; i < ids.length; i++) idToDoc.set(ids[i], i);
    const a = arrays as Record<string, never>;
    return {
      dir,
      generation: basename(genDir),
      manifest,
      stems: { terms: lex.slice(0, manifest.stemTerms), df: a.stemDf, start: a.stemStart, end: a.stemEnd },
      norms: { terms: lex.slice(manifest.stemTerms, manifest.stemTerms + manifest.normTerms), df: a.normDf, start: a.normStart, end: a.normEnd },
      normDisplay,
      roots: { terms: lex.slice(manifest.stemTerms + manifest.normTerms), df: a.rootDf, start: a.rootStart, end: a.rootEnd },
      postings,
      ids,
      idToDoc,
      titleLength: a.titleLength,
      textLength: a.textLength,
      source: a.source,
      date: a.date,
      storeOffset: a.storeOffset,
      storeDict,
      storeFd,
    };
  } catch (e) {
    if (e instanceof IndexError) throw e;
    throw new IndexError(`index at ${dir} is damaged (${(e as Error).message}); ${REBUILD}`);
  }
}

export function closeIndexData(data: IndexData): void {
  try {
    closeSync(data.storeFd);
  } catch {
    // already closed
  }
}
