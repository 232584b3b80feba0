/**
 * Query latency in-process, over the fixed query log (bench/querylog.ts):
 *   - fahras search, top 10 WITH snippets (what the API returns), and without;
 *   - where the time of a snippet-bearing search goes: parse+rank+facets,
 *     reading/inflating the 10 stored documents, highlighting/snippets;
 *   - fahras suggest(prefix, 10) over 1–4-letter prefixes;
 *   - baseline in the same process: plain MiniSearch (default options),
 *     `ms.search(q).slice(0, 10)` (no snippets), and `ms.autoSuggest(prefix)`.
 * Each loop warms up on the first 200 queries, then times all 1,000:
 * p50/p95/p99 per query and queries/s.
 *
 * A loop that exceeds --budget seconds (default 90) stops early and says so.
 *
 *   npx tsx bench/query.ts [--scale 1|4] [--skip-baseline] [--only search] [--budget 90]
 *   (re-runs itself with --max-old-space-size=16384 --expose-gc)
 */
import { currentName } from '../src/index/generations.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import MiniSearch from 'minisearch';
import { MB, OUT, arg, ensureDirs, ensureHeap, flag, fx, header, indexDir, loadFahras, loadSnippetLibs, miniSearchJson, percentile, ratio, scaleArg, table, type Scale } from './common.js';
import { corpusFor, records } from './corpus.js';
import { buildFahras } from './build.js';
import { QUERY_COUNT, makeQueryLog } from './querylog.js';

export const WARMUP = 200;

export interface Latency {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
  qps: number;
  /** Items timed (fewer than given when the time budget ran out). */
  n: number;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Seconds a loop may take before it stops early (a pathological baseline must not stall the run). */
export const BUDGET_S = Number(arg('budget', '90'));

/**
 * Warms up on the first `warm` items, then times every item (ms), stopping
 * early when the loop (warm-up included) has used up BUDGET_S.
 */
export function timeLoop<T>(name: string, items: T[], fn: (x: T) => unknown, warm = WARMUP): Latency {
  const start = performance.now();
  const budget = BUDGET_S * 1000;
  for (let i = 0; i < Math.min(warm, items.length) && performance.now() - start < budget / 2; i++) fn(items[i]);
  gc();
  const t: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < items.length && performance.now() - start < budget; i++) {
    const a = performance.now();
    fn(items[i]);
    t.push(performance.now() - a);
  }
  const wall = performance.now() - t0;
  const sorted = Float64Array.from(t).sort();
  const l = { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), mean: t.reduce((a, b) => a + b, 0) / t.length, max: sorted[sorted.length - 1], qps: (t.length * 1000) / wall, n: t.length };
  console.log(`  ${name}: p50 ${fx(l.p50, 3)} ms, p99 ${fx(l.p99, 3)} ms, ${fx(l.qps, 0)}/s${l.n < items.length ? ` (budget of ${BUDGET_S} s reached after ${l.n} of ${items.length})` : ''}`);
  return l;
}

type Searcher = Awaited<ReturnType<Awaited<ReturnType<typeof loadFahras>>['openIndex']>>;

async function openFahras(scale: Scale): Promise<Searcher> {
  const lib = await loadFahras();
  const dir = indexDir(scale);
  try {
    if (currentName(dir) === undefined) throw new lib.IndexError('missing');
    return await lib.openIndex(dir);
  } catch (e) {
    if (!(e instanceof lib.IndexError)) throw e;
    console.log(`(re)building the index: ${(e as Error).message}`);
    await buildFahras(scale, await corpusFor(scale));
    return lib.openIndex(dir);
  }
}

async function openMiniSearch(scale: Scale): Promise<{ ms: MiniSearch; how: string; seconds: number }> {
  const t0 = performance.now();
  const options = { fields: ['title', 'text'], storeFields: ['title'] };
  const json = miniSearchJson(scale);
  if (existsSync(json)) {
    const ms = MiniSearch.loadJSON(readFileSync(json, 'utf8'), options);
    return { ms, how: `loadJSON(${json})`, seconds: (performance.now() - t0) / 1000 };
  }
  const ms = new MiniSearch(options);
  let batch: { id: string; title: string; text: string }[] = [];
  for await (const r of records(await corpusFor(scale))) {
    batch.push({ id: r.id, title: r.title, text: r.text });
    if (batch.length === 1000) {
      ms.addAll(batch);
      batch = [];
    }
  }
  ms.addAll(batch);
  return { ms, how: 'built in process', seconds: (performance.now() - t0) / 1000 };
}

