/**
 * Build cost: `fahras index` as a child process (wall time, CPU time,
 * documents/s, peak RSS, bytes on disk) against a baseline built in another
 * child process from the same input, in the same invocation: plain MiniSearch
 * (default options, addAll in batches while streaming, then JSON.stringify
 * written to disk) or SQLite FTS5 (C, unicode61, positions, one transaction,
 * then 'optimize'; bench/children/sqlite-fts5-build.js).
 *
 *   npm run build && npx tsx bench/build.ts [--scale 1|4|16] [--baseline minisearch|fts5|none] [--threads N[,M…]] [--reference-cli PATH[,PATH…]] [--runs N] [--cpu-prof]
 *   (--threads 0,1: one fahras build per thread count in every run; --reference-cli
 *   another checkout's compiled dist/cli/main.js, built beside this one as 'reference';
 *   several, comma-separated, each labelled by the folder holding its dist/)
 *   (--skip-baseline = --baseline none; --runs N alternates fahras and the
 *   baseline N times and reports each pair and the medians; --cpu-prof:
 *   profiles of every thread of the build in bench/out/prof/build-<scale>x/)
 */
import { readManifest } from '../src/index/open.js';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, MB, OUT, TMP, arg, dirBytes, ensureDirs, flag, fx, header, indexDir, lastJson, median, miniSearchJson, runChild, runMeasured, scaleArg, table, type Measured, type Scale } from './common.js';
import { corpusFor } from './corpus.js';

export interface FahrasBuild {
  docs: number;
  seconds: number;
  /** User + system CPU seconds of the whole process (every thread). */
  cpuSeconds: number;
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
  cpuSeconds: number;
  indexSeconds: number;
  stringifySeconds: number;
  peakRss: number;
  jsonBytes: number;
  error?: string;
  command: string;
}

export async function buildFahras(scale: number, input: string, cpuProf = false, threads?: number, cli = CLI): Promise<FahrasBuild> {
  const out = indexDir(scale);
  rmSync(out, { recursive: true, force: true });
  // One profile per thread (the document store compresses on a worker), named by pid and thread.
  const profDir = join(OUT, 'prof', `build-${scale}x`);
  if (cpuProf) {
    rmSync(profDir, { recursive: true, force: true });
    mkdirSync(profDir, { recursive: true });
  }
  const nodeArgs = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  const threadArgs = threads === undefined ? [] : ['--threads', String(threads)];
  const args = [...nodeArgs, cli, 'index', '--input', input, '--out', out, '--quiet', ...threadArgs];
  const m: Measured = await runMeasured(process.execPath, args);
  if (m.code !== 0) throw new Error(`fahras index failed (${m.code}):\n${m.stderr}`);
  const docs = Number(/indexed (\d+) documents/.exec(m.stdout)?.[1] ?? NaN);
  const { manifest } = readManifest(out);
  const files = Object.fromEntries(manifest.segments.flatMap((s) => Object.entries(s.files).map(([k, v]) => [k, v.bytes])));
  return {
    docs,
    seconds: m.seconds,
    cpuSeconds: m.cpuSeconds,
    docsPerSecond: docs / m.seconds,
    peakRss: m.peakRss,
    folderBytes: dirBytes(out),
    indexBytes: Object.values(files).reduce((a, b) => a + b, 0),
    files,
    buildSecondsReported: manifest.buildSeconds,
    command: `node ${nodeArgs.join(' ')}${nodeArgs.length ? ' ' : ''}${cli === CLI ? 'dist/cli/main.js' : cli} index --input ${input} --out ${out} --quiet${threadArgs.length ? ` ${threadArgs.join(' ')}` : ''}`,
  };
}

