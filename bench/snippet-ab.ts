/**
 * The snippet stage alone, two builds side by side in one process: for the
 * top 10 of the log's first `--queries` queries (bench/querylog.ts) on the
 * same index, each build makes every hit's title marks and snippet
 * (`hitOf`, what a search with snippets adds once the records are read) from
 * the same stored documents. First the hits of both builds are compared
 * (JSON): any difference fails the run. Then both time the same work round by
 * round, taking turns, in CPU time of the process; and both time the scan of
 * the texts alone (`highlight.scan`) beside a loop that only counts words.
 *
 *   npx tsx bench/snippet-ab.ts --base bench/out/rev-<sha>/dist [--scale 4] [--queries 400] [--rounds 15] [--where]
 *
 * --where also reports, for the build under test, where the last match of
 * each text lies (what stopping the scan there could save) and what reading
 * the query stems' positions of the returned documents from the index costs
 * (`IndexReader.positionsOf`, what would tell where that is).
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, arg, ensureDirs, flag, fx, header, indexDir, ratio, scaleArg, table, type FahrasLib, type SnippetLibs } from './common.js';
import { makeQueryLog } from './querylog.js';

type Searcher = Awaited<ReturnType<FahrasLib['openIndex']>>;
type Matcher = ReturnType<SnippetLibs['highlight']['matcherFor']>;
interface Build {
  name: string;
  searcher: Searcher;
  hl: SnippetLibs['highlight'];
  present: typeof import('../src/search/present.js');
  work: { m: Matcher; doc: ReturnType<Searcher['readDocument']>; stems: string[]; internal: number }[];
}

const scale = scaleArg();
const rounds = Number(arg('rounds', '15'));
const queryCount = Number(arg('queries', '400'));
const baseDist = arg('base');
if (!baseDist) throw new Error('--base <dist> is required (npx tsx bench/snapshot.ts --rev main prints one)');

async function open(name: string, dist: string, queries: string[]): Promise<Build> {
  const load = (path: string) => import(pathToFileURL(join(resolve(dist), path)).href);
  const lib = (await load('lib.js')) as FahrasLib;
  const hl = (await load('search/highlight.js')) as SnippetLibs['highlight'];
  const { parseQuery } = (await load('search/query.js')) as SnippetLibs['query'];
  const present = (await load('search/present.js')) as Build['present'];
  const searcher = await lib.openIndex(indexDir(scale));
  const work: Build['work'] = [];
  for (const q of queries) {
    const parsed = parseQuery(q, searcher.analyzer);
    const m = hl.matcherFor(searcher.analyzer, parsed);
    const stems = [...new Set(parsed.words.flatMap((w) => [w.stem, ...w.alternates]))];
    for (const h of searcher.search(q, { limit: 10, snippets: false }).hits) {
      const internal = searcher.index.docOf(h.id)!;
      work.push({ m, doc: searcher.readDocument(internal), stems, internal });
    }
  }
  return { name, searcher, hl, present, work };
}

/** CPU milliseconds of `fn`. */
function cpu(fn: () => void): number {
  const c = process.cpuUsage();
  fn();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
}

const median = (t: number[]): number => [...t].sort((a, b) => a - b)[t.length >> 1];

ensureDirs();
const { queries } = await makeQueryLog(scale);
header(`Snippets alone, two builds side by side, ${scale}× (top 10 of ${queryCount} queries, ${rounds} rounds, turns taken)`);
const builds = [await open(`base ${baseDist}`, baseDist, queries.slice(0, queryCount)), await open(`new ${DIST}`, DIST, queries.slice(0, queryCount))];
const hits = builds[0].work.length;

const answers = builds.map((b) => JSON.stringify(b.work.map(({ m, doc }) => b.present.hitOf(b.searcher.analyzer, m, doc, 1))));
console.log(answers[0] === answers[1] ? `all ${hits} hits identical` : 'HITS DIFFER');
if (answers[0] !== answers[1]) process.exitCode = 1;

