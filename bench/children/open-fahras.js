// @ts-check
// Cold start of the library in a fresh node: import the compiled entry
// (BENCH_DIST, a file URL), open the index (BENCH_DIR), run the first query
// (BENCH_QUERY). Times are from process start; prints them with the RSS.
const t0 = performance.now();
/** @type {typeof import('../../src/lib.js')} */
const { openIndex } = await import(process.env.BENCH_DIST ?? '');
const t1 = performance.now();
const s = await openIndex(process.env.BENCH_DIR ?? '');
const t2 = performance.now();
const rssOpen = process.memoryUsage().rss;
const r = s.search(process.env.BENCH_QUERY ?? '', { limit: 10 });
const t3 = performance.now();
console.log(
  JSON.stringify({ boot: t0 / 1000, importS: (t1 - t0) / 1000, openS: (t2 - t1) / 1000, readyS: t2 / 1000, firstQueryS: (t3 - t2) / 1000, rss: rssOpen, rssAfterQuery: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed, hits: r.total }),
);