export async function buildBaseline(scale: Scale, input: string): Promise<BaselineBuild> {
  const out = miniSearchJson(scale);
  rmSync(out, { force: true });
  const nodeArgs = ['--max-old-space-size=16384'];
  const m = await runChild('minisearch-build.js', { BENCH_INPUT: input, BENCH_OUT: out }, nodeArgs);
  if (m.code !== 0) {
    return { docs: NaN, seconds: m.seconds, cpuSeconds: m.cpuSeconds, indexSeconds: NaN, stringifySeconds: NaN, peakRss: m.peakRss, jsonBytes: NaN, error: m.stderr.trim().split('\n').slice(-3).join(' '), command: 'bench/children/minisearch-build.js' };
  }
  const r = lastJson<{ docs: number; indexSeconds: number; stringifySeconds: number; jsonBytes: number; error?: string }>(m.stdout);
  return {
    docs: r.docs,
    seconds: m.seconds,
    cpuSeconds: m.cpuSeconds,
    indexSeconds: r.indexSeconds,
    stringifySeconds: r.stringifySeconds,
    peakRss: m.peakRss,
    jsonBytes: existsSync(out) ? statSync(out).size : NaN,
    error: r.error,
    command: `node --max-old-space-size=16384 bench/children/minisearch-build.js (BENCH_INPUT=${input})`,
  };
}

export interface Fts5Build {
  docs: number;
  seconds: number;
  cpuSeconds: number;
  insertSeconds: number;
  optimizeSeconds: number;
  peakRss: number;
  bytes: number;
  command: string;
}

/** SQLite FTS5 over the same input, in a child process (bench/children/sqlite-fts5-build.js). */
export async function buildFts5(scale: Scale, input: string): Promise<Fts5Build> {
  const out = join(TMP, `fts5-${scale}x.db`);
  const m = await runChild('sqlite-fts5-build.js', { BENCH_INPUT: input, BENCH_OUT: out });
  if (m.code !== 0) throw new Error(`the SQLite FTS5 build failed (${m.code}):\n${m.stderr}`);
  const r = lastJson<{ docs: number; insertSeconds: number; optimizeSeconds: number; bytes: number }>(m.stdout);
  rmSync(out, { force: true });
  return { ...r, seconds: m.seconds, cpuSeconds: m.cpuSeconds, peakRss: m.peakRss, command: `node bench/children/sqlite-fts5-build.js (BENCH_INPUT=${input})` };
}

