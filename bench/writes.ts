/**
 * Live updates at 4× (124k articles), every figure beside its baseline from
 * the same invocation:
 *
 *   1. a full rebuild of the 4× corpus (`fahras index`, the baseline) against
 *      updating 1,000 of its articles in place (`fahras index --update`):
 *      wall time and peak RSS of each child;
 *   2. 29 more commits of 100 articles each (`--batch 100`, merging off), so
 *      that 30 unmerged segments sit beside the base one: the cost per commit;
 *   3. `fahras compact` of that index (the cost of a compaction, peak RSS);
 *   4. query latency over the fixed log, in this process, on the 31-segment
 *      index against the compacted one (the same documents; queries
 *      alternate between the two): top 10 with snippets and ranking alone,
 *      p50/p95/p99, and a check that both give the same ids and scores;
 *   5. merges by the policy (factor 10) of the 30 small segments, in this
 *      process: time and documents per merge.
 *
 *   npm run build && npx tsx bench/writes.ts [--updates 1000] [--skip-rebuild] [--queries-only]
 *   (--skip-rebuild reuses the base index of an earlier run; the rebuild row is then empty;
 *   --queries-only measures steps 4–5 on the indexes an earlier run left)
 */
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI, DIST, MB, OUT, TMP, arg, ensureDirs, flag, fx, header, loadFahras, percentile, procStatus, ratio, runMeasured, table, type Measured } from './common.js';
import { corpusFor, records, type CorpusRecord } from './corpus.js';
import { makeQueryLog } from './querylog.js';

export const WRITES_DIR = join(TMP, 'writes');
/** The 4× index this benchmark builds (and the mixed-load benchmark copies). */
export const BASE_INDEX = join(WRITES_DIR, 'base');

const SMALL_COMMITS = 29;
const SMALL_BATCH = 100;
const WARMUP = 200;

/** The first indexable record of the 4× corpus at or after each position (sorted), changed so that an update really changes it. */
async function pick(input: string, positions: number[], note: string): Promise<CorpusRecord[]> {
  const out: CorpusRecord[] = [];
  let i = 0;
  for await (const r of records(input)) {
    if (i++ >= positions[out.length] && typeof r.text === 'string' && r.text.trim()) out.push({ ...r, text: `${r.text}\n${note}` });
    if (out.length === positions.length) break;
  }
  return out;
}

