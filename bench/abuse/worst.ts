/**
 * The catalogue of expensive queries (queries.ts), timed in-process through
 * the library of two builds in one invocation: median of 3 runs of each
 * search after one warm-up pass (top 10 with snippets unless the entry says otherwise), with what it
 * answered (hits, partial, refused).
 *
 *   npx tsx bench/abuse/worst.ts --base bench/out/rev-115059b/dist --base-index /tmp/fahras-rel/old-1x --index /tmp/fahras-rel/new-1x
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, OUT, arg, ensureDirs, fx, median, table } from '../common.js';
import { catalogue, commonWords, type Costly } from './queries.js';

interface Timed {
  name: string;
  ms: number;
  answer: string;
}

async function timeAll(dist: string, index: string, queries: Costly[]): Promise<Timed[]> {
  const entry = ['lib.js', 'index.js'].map((f) => join(dist, f));
  const { existsSync } = await import('node:fs');
  const lib = (await import(pathToFileURL(resolve(entry.find((f) => existsSync(f))!)).href)) as typeof import('../../src/lib.js');
  const s = await lib.openIndex(index);
  // One pass first, so that the timed runs do not pay for compiling the code.
  for (const c of queries) {
    try {
      s.search(c.q, { mode: c.mode ?? 'any', limit: c.limit ?? 10 });
    } catch {
      // timed below
    }
  }
  const out: Timed[] = [];
  for (const c of queries) {
    const times: number[] = [];
    let answer = '';
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      try {
        const r = s.search(c.q, { mode: c.mode ?? 'any', limit: c.limit ?? 10 });
        answer = `${r.total} hits${r.partial ? ', partial' : ''}`;
      } catch (e) {
        answer = `refused: ${(e as Error).message.slice(0, 60)}…`;
      }
      times.push(performance.now() - t0);
    }
    out.push({ name: c.name, ms: median(times), answer });
  }
  s.close();
  return out;
}

async function main(): Promise<void> {
  const index = arg('index', '/tmp/fahras-rel/new-1x')!;
  const base = arg('base');
  const baseIndex = arg('base-index');
  const queries = catalogue(await commonWords(DIST, index));
  const now = await timeAll(DIST, index, queries);
  const before = base && baseIndex ? await timeAll(base, baseIndex, queries) : undefined;
  const rows: string[][] = [['query', ...(before ? ['before ms', 'before answer'] : []), 'now ms', 'now answer']];
  queries.forEach((q, i) => rows.push([q.name, ...(before ? [fx(before[i].ms, 1), before[i].answer] : []), fx(now[i].ms, 1), now[i].answer]));
  console.log(`index ${index}${before ? `, baseline ${base} on ${baseIndex}` : ''}`);
  console.log(table(rows));
  ensureDirs();
  writeFileSync(join(OUT, `worst-${index.split('/').pop()}.json`), JSON.stringify({ queries, before, now }, null, 1));
}

await main();
