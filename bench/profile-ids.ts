/**
 * The ids-only query loop alone, for `node --cpu-prof`: opens the index of
 * `--scale` with the compiled library (dist/, or FAHRAS_BENCH_DIST) and runs
 * the fixed query log (bench/querylog.ts) `--rounds` times, top 10 without
 * snippets, after a warm-up round; prints the mean per query.
 *
 *   node --cpu-prof --cpu-prof-dir=bench/out/prof/ids --import tsx bench/profile-ids.ts --scale 4 --rounds 5
 *   npx tsx bench/profile-summary.ts bench/out/prof/ids/<file>.cpuprofile --top 30
 */
import { arg, indexDir, loadFahras, scaleArg } from './common.js';
import { makeQueryLog } from './querylog.js';

const scale = scaleArg();
const rounds = Number(arg('rounds', '5'));
const { queries } = await makeQueryLog(scale);
const searcher = await (await loadFahras()).openIndex(indexDir(scale));
for (const q of queries) searcher.search(q, { limit: 10, snippets: false });
const t0 = performance.now();
for (let r = 0; r < rounds; r++) for (const q of queries) searcher.search(q, { limit: 10, snippets: false });
console.log(`${rounds} × ${queries.length} queries, ids only: ${((performance.now() - t0) / (rounds * queries.length)).toFixed(3)} ms a query on average`);
