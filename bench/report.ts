/**
 * Collects the JSON results the benchmarks left in bench/out/ (build, startup,
 * query, http at 1× and 4×) into one Markdown table, fahras against the
 * MiniSearch baseline, with the 4× targets and the 1× → 4× growth.
 *
 *   npx tsx bench/report.ts [--dir bench/out]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUT, arg, fx, table } from './common.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function load(dir: string, name: string): Json | undefined {
  const p = join(dir, name);
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as Json) : undefined;
}

interface Metric {
  name: string;
  unit: string;
  fahras: (s: Scale) => number;
  base?: (s: Scale) => number;
  target?: string;
  digits?: number;
}
type Scale = { build?: Json; startup?: Json; query?: Json; http?: Json };

const mb = (b: number): number => b / 1048576;
const run = (h: Json | undefined, server: string, conns: number): Json | undefined =>
  (h?.servers as Json[] | undefined)?.find((s) => String(s.name).startsWith(server))?.runs?.find((r: Json) => r.connections === conns);
const server = (h: Json | undefined, name: string): Json | undefined => (h?.servers as Json[] | undefined)?.find((s) => String(s.name).startsWith(name));

const METRICS: Metric[] = [
  { name: 'build wall', unit: 's', fahras: (s) => s.build?.fahras?.seconds, base: (s) => s.build?.baseline?.seconds, target: '≤ 90', digits: 1 },
  { name: 'build throughput', unit: 'docs/s', fahras: (s) => s.build?.fahras?.docsPerSecond, base: (s) => s.build?.baseline?.docs / s.build?.baseline?.seconds, digits: 0 },
  { name: 'build peak RSS', unit: 'MB', fahras: (s) => mb(s.build?.fahras?.peakRss), base: (s) => mb(s.build?.baseline?.peakRss), target: '≤ 2048', digits: 0 },
  { name: 'index on disk', unit: 'MB', fahras: (s) => mb(s.build?.fahras?.indexBytes), base: (s) => mb(s.build?.baseline?.jsonBytes), target: '≤ 250', digits: 1 },
  { name: 'cold start: spawn → /ready', unit: 's', fahras: (s) => s.startup?.serve?.seconds, target: '≤ 3', digits: 2 },
  { name: 'cold start: fresh node → opened (in-process)', unit: 's', fahras: (s) => s.startup?.fahrasOpen?.readyS, base: (s) => s.startup?.miniSearchLoad?.readyS, digits: 2 },
  { name: 'RSS after load (serve at /ready+1 s; baseline: after loadJSON)', unit: 'MB', fahras: (s) => mb(s.startup?.serve?.rssSettled), base: (s) => mb(s.startup?.miniSearchLoad?.rss), digits: 0 },
  { name: 'query top-10 + snippets p50', unit: 'ms', fahras: (s) => s.query?.results?.search?.p50, base: (s) => s.query?.results?.miniSearch?.p50, target: '≤ 2', digits: 2 },
  { name: 'query top-10 + snippets p95', unit: 'ms', fahras: (s) => s.query?.results?.search?.p95, base: (s) => s.query?.results?.miniSearch?.p95, digits: 2 },
  { name: 'query top-10 + snippets p99', unit: 'ms', fahras: (s) => s.query?.results?.search?.p99, base: (s) => s.query?.results?.miniSearch?.p99, target: '≤ 20', digits: 2 },
  { name: 'query top-10 + snippets', unit: 'q/s', fahras: (s) => s.query?.results?.search?.qps, base: (s) => s.query?.results?.miniSearch?.qps, digits: 0 },
  { name: 'query top-10 no snippets p50', unit: 'ms', fahras: (s) => s.query?.results?.rankOnly?.p50, digits: 3 },
  { name: 'query top-10 no snippets p99', unit: 'ms', fahras: (s) => s.query?.results?.rankOnly?.p99, digits: 2 },
  { name: 'suggest p50 (baseline: MiniSearch autoSuggest)', unit: 'ms', fahras: (s) => s.query?.results?.suggest?.p50, base: (s) => s.query?.results?.miniSuggest?.p50, digits: 2 },
  { name: 'suggest p99 (baseline: MiniSearch autoSuggest)', unit: 'ms', fahras: (s) => s.query?.results?.suggest?.p99, base: (s) => s.query?.results?.miniSuggest?.p99, digits: 2 },
  { name: 'HTTP @10 conns', unit: 'req/s', fahras: (s) => run(s.http, 'fahras', 10)?.rps, base: (s) => run(s.http, 'MiniSearch', 10)?.rps, digits: 0 },
  { name: 'HTTP @10 conns p50', unit: 'ms', fahras: (s) => run(s.http, 'fahras', 10)?.p50, base: (s) => run(s.http, 'MiniSearch', 10)?.p50, digits: 0 },
  { name: 'HTTP @10 conns p99', unit: 'ms', fahras: (s) => run(s.http, 'fahras', 10)?.p99, base: (s) => run(s.http, 'MiniSearch', 10)?.p99, digits: 0 },
  { name: 'HTTP @50 conns', unit: 'req/s', fahras: (s) => run(s.http, 'fahras', 50)?.rps, base: (s) => run(s.http, 'MiniSearch', 50)?.rps, target: '≥ 1000', digits: 0 },
  { name: 'HTTP @50 conns p50', unit: 'ms', fahras: (s) => run(s.http, 'fahras', 50)?.p50, base: (s) => run(s.http, 'MiniSearch', 50)?.p50, digits: 0 },
  { name: 'HTTP @50 conns p99', unit: 'ms', fahras: (s) => run(s.http, 'fahras', 50)?.p99, base: (s) => run(s.http, 'MiniSearch', 50)?.p99, target: '≤ 50', digits: 0 },
  { name: 'HTTP errors + timeouts + non-2xx (both runs)', unit: '', fahras: (s) => errs(run(s.http, 'fahras', 10)) + errs(run(s.http, 'fahras', 50)), base: (s) => errs(run(s.http, 'MiniSearch', 10)) + errs(run(s.http, 'MiniSearch', 50)), target: '0', digits: 0 },
  { name: 'HTTP server RSS before load', unit: 'MB', fahras: (s) => mb(server(s.http, 'fahras')?.rssStart), base: (s) => mb(server(s.http, 'MiniSearch')?.rssStart), digits: 0 },
  { name: 'HTTP server RSS after both runs', unit: 'MB', fahras: (s) => mb(server(s.http, 'fahras')?.rssEnd), base: (s) => mb(server(s.http, 'MiniSearch')?.rssEnd), digits: 0 },
  { name: 'HTTP ceiling: node:http constant JSON @50', unit: 'req/s', fahras: (s) => run(s.http, 'node:http', 50)?.rps, digits: 0 },
];

function errs(r: Json | undefined): number {
  return r ? r.errors + r.timeouts + r.non2xx : NaN;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = arg('dir', OUT)!;
  // bench/startup.ts wrote load-<s>x.json while it was called bench/load.ts.
  const startup = (s: number) => load(dir, `startup-${s}x.json`) ?? load(dir, `load-${s}x.json`);
  const s1: Scale = { build: load(dir, 'build-1x.json'), startup: startup(1), query: load(dir, 'query-1x.json'), http: load(dir, 'http-1x.json') };
  const s4: Scale = { build: load(dir, 'build-4x.json'), startup: startup(4), query: load(dir, 'query-4x.json'), http: load(dir, 'http-4x.json') };
  const v = (f: ((s: Scale) => number) | undefined, s: Scale, d = 2): string => {
    if (!f) return '';
    const x = Number(f(s));
    return Number.isFinite(x) ? fx(x, d) : 'n/a';
  };
  const growth = (f: (s: Scale) => number): string => {
    const a = Number(f(s1));
    const b = Number(f(s4));
    return Number.isFinite(a) && Number.isFinite(b) && a !== 0 ? `${fx(b / a, 2)}×` : '';
  };
  const rows: string[][] = [['metric', 'unit', 'fahras 1×', 'MiniSearch 1×', 'fahras 4×', 'MiniSearch 4×', 'fahras 1×→4×', 'target (4×)']];
  for (const m of METRICS) rows.push([m.name, m.unit, v(m.fahras, s1, m.digits), v(m.base, s1, m.digits), v(m.fahras, s4, m.digits), v(m.base, s4, m.digits), growth(m.fahras), m.target ?? '']);
  console.log(table(rows));
}