function jsonl(file: string, recs: CorpusRecord[]): string {
  writeFileSync(file, recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

function fresh(from: string, to: string): string {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
  return to;
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<Measured> {
  const m = await runMeasured(process.execPath, [CLI, ...args], { env: { ...process.env, FAHRAS_LOG_LEVEL: 'silent', ...env } });
  if (m.code !== 0) throw new Error(`fahras ${args.join(' ')} failed (${m.code}):\n${m.stderr}`);
  return m;
}

interface Lat {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

function lat(xs: number[]): Lat {
  const s = Float64Array.from(xs).sort();
  return { p50: percentile(s, 0.5), p95: percentile(s, 0.95), p99: percentile(s, 0.99), mean: xs.reduce((a, b) => a + b, 0) / xs.length };
}

/** The base 4× index, built (and timed) unless it is there and --skip-rebuild is given. */
export async function ensureBaseIndex(rebuild: boolean): Promise<Measured | undefined> {
  mkdirSync(WRITES_DIR, { recursive: true });
  if (!rebuild && existsSync(join(BASE_INDEX, 'CURRENT'))) return undefined;
  const input = await corpusFor(4);
  rmSync(BASE_INDEX, { recursive: true, force: true });
  return cli(['index', '--input', input, '--out', BASE_INDEX, '--quiet']);
}

/** Steps 1–3: the rebuild, the update in place, the small commits, the compaction; the two indexes the queries compare. */
async function writeIndexes(input: string, updates: number, live: string, compacted: string) {
  // 1. Rebuild against update in place.
  const rebuild = await ensureBaseIndex(!flag('skip-rebuild'));
  if (rebuild) console.log(`full rebuild: ${fx(rebuild.seconds)} s, peak RSS ${MB(rebuild.peakRss)} MB (${rebuild.stdout.trim()})`);
  const total = 124_120;
  const spread = (n: number, offset: number) => Array.from({ length: n }, (_, i) => Math.floor(((i + offset) * total) / n) % total).sort((a, b) => a - b);
  const updated = jsonl(join(WRITES_DIR, `update-${updates}.jsonl`), await pick(input, spread(updates, 0.5), '(تحديث)'));
  fresh(BASE_INDEX, live);
  const update = await cli(['index', '--update', '--input', updated, '--out', live, '--quiet'], { FAHRAS_MERGE_FACTOR: '0' });
  console.log(`update of ${updates} articles in place: ${fx(update.seconds)} s, peak RSS ${MB(update.peakRss)} MB (${update.stdout.trim()})`);
  if (rebuild) console.log(`  rebuild / update: ${ratio(rebuild.seconds, update.seconds)} (target ≥ 10×)`);

  // 2. 29 commits of 100: 30 unmerged segments beside the base.
  const more = jsonl(join(WRITES_DIR, 'small-commits.jsonl'), await pick(input, spread(SMALL_COMMITS * SMALL_BATCH, 0.25), '(تصحيح)'));
  const small = await cli(['index', '--update', '--batch', String(SMALL_BATCH), '--input', more, '--out', live, '--quiet'], { FAHRAS_MERGE_FACTOR: '0' });
  console.log(`${SMALL_COMMITS} commits of ${SMALL_BATCH}: ${fx(small.seconds)} s (${fx((small.seconds / SMALL_COMMITS) * 1000, 0)} ms a commit with the process start), peak RSS ${MB(small.peakRss)} MB (${small.stdout.trim()})`);

  // 3. Compaction of that index.
  fresh(live, compacted);
  const compact = await cli(['compact', '--index', compacted]);
  console.log(`compaction: ${fx(compact.seconds)} s, peak RSS ${MB(compact.peakRss)} MB (${compact.stdout.trim()})`);

  return { rebuild, update, small, compact };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureDirs();
  const updates = Number(arg('updates', '1000'));
  const input = await corpusFor(4);
  header(`Live updates, 4× (${input})`);

  const queriesOnly = flag('queries-only');
  const live = join(WRITES_DIR, 'live');
  const compacted = join(WRITES_DIR, 'compacted');
  let rebuild: Measured | undefined;
  let update: Measured | undefined;
  let small: Measured | undefined;
  let compact: Measured | undefined;
  if (!queriesOnly) ({ rebuild, update, small, compact } = await writeIndexes(input, updates, live, compacted));

  // 4. Queries: 31 segments against 1, alternating.
  const lib = await loadFahras();
  const { queries } = await makeQueryLog(4);
  const rssBefore = procStatus(process.pid).rss;
  const many = await lib.openIndex(live);
  const rssMany = procStatus(process.pid).rss;
  const one = await lib.openIndex(compacted);
  const rssOne = procStatus(process.pid).rss;
  console.log(`opened: ${many.index.segments.length} segments (${many.index.manifest.deleted} deleted awaiting a merge) and ${one.index.segments.length}; RSS +${MB(rssMany - rssBefore)} MB and +${MB(rssOne - rssMany)} MB`);
  const times = { many: { full: [] as number[], rank: [] as number[] }, one: { full: [] as number[], rank: [] as number[] } };
  let differ = 0;
  for (let i = 0; i < WARMUP; i++) for (const s of [many, one]) s.search(queries[i], { limit: 10 });
  for (let i = 0; i < queries.length; i++) {
    const q = queries[i];
    const order = i % 2 ? (['one', 'many'] as const) : (['many', 'one'] as const);
    const hits: Record<string, string> = {};
    for (const which of order) {
      const s = which === 'many' ? many : one;
      let t = performance.now();
      const r = s.search(q, { limit: 10 });
      times[which].full.push(performance.now() - t);
      t = performance.now();
      s.search(q, { limit: 10, snippets: false });
      times[which].rank.push(performance.now() - t);
      hits[which] = JSON.stringify([r.total, r.hits.map((h) => [h.id, h.score.toFixed(9)])]);
    }
    if (hits.many !== hits.one) differ++;
  }
  const q = { many: { full: lat(times.many.full), rank: lat(times.many.rank) }, one: { full: lat(times.one.full), rank: lat(times.one.rank) } };
  const rows: (string | number)[][] = [['query', 'index', 'p50 ms', 'p95 ms', 'p99 ms', 'mean ms']];
  for (const kind of ['full', 'rank'] as const) {
    for (const which of ['one', 'many'] as const) {
      const l = q[which][kind];
      rows.push([kind === 'full' ? 'top 10 with snippets' : 'ranking alone', which === 'one' ? 'compacted (1 segment)' : `${many.index.segments.length} segments`, fx(l.p50, 2), fx(l.p95, 2), fx(l.p99, 2), fx(l.mean, 2)]);
    }
  }
  console.log('\n' + table(rows));
  console.log(`31 segments / compacted: p50 ${ratio(q.many.full.p50, q.one.full.p50)}, p99 ${ratio(q.many.full.p99, q.one.full.p99)} (target ≤ 1.3×); ranking alone p50 ${ratio(q.many.rank.p50, q.one.rank.p50)}, p99 ${ratio(q.many.rank.p99, q.one.rank.p99)}`);
  console.log(`queries whose total, top-10 ids or scores (to 1e-9) differ between the two: ${differ} of ${queries.length}`);
  many.close();
  one.close();

  // 5. Merges by the policy, in this process.
  const merging = fresh(live, join(WRITES_DIR, 'merging'));
  const { IndexWriter } = (await import(pathToFileURL(join(DIST, 'index', 'writer.js')).href)) as typeof import('../src/index/writer.js');
  const writer = new IndexWriter(merging, { policy: { mergeFactor: 10, maxMergeDocuments: 50_000 } });
  const merges: { seconds: number; documents: number; segments: number }[] = [];
  for (;;) {
    const t0 = performance.now();
    const pending = await writer.prepareMerge();
    if (!pending) break;
    const c = await pending.commit();
    merges.push({ seconds: (performance.now() - t0) / 1000, documents: pending.documents, segments: c?.segments ?? NaN });
  }
  writer.close();
  for (const m of merges) console.log(`merge of 10 segments, ${m.documents} documents: ${fx(m.seconds * 1000, 0)} ms → ${m.segments} segments`);
  const rssEnd = procStatus(process.pid);
  console.log(`this process: RSS ${MB(rssEnd.rss)} MB, peak ${MB(rssEnd.hwm)} MB`);

  const outFile = join(OUT, `writes-4x${queriesOnly ? '-queries' : rebuild ? '' : '-nobaseline'}.json`);
  writeFileSync(outFile, JSON.stringify({ updates, rebuild, update, small, compact, queries: q, differ, merges, rss: { before: rssBefore, many: rssMany, one: rssOne, end: rssEnd } }, null, 1));
  console.log(`wrote ${outFile}`);
}