const row = (name: string, l: Latency | undefined, base?: Latency): (string | number)[] => [
  name,
  fx(l?.p50 ?? NaN, 3),
  fx(l?.p95 ?? NaN, 3),
  fx(l?.p99 ?? NaN, 3),
  fx(l?.qps ?? NaN, 0) + (l && l.n < QUERY_COUNT && !name.startsWith('  suggest') ? ` (n=${l.n})` : ''),
  base && l ? ratio(l.p50, base.p50) : '',
  base && l ? ratio(l.qps, base.qps) : '',
];

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureHeap();
  ensureDirs();
  const scale = scaleArg();
  const only = arg('only');
  const { queries, prefixes } = await makeQueryLog(scale);
  header(`Queries in process, ${scale}× (${queries.length} queries, warm-up ${WARMUP})`);
  const s = await openFahras(scale);
  const lib = await loadSnippetLibs();
  const rssFahras = process.memoryUsage().rss;
  console.log(`fahras: ${s.size} documents, RSS ${MB(rssFahras)} MB`);

  const res: Record<string, Latency | undefined> = {};
  let zero = 0;
  let totalHits = 0;
  for (const q of queries) {
    const r = s.search(q, { limit: 10, snippets: false });
    if (r.total === 0) zero++;
    totalHits += r.total;
  }
  console.log(`matches per query: mean ${fx(totalHits / queries.length, 0)}, ${zero} queries with none`);

  res.search = timeLoop('fahras search+snippets', queries, (q) => s.search(q, { limit: 10 }));
  if (!only) {
    res.rankOnly = timeLoop('fahras search no snippets', queries, (q) => s.search(q, { limit: 10, snippets: false }));
    // The snippet-bearing search in its parts, timed separately per query.
    const top = new Map(queries.map((q) => [q, s.search(q, { limit: 10, snippets: false }).hits.map((h) => h.id)]));
    const docs = new Map<string, ReturnType<Searcher['getDocument']>[]>();
    res.readDocs = timeLoop('read 10 docs', queries, (q) => docs.set(q, top.get(q)!.map((id) => s.getDocument(id))));
    // Title marks and snippets, and the HTML the API makes of them (made in the search itself until 115059b).
    res.snippets = timeLoop('snippets for 10 docs', queries, (q) => {
      const m = lib.highlight.matcherFor(s.analyzer, lib.query.parseQuery(q, s.analyzer));
      for (const d of docs.get(q)!) {
        lib.html.markedHtml(d!.title, lib.highlight.matchSpans(s.analyzer, d!.title, m));
        lib.html.snippetHtml(lib.snippet.snippet(s.analyzer, d!.text, m).snippet);
      }
    });
    docs.clear();
    res.suggest = timeLoop('fahras suggest', prefixes, (p) => s.suggest(p, 10));
    for (const len of [1, 2, 3, 4]) {
      const ps = prefixes.filter((p) => [...p].length === len);
      if (ps.length) res[`suggest${len}`] = timeLoop(`suggest ${len}-letter`, ps, (p) => s.suggest(p, 10), Math.min(WARMUP, ps.length));
    }
  }
  const rssAfter = process.memoryUsage().rss;

  let baseInfo = '';
  if (!flag('skip-baseline') && !only) {
    gc();
    const rss0 = process.memoryUsage().rss;
    const { ms, how, seconds } = await openMiniSearch(scale);
    gc();
    baseInfo = `MiniSearch ${how} in ${fx(seconds, 1)} s, +${MB(process.memoryUsage().rss - rss0)} MB RSS`;
    console.log(baseInfo);
    res.miniSearch = timeLoop('MiniSearch search', queries, (q) => ms.search(q).slice(0, 10));
    res.miniSuggest = timeLoop('MiniSearch autoSuggest', prefixes, (p) => ms.autoSuggest(p).slice(0, 10));
  }

  const b = res.miniSearch;
  const rows: (string | number)[][] = [['', 'p50 ms', 'p95 ms', 'p99 ms', 'q/s', 'p50 vs MS', 'q/s vs MS']];
  rows.push(row('fahras search top-10 + snippets', res.search, b));
  if (!only) {
    rows.push(row('fahras search top-10, no snippets', res.rankOnly, b));
    rows.push(row('  part: read+inflate 10 docs', res.readDocs));
    rows.push(row('  part: title marks + snippets ×10', res.snippets));
    rows.push(row('fahras suggest (1–4 letters)', res.suggest, res.miniSuggest));
    for (const len of [1, 2, 3, 4]) if (res[`suggest${len}`]) rows.push(row(`  suggest, ${len}-letter prefixes`, res[`suggest${len}`]));
    rows.push(row('MiniSearch search top-10 (baseline)', res.miniSearch));
    rows.push(row('MiniSearch autoSuggest (baseline)', res.miniSuggest));
  }
  console.log('\n' + table(rows));
  console.log(`\nRSS: fahras opened ${MB(rssFahras)} MB, after fahras loops ${MB(rssAfter)} MB${baseInfo ? `; ${baseInfo}` : ''}`);
  const outFile = join(OUT, `query-${scale}x${flag('skip-baseline') || only ? '-partial' : ''}.json`);
  writeFileSync(outFile, JSON.stringify({ scale, queries: queries.length, warmup: WARMUP, zeroHit: zero, meanMatches: totalHits / queries.length, rssFahras, rssAfter, results: res }, null, 1));
  console.log(`wrote ${outFile}`);
}
