/**
 * Benchmark input. 1× is the SaudiNewsNet corpus file itself; 4× and 16× are
 * that corpus tiled four and sixteen times with fresh ids (`sn-123`,
 * `sn-123~2`, … `sn-123~16`), generated once into the bench's temporary folder
 * (/tmp/fahras-bench, or FAHRAS_BENCH_TMP) and reused afterwards: 424 MB and
 * 1.7 GB. All are streamed: a corpus is never held in memory.
 *
 *   npx tsx bench/corpus.ts [--scale 4|16]     prints the path (creating it if needed)
 */
import { createReadStream, createWriteStream, existsSync, renameSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { DATA, TMP, ensureDirs, scaleArg, type Scale } from './common.js';

export const CORPUS_1X = join(DATA, 'corpora', 'saudinewsnet.jsonl.gz');
export const CORPUS_4X = join(TMP, 'snn-4x.jsonl');
export const CORPUS_16X = join(TMP, 'snn-16x.jsonl');
export const CORPUS_DOCS_1X = 31_030;

/** The lines of a .jsonl or .jsonl.gz file, streamed. */
export function jsonLines(file: string): AsyncIterable<string> {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  return createInterface({ input: file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw, crlfDelay: Infinity });
}

export interface CorpusRecord {
  id: string;
  title: string;
  text: string;
  [k: string]: unknown;
}

/** Records of a corpus file, streamed. */
export async function* records(file: string): AsyncGenerator<CorpusRecord> {
  for await (const line of jsonLines(file)) if (line.trim()) yield JSON.parse(line) as CorpusRecord;
}

/** Writes the 1× corpus `times` times over into `out`, each copy after the first with fresh ids. */
export async function tile(times: number, out: string): Promise<void> {
  ensureDirs();
  const tmp = `${out}.tmp-${process.pid}`;
  const w = createWriteStream(tmp, { highWaterMark: 1 << 20 });
  for (let copy = 1; copy <= times; copy++) {
    for await (const line of jsonLines(CORPUS_1X)) {
      if (!line.trim()) continue;
      const rec = JSON.parse(line) as CorpusRecord;
      if (copy > 1) rec.id = `${rec.id}~${copy}`;
      if (!w.write(JSON.stringify(rec) + '\n')) await once(w, 'drain');
    }
  }
  w.end();
  await once(w, 'finish');
  renameSync(tmp, out);
}

/** The input file for a scale; a tiled file is written on first use. */
export async function corpusFor(scale: Scale): Promise<string> {
  if (!existsSync(CORPUS_1X)) throw new Error(`corpus not found: ${CORPUS_1X}`);
  if (scale === 1) return CORPUS_1X;
  const file = scale === 4 ? CORPUS_4X : CORPUS_16X;
  if (!existsSync(file)) {
    const t0 = performance.now();
    process.stderr.write(`writing ${file} (corpus × ${scale})…\n`);
    await tile(scale, file);
    process.stderr.write(`  ${(statSync(file).size / 1e6).toFixed(0)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  return file;
}

export function docsFor(scale: Scale): number {
  return CORPUS_DOCS_1X * scale;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await corpusFor(scaleArg()));
}
