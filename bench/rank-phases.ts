/**
 * Where the ids-only search of two builds spends its time, phase by phase:
 * each build's `Ranker` methods (rank, plan, accumulate, collect) are timed
 * by wrapping them, over the fixed query log (bench/querylog.ts), the builds
 * taking turns round by round after two warm-up passes. Prints microseconds
 * a query per phase and the ratio of the second build to the first.
 *
 *   node --expose-gc --import tsx bench/rank-phases.ts --scale 4 --base <dist> [--new dist] [--rounds 6]
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, arg, indexDir, scaleArg } from './common.js';
import { makeQueryLog } from './querylog.js';

const PHASES = ['rank', 'plan', 'accumulate', 'collect'];
type Method = (this: unknown, ...args: unknown[]) => unknown;

const scale = scaleArg();
const rounds = Number(arg('rounds', '6'));
const baseDist = arg('base');
if (!baseDist) throw new Error('--base <dist> is required');
const { queries } = await makeQueryLog(scale);

async function load(dist: string) {
  const at = (path: string) => pathToFileURL(join(resolve(dist), path)).href;
  const lib = (await import(at('lib.js'))) as typeof import('../src/lib.js');
  const { Ranker } = (await import(at('search/rank.js'))) as typeof import('../src/search/rank.js');
  const searcher = await lib.openIndex(indexDir(scale));
  const ms: Record<string, number> = { search: 0 };
  const proto = Ranker.prototype as unknown as Record<string, Method>;
  for (const name of PHASES) {
    ms[name] = 0;
    const method = proto[name];
    proto[name] = function (this: unknown, ...args: unknown[]) {
      const t0 = performance.now();
      try {
        return method.apply(this, args);
      } finally {
        ms[name] += performance.now() - t0;
      }
    };
  }
  return { searcher, ms };
}

const builds = [await load(baseDist), await load(arg('new', DIST)!)];
for (const b of builds) for (let i = 0; i < 2; i++) for (const q of queries) b.searcher.search(q, { limit: 10, snippets: false });
for (const b of builds) for (const k in b.ms) b.ms[k] = 0;
for (let r = 0; r < rounds; r++) {
  for (const b of r % 2 ? [...builds].reverse() : builds) {
    (globalThis as { gc?: () => void }).gc?.();
    for (const q of queries) {
      const t0 = performance.now();
      b.searcher.search(q, { limit: 10, snippets: false });
      b.ms.search += performance.now() - t0;
    }
  }
}
console.log('phase        base µs   new µs   new/base');
for (const k of ['search', ...PHASES]) {
  const [a, b] = builds.map((x) => (x.ms[k] / (rounds * queries.length)) * 1000);
  console.log(`${k.padEnd(12)} ${a.toFixed(1).padStart(7)} ${b.toFixed(1).padStart(8)}   ${(b / a).toFixed(3)}`);
}