let sink = 0;
const loops: [string, (b: Build) => void][] = [
  ['title marks + snippet (hitOf)', (b) => b.work.forEach(({ m, doc }) => (sink += b.present.hitOf(b.searcher.analyzer, m, doc, 1).highlights.text.length))],
  ['scan of the text (highlight.scan)', (b) => b.work.forEach(({ m, doc }) => (sink += b.hl.scan(b.searcher.analyzer, doc.text, m).words))],
];
const times = new Map<string, number[]>();
for (let r = 0; r < rounds + 2; r++) {
  for (const [loop, fn] of loops) {
    for (const b of r % 2 ? [...builds].reverse() : builds) {
      const t = cpu(() => fn(b));
      // The first two rounds warm up.
      if (r >= 2) times.set(`${loop} | ${b.name}`, [...(times.get(`${loop} | ${b.name}`) ?? []), t]);
    }
  }
}

// A floor: only finding where the words are (no hash, no table), over the same texts.
const wordChar = new Uint8Array(65536);
const word = /^[\p{L}\p{M}\p{Nd}]$/u;
for (let c = 0; c < 65536; c++) if ((c < 0xd800 || c > 0xdfff) && word.test(String.fromCharCode(c))) wordChar[c] = 1;
const count = (t: string): number => {
  let words = 0;
  let inside = 0;
  for (let i = 0; i < t.length; i++) {
    const k = wordChar[t.charCodeAt(i)];
    if (k && !inside) words++;
    inside = k;
  }
  return words;
};
const counting: number[] = [];
for (let r = 0; r < rounds; r++) counting.push(cpu(() => builds[1].work.forEach(({ doc }) => (sink += count(doc.text)))));

const rows: (string | number)[][] = [['loop', 'build', 'µs per hit (median of rounds)', 'vs base']];
for (const [loop] of loops) {
  const base = median(times.get(`${loop} | ${builds[0].name}`)!);
  for (const b of builds) {
    const t = median(times.get(`${loop} | ${b.name}`)!);
    rows.push([loop, b.name.split(' ')[0], fx((t / hits) * 1000, 2), ratio(t, base)]);
  }
}
rows.push(['counting the words only (a floor)', '', fx((median(counting) / hits) * 1000, 2), '']);
console.log(`\nCPU time per hit (${hits} hits, ${rounds} rounds):\n` + table(rows));

if (flag('where')) {
  const b = builds[1];
  const W = 30;
  let chars = 0;
  let lastMatch = 0;
  let lastPlusWindow = 0;
  let words = 0;
  let none = 0;
  for (const { m, doc } of b.work) {
    const s = b.hl.scan(b.searcher.analyzer, doc.text, m);
    chars += doc.text.length;
    words += s.words;
    if (s.hitWords.length === 0) {
      none++;
      lastMatch += doc.text.length;
      lastPlusWindow += doc.text.length;
      continue;
    }
    const last = s.hitWords.raw[s.hitWords.length - 1];
    lastMatch += s.ends.raw[last];
    lastPlusWindow += s.ends.raw[Math.min(s.words - 1, last + W)];
  }
  const positions = cpu(() => b.work.forEach(({ stems, internal }) => stems.forEach((stem) => (sink += b.searcher.index.positionsOf(internal, stem).length))));
  const stems = b.work.reduce((a, w) => a + w.stems.length, 0);
  console.log(
    `\nWhere the matches are (${hits} hits): a text has ${fx(chars / hits, 0)} characters and ${fx(words / hits, 0)} words on average; ` +
      `its last match ends at character ${fx(lastMatch / hits, 0)}, ${W} words past it at ${fx(lastPlusWindow / hits, 0)} ` +
      `(a scan stopped there reads ${fx((100 * lastPlusWindow) / chars, 1)}% of the characters); ${none} texts have no match. ` +
      `Reading the positions of the query's stems (${fx(stems / hits, 2)} a hit) costs ${fx((positions / hits) * 1000, 1)} µs per hit.`,
  );
}
if (sink === 0) console.log('');