/** One fahras build of a run: a thread count of this build, or the compiled CLI of another checkout (--reference-cli). */
interface Variant {
  label: string;
  threads?: number;
  cli: string;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureDirs();
  const scale = scaleArg();
  const input = await corpusFor(scale);
  const baseline = flag('skip-baseline') ? 'none' : (arg('baseline', 'minisearch') as 'minisearch' | 'fts5' | 'none');
  // --threads 0,1: one fahras build per count, each run ('default': the build's own choice).
  const threadList = (arg('threads') ?? 'default').split(',').map((t) => (t === 'default' ? undefined : Number(t)));
  const variants: Variant[] = threadList.map((t) => ({ label: t === undefined ? 'fahras' : `fahras --threads ${t}`, threads: t, cli: CLI }));
  // --reference-cli <dist/cli/main.js of another checkout>[,<another>…]: builds before a change, measured beside it,
  // each labelled by the folder above its dist/ (bench/out/rev-<commit>/dist/cli/main.js: rev-<commit>).
  const reference = arg('reference-cli');
  const references = reference ? reference.split(',') : [];
  const referenceLabel = (cli: string) => (references.length === 1 ? 'reference' : (/([^/]+)\/dist\/cli\/main\.js$/.exec(cli)?.[1] ?? cli));
  variants.unshift(...references.map((cli) => ({ label: referenceLabel(cli), cli })));
  const runs = Number(arg('runs', '1'));
  header(`Build, ${scale}× (${input}), baseline ${baseline}, ${variants.map((v) => v.label).join(' / ')}${reference ? ` (reference: ${reference})` : ''}, ${runs} run(s)`);
  const pairs: { fs: FahrasBuild[]; b?: BaselineBuild | Fts5Build }[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternating, so all see the same load of the machine; the order turns round every run.
    const order = i % 2 === 1 ? [...variants.keys()].reverse() : [...variants.keys()];
    let b: BaselineBuild | Fts5Build | undefined;
    const runBaseline = async () => (baseline === 'fts5' ? await buildFts5(scale, input) : baseline === 'minisearch' ? await buildBaseline(scale, input) : undefined);
    if (i % 2 === 1) b = await runBaseline();
    const fs: FahrasBuild[] = [];
    for (const v of order) fs[v] = await buildFahras(scale, input, flag('cpu-prof'), variants[v].threads, variants[v].cli);
    if (i % 2 === 0) b = await runBaseline();
    pairs.push({ fs, b });
    const each = fs.map((f, v) => `${variants[v].label} ${fx(f.seconds)} s (CPU ${fx(f.cpuSeconds)} s, peak RSS ${MB(f.peakRss)} MB, index ${MB(f.indexBytes)} MB)`).join(' | ');
    console.log(`run ${i + 1}: ${each}` + (b ? ` | ${baseline} ${fx(b.seconds)} s (CPU ${fx(b.cpuSeconds)} s, peak RSS ${MB(b.peakRss)} MB)` : ''));
  }
  const med = (xs: number[]) => median(xs);
  const bSec = med(pairs.map((p) => p.b?.seconds ?? NaN));
  const bBytes = (b: BaselineBuild | Fts5Build | undefined) => (b ? ('bytes' in b ? b.bytes : b.jsonBytes) : NaN);
  const rows: (string | number)[][] = [['', ...variants.map((v) => v.label), baseline]];
  const row = (name: string, of: (f: FahrasBuild[], v: number) => string, base: string) => rows.push([name, ...variants.map((_, v) => of(pairs[0].fs, v)), base]);
  row('build wall s (median)', (_, v) => fx(med(pairs.map((p) => p.fs[v].seconds))), fx(bSec));
  row(`build wall / ${baseline}, per run (median)`, (_, v) => `${fx(med(pairs.map((p) => p.fs[v].seconds / (p.b?.seconds ?? NaN))))}×`, '1×');
  row('CPU s, all threads (median)', (_, v) => fx(med(pairs.map((p) => p.fs[v].cpuSeconds))), fx(med(pairs.map((p) => p.b?.cpuSeconds ?? NaN))));
  row('docs/s', (f, v) => fx(f[v].docs / med(pairs.map((p) => p.fs[v].seconds)), 0), fx((pairs[0].b?.docs ?? NaN) / bSec, 0));
  row('peak RSS MB (max)', (_, v) => MB(Math.max(...pairs.map((p) => p.fs[v].peakRss))), MB(Math.max(...pairs.map((p) => p.b?.peakRss ?? NaN))));
  row('on disk MB', (f, v) => MB(f[v].indexBytes), MB(bBytes(pairs[0].b)));
  console.log('\n' + table(rows));
  for (const [v, f] of pairs[0].fs.entries()) console.log(`\n${variants[v].label} files (MB): ${Object.entries(f.files).map(([k, b]) => `${k} ${MB(b)}`).join(', ')} (${(f.indexBytes / 1e6).toFixed(1)} MB decimal)`);
  // A profiled, baseline-less or other-baseline run does not replace the figures bench/report.ts reads.
  const suffix = flag('cpu-prof') ? '-prof' : baseline === 'none' ? '-nobaseline' : baseline === 'fts5' ? '-fts5' : '';
  const outFile = join(OUT, `build-${scale}x${suffix}.json`);
  // The figures bench/report.ts reads: this build's first variant.
  const mine = variants.findIndex((v) => v.cli === CLI);
  writeFileSync(outFile, JSON.stringify({ scale, input, tmp: TMP, fahras: pairs[0].fs[mine], baseline: pairs[0].b, variants: variants.map((v) => v.label), runs: pairs }, null, 1));
  console.log(`\n${variants.map((v, i) => `${v.label}: ${pairs[0].fs[i].command}`).join('\n')}\nwrote ${outFile}`);
}
