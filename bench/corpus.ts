/**
 * Benchmark input. 1× is the SaudiNewsNet corpus file itself; 4× is that
 * corpus tiled four times with fresh ids (`sn-123`, `sn-123~2`, `sn-123~3`,
 * `sn-123~4`), generated once into /tmp/fahras-bench and reused afterwards.
 * Both are streamed: the corpus is never held in memory.
 *
 *   npx tsx bench/corpus.ts [--scale 4]     prints the path (creating 4× if needed)
 */
import { createReadStream, createWriteStream, existsSync, renameSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { DATA, TMP, ensureDirs, scaleArg, type Scale } from './common.js';

export const CORPUS_1X = join(DATA, 'corpora', 'saudinewsnet.jsonl.gz');
export const CORPUS_4X = join(TMP, 'snn-4x.jsonl');
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

/** The input file for a scale; the 4× file is written on first use. */
export async function corpusFor(scale: Scale): Promise<string> {
  if (!existsSync(CORPUS_1X)) throw new Error(`corpus not found: ${CORPUS_1X}`);
  if (scale === 1) return CORPUS_1X;
  if (!existsSync(CORPUS_4X)) {
    const t0 = performance.now();
    process.stderr.write(`writing ${CORPUS_4X} (corpus × 4)…\n`);
    await tile(4, CORPUS_4X);
    process.stderr.write(`  ${(statSync(CORPUS_4X).size / 1e6).toFixed(0)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  return CORPUS_4X;
}

export function docsFor(scale: Scale): number {
  return CORPUS_DOCS_1X * scale;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await corpusFor(scaleArg()));
}
