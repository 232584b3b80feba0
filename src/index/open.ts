/**
 * Opens a persisted index: checks the manifest against this build of fahras,
 * verifies sizes and checksums, and maps the arrays. Every failure becomes one
 * IndexError whose message says what is wrong and what to do.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Analyzer, ANALYZER_VERSION } from '../analysis/pipeline.js';
import { ARRAYS_FILE, DISPLAY_FILE, FORMAT_VERSION, IDS_FILE, LEXICON_FILE, MANIFEST_FILE, POSTINGS_FILE, STORE_DICT_FILE, STORE_FILE, unpackArrays, type Manifest } from './format.js';
import { currentGeneration } from './generations.js';
import { settingsHash } from './settings.js';

export class IndexError extends Error {
  override name = 'IndexError';
}

/** One term namespace: a sorted lexicon and where each term's postings lie. */
export interface Lexicon {
  terms: string[];
  ids: Map<string, number>;
  df: Uint32Array;
  start: Float64Array;
  end: Float64Array;
}

export interface IndexData {
  dir: string;
  /** The generation folder's name (what CURRENT named when the index was opened). */
  generation: string;
  manifest: Manifest;
  stems: Lexicon;
  norms: Lexicon;
  /** Readable spelling of each surface form, parallel to `norms.terms`. */
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

function readChecked(dir: string, manifest: Manifest, name: string, verify = true): Buffer {
  const expect = manifest.files[name];
  if (!expect) throw new IndexError(`index at ${dir} is incomplete: the manifest does not list ${name}; ${REBUILD}`);
  const p = join(dir, name);
  if (!existsSync(p)) throw new IndexError(`index at ${dir} is incomplete: ${name} is missing; ${REBUILD}`);
  const buf = readFileSync(p);
  if (buf.length !== expect.bytes) throw new IndexError(`index at ${dir} is damaged: ${name} has ${buf.length} bytes, expected ${expect.bytes} (truncated?); ${REBUILD}`);
  if (verify && createHash('sha256').update(buf).digest('hex') !== expect.sha256) {
    throw new IndexError(`index at ${dir} is damaged: ${name} does not match its checksum; ${REBUILD}`);
  }
  return buf;
}

function lexicon(terms: string[], df: Uint32Array, start: Float64Array, end: Float64Array): Lexicon {
  const ids = new Map<string, number>();
  for (let i = 0; i < terms.length; i++) ids.set(terms[i], i);
  return { terms, ids, df, start, end };
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

export function openIndexData(dir: string, analyzer: Analyzer = new Analyzer()): IndexData {
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
    const arrays = unpackArrays(readChecked(genDir, manifest, ARRAYS_FILE), manifest.arrays);
    const lex = readChecked(genDir, manifest, LEXICON_FILE).toString('utf8').split('\n');
    lex.pop(); // every term ends with a newline
    const termCount = manifest.stemTerms + manifest.normTerms + manifest.rootTerms;
    if (lex.length !== termCount) throw new IndexError(`index at ${dir} is damaged: the lexicon has ${lex.length} terms, expected ${termCount}; ${REBUILD}`);
    const normDisplay = readChecked(genDir, manifest, DISPLAY_FILE).toString('utf8').split('\n');
    normDisplay.pop();
    if (normDisplay.length !== manifest.normTerms) throw new IndexError(`index at ${dir} is damaged: ${DISPLAY_FILE} has ${normDisplay.length} lines, expected ${manifest.normTerms}; ${REBUILD}`);
    const ids = JSON.parse(readChecked(genDir, manifest, IDS_FILE).toString('utf8')) as string[];
    if (!Array.isArray(ids) || ids.length !== manifest.documents) throw new IndexError(`index at ${dir} is damaged: ${IDS_FILE} does not hold ${manifest.documents} ids; ${REBUILD}`);
    const postings = readChecked(genDir, manifest, POSTINGS_FILE);
    const storeDict = readChecked(genDir, manifest, STORE_DICT_FILE);
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
      stems: lexicon(lex.slice(0, manifest.stemTerms), a.stemDf, a.stemStart, a.stemEnd),
      norms: lexicon(lex.slice(manifest.stemTerms, manifest.stemTerms + manifest.normTerms), a.normDf, a.normStart, a.normEnd),
      normDisplay,
      roots: lexicon(lex.slice(manifest.stemTerms + manifest.normTerms), a.rootDf, a.rootStart, a.rootEnd),
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
