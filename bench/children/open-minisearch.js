// @ts-check
// Cold start of the MiniSearch baseline in a fresh node: import it, loadJSON
// (BENCH_JSON), run the first query (BENCH_QUERY). Times are from process start.
import { readFileSync } from 'node:fs';

const t0 = performance.now();
const { default: MiniSearch } = await import('minisearch');
const t1 = performance.now();
const ms = MiniSearch.loadJSON(readFileSync(process.env.BENCH_JSON ?? '', 'utf8'), { fields: ['title', 'text'], storeFields: ['title'] });
const t2 = performance.now();
const rssOpen = process.memoryUsage().rss;
const r = ms.search(process.env.BENCH_QUERY ?? '').slice(0, 10);
const t3 = performance.now();
console.log(
  JSON.stringify({ boot: t0 / 1000, importS: (t1 - t0) / 1000, openS: (t2 - t1) / 1000, readyS: t2 / 1000, firstQueryS: (t3 - t2) / 1000, rss: rssOpen, rssAfterQuery: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed, hits: r.length }),
);
