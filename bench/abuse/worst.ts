/**
 * The catalogue of expensive queries (queries.ts), timed in-process through
 * the library of two builds in one invocation, the builds taking turns run by
 * run: median of 5 runs of each search after one warm-up pass (top 10 with
 * snippets unless the entry says otherwise), with what it answered (hits,
 * partial, refused).
 *
 *   npx tsx bench/abuse/worst.ts --base bench/out/rev-115059b/dist --base-index /tmp/fahras-rel/old-1x --index /tmp/fahras-rel/new-1x
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, OUT, arg, ensureDirs, fx, median, table } from '../common.js';
import { catalogue, commonWords, type Costly } from './queries.js';

interface Timed {
  name: string;
  ms: number;
  answer: string;
}

type Lib = typeof import('../../src/lib.js');
type Searcher = Awaited<ReturnType<Lib['openIndex']>>;

async function open(dist: string, index: string): Promise<Searcher> {
  const entry = ['lib.js', 'index.js'].map((f) => resolve(dist, f)).find((f) => existsSync(f))!;
  const lib = (await import(pathToFileURL(entry).href)) as Lib;
  return lib.openIndex(index);
}

/** One search, timed, and what it answered. */
function run(s: Searcher, c: Costly): { ms: number; answer: string } {
  const t0 = performance.now();
  let answer: string;
  try {
    const r = s.search(c.q, { mode: c.mode ?? 'any', limit: c.limit ?? 10 });
    answer = `${r.total} hits${r.partial ? ', partial' : ''}`;
  } catch (e) {
    answer = `refused: ${(e as Error).message.slice(0, 60)}…`;
  }
  return { ms: performance.now() - t0, answer };
}

/**
 * Every query on every build, the builds taking turns run by run, so that
 * the machine's load falls on them alike: the median of RUNS runs.
 */
function timeAll(builds: Searcher[], queries: Costly[]): Timed[][] {
  for (const s of builds) for (const c of queries) run(s, c); // warm-up: compile the code first
  const out: Timed[][] = builds.map(() => []);
  for (const c of queries) {
    const times: number[][] = builds.map(() => []);
    const answers: string[] = builds.map(() => '');
    for (let i = 0; i < RUNS; i++) {
      builds.forEach((s, b) => {
        const r = run(s, c);
        times[b].push(r.ms);
        answers[b] = r.answer;
      });
    }
    builds.forEach((_, b) => out[b].push({ name: c.name, ms: median(times[b]), answer: answers[b] }));
  }
  return out;
}

const RUNS = 5;

async function main(): Promise<void> {
  const index = arg('index', '/tmp/fahras-rel/new-1x')!;
  const base = arg('base');
  const baseIndex = arg('base-index');
  const queries = catalogue(await commonWords(DIST, index));
  const builds = [...(base && baseIndex ? [await open(base, baseIndex)] : []), await open(DIST, index)];
  const timed = timeAll(builds, queries);
  const now = timed[timed.length - 1];
  const before = timed.length > 1 ? timed[0] : undefined;
  const rows: string[][] = [['query', ...(before ? ['before ms', 'before answer'] : []), 'now ms', 'now answer']];
  queries.forEach((q, i) => rows.push([q.name, ...(before ? [fx(before[i].ms, 1), before[i].answer] : []), fx(now[i].ms, 1), now[i].answer]));
  console.log(`index ${index}${before ? `, baseline ${base} on ${baseIndex}` : ''}; median of ${RUNS}, builds taking turns`);
  console.log(table(rows));
  ensureDirs();
  writeFileSync(join(OUT, `worst-${index.split('/').pop()}.json`), JSON.stringify({ queries, before, now }, null, 1));
  for (const s of builds) s.close();
}

await main();
