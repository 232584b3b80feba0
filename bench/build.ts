/**
 * Build cost: `fahras index` as a child process (wall time, documents/s, peak
 * RSS, bytes on disk) against a plain MiniSearch baseline built in another
 * child process from the same input (default options, addAll in batches while
 * streaming, then JSON.stringify written to disk).
 *
 *   npm run build && npx tsx bench/build.ts [--scale 1|4] [--skip-baseline] [--cpu-prof]
 *   (--cpu-prof: profiles of every thread of the build in bench/out/prof/build-<scale>x/)
 */
import { readManifest } from '../src/index/open.js';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, MB, OUT, TMP, dirBytes, ensureDirs, flag, fx, header, indexDir, lastJson, miniSearchJson, ratio, runChild, runMeasured, scaleArg, table, type Measured, type Scale } from './common.js';
import { corpusFor } from './corpus.js';

export interface FahrasBuild {
  docs: number;
  seconds: number;
  docsPerSecond: number;
  peakRss: number;
  folderBytes: number;
  /** Sum of the files the manifest lists (the live generation). */
  indexBytes: number;
  files: Record<string, number>;
  buildSecondsReported: number;
  command: string;
}

export interface BaselineBuild {
  docs: number;
  seconds: number;
  indexSeconds: number;
  stringifySeconds: number;
  peakRss: number;
  jsonBytes: number;
  error?: string;
  command: string;
}

export async function buildFahras(scale: number, input: string, cpuProf = false): Promise<FahrasBuild> {
  const out = indexDir(scale);
  rmSync(out, { recursive: true, force: true });
  // One profile per thread (the document store compresses on a worker), named by pid and thread.
  const profDir = join(OUT, 'prof', `build-${scale}x`);
  if (cpuProf) {
    rmSync(profDir, { recursive: true, force: true });
    mkdirSync(profDir, { recursive: true });
  }
  const nodeArgs = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  const args = [...nodeArgs, CLI, 'index', '--input', input, '--out', out, '--quiet'];
  const m: Measured = await runMeasured(process.execPath, args);
  if (m.code !== 0) throw new Error(`fahras index failed (${m.code}):\n${m.stderr}`);
  const docs = Number(/indexed (\d+) documents/.exec(m.stdout)?.[1] ?? NaN);
  const { manifest } = readManifest(out);
  const files = Object.fromEntries(manifest.segments.flatMap((s) => Object.entries(s.files).map(([k, v]) => [k, v.bytes])));
  return {
    docs,
    seconds: m.seconds,
    docsPerSecond: docs / m.seconds,
    peakRss: m.peakRss,
    folderBytes: dirBytes(out),
    indexBytes: Object.values(files).reduce((a, b) => a + b, 0),
    files,
    buildSecondsReported: manifest.buildSeconds,
    command: `node ${nodeArgs.join(' ')}${nodeArgs.length ? ' ' : ''}dist/cli/main.js index --input ${input} --out ${out} --quiet`,
  };
}

export async function buildBaseline(scale: Scale, input: string): Promise<BaselineBuild> {
  const out = miniSearchJson(scale);
  rmSync(out, { force: true });
  const nodeArgs = ['--max-old-space-size=16384'];
  const m = await runChild('minisearch-build.js', { BENCH_INPUT: input, BENCH_OUT: out }, nodeArgs);
  if (m.code !== 0) {
    return { docs: NaN, seconds: m.seconds, indexSeconds: NaN, stringifySeconds: NaN, peakRss: m.peakRss, jsonBytes: NaN, error: m.stderr.trim().split('\n').slice(-3).join(' '), command: 'bench/children/minisearch-build.js' };
  }
  const r = lastJson<{ docs: number; indexSeconds: number; stringifySeconds: number; jsonBytes: number; error?: string }>(m.stdout);
  return {
    docs: r.docs,
    seconds: m.seconds,
    indexSeconds: r.indexSeconds,
    stringifySeconds: r.stringifySeconds,
    peakRss: m.peakRss,
    jsonBytes: existsSync(out) ? statSync(out).size : NaN,
    error: r.error,
    command: `node --max-old-space-size=16384 bench/children/minisearch-build.js (BENCH_INPUT=${input})`,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureDirs();
  const scale = scaleArg();
  const input = await corpusFor(scale);
  header(`Build, ${scale}× (${input})`);
  const f = await buildFahras(scale, input, flag('cpu-prof'));
  console.log(`fahras:     ${f.docs} docs in ${fx(f.seconds)} s (${fx(f.docsPerSecond, 0)} docs/s), peak RSS ${MB(f.peakRss)} MB, index ${MB(f.indexBytes)} MB`);
  const b = flag('skip-baseline') ? undefined : await buildBaseline(scale, input);
  if (b) console.log(`MiniSearch: ${b.docs} docs in ${fx(b.seconds)} s, peak RSS ${MB(b.peakRss)} MB, JSON ${MB(b.jsonBytes)} MB${b.error ? ` — ${b.error}` : ''}`);
  const rows: (string | number)[][] = [['', 'fahras', 'MiniSearch', 'fahras / MiniSearch']];
  rows.push(['build wall s', fx(f.seconds), fx(b?.seconds ?? NaN), ratio(f.seconds, b?.seconds ?? NaN)]);
  rows.push(['docs/s', fx(f.docsPerSecond, 0), fx((b?.docs ?? NaN) / (b?.seconds ?? NaN), 0), ratio(f.docsPerSecond, (b?.docs ?? NaN) / (b?.seconds ?? NaN))]);
  rows.push(['peak RSS MB', MB(f.peakRss), MB(b?.peakRss ?? NaN), ratio(f.peakRss, b?.peakRss ?? NaN)]);
  rows.push(['on disk MB', MB(f.indexBytes), MB(b?.jsonBytes ?? NaN), ratio(f.indexBytes, b?.jsonBytes ?? NaN)]);
  console.log('\n' + table(rows));
  console.log('\nfahras files (MB): ' + Object.entries(f.files).map(([k, v]) => `${k} ${MB(v)}`).join(', '));
  if (b) console.log(`MiniSearch split: index ${fx(b.indexSeconds)} s + stringify/write ${fx(b.stringifySeconds)} s`);
  // A profiled or baseline-less run does not replace the figures bench/report.ts reads.
  const outFile = join(OUT, `build-${scale}x${flag('cpu-prof') ? '-prof' : flag('skip-baseline') ? '-nobaseline' : ''}.json`);
  writeFileSync(outFile, JSON.stringify({ scale, input, tmp: TMP, fahras: f, baseline: b }, null, 1));
  console.log(`\nfahras: ${f.command}\nwrote ${outFile}`);
}
