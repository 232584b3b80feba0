/**
 * Two builds side by side on the parts of a search this measures alone:
 * reading stored documents (Searcher#readDocument on seeded random documents,
 * the builds taking turns, the median of the rounds) and the first and
 * following did-you-mean of a word no document holds after the index opens
 * (near spellings looked up in the lexicon), with the heap it leaves. Every
 * document read and every answer is compared between the builds first.
 *
 *   npm run build && npx tsx bench/store-read.ts --base bench/out/rev-<sha>/dist [--scale 4] [--docs 4000] [--rounds 7]
 *   (node --expose-gc for the heap figures)
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, arg, ensureDirs, fx, header, indexDir, median, ratio, scaleArg, table, type FahrasLib } from './common.js';
import { mulberry32 } from './querylog.js';

type Searcher = Awaited<ReturnType<FahrasLib['openIndex']>>;

const scale = scaleArg();
const docs = Number(arg('docs', '4000'));
const rounds = Number(arg('rounds', '7'));
const baseDist = arg('base');
if (!baseDist) throw new Error('--base <dist> is required (npx tsx bench/snapshot.ts --rev main prints one)');
/** A word of no document (الاقتصاد with its last letter doubled), and a query of it with a common word. */
const MISSPELT = 'الاقتصادد السعودي';

async function open(dist: string): Promise<Searcher> {
  const lib = (await import(pathToFileURL(join(resolve(dist), 'lib.js')).href)) as FahrasLib;
  return lib.openIndex(indexDir(scale));
}

function heapMB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1048576;
}

ensureDirs();
header(`Stored documents and near spellings, two builds, ${scale}× (${docs} documents, ${rounds} rounds)`);
const builds: [string, Searcher][] = [];
const spelling: (string | number)[][] = [['build', 'first did-you-mean ms', 'next ms (median of 20)', 'heap after the first MB']];
for (const [name, dist] of [['base', baseDist], ['new', DIST]] as const) {
  const s = await open(dist);
  const before = heapMB();
  let t = performance.now();
  const first = s.search(MISSPELT, { limit: 10 });
  const firstMs = performance.now() - t;
  const next: number[] = [];
  for (let i = 0; i < 20; i++) {
    t = performance.now();
    s.search(MISSPELT, { limit: 10 });
    next.push(performance.now() - t);
  }
  spelling.push([name, fx(firstMs, 1), fx(median(next), 2), fx(heapMB() - before, 1)]);
  console.log(`${name}: did you mean ${JSON.stringify(first.didYouMean)} (${first.total} matches)`);
  builds.push([name, s]);
}

const rand = mulberry32(16);
const sample = Array.from({ length: docs }, () => Math.floor(rand() * builds[0][1].size));
let differ = 0;
for (const d of sample) if (JSON.stringify(builds[0][1].readDocument(d)) !== JSON.stringify(builds[1][1].readDocument(d))) differ++;
console.log(differ ? `${differ} documents read differently` : `all ${docs} documents read the same`);
if (differ) process.exitCode = 1;

const perRecord = new Map<string, number[]>();
for (let r = 0; r < rounds; r++) {
  for (const [name, s] of r % 2 ? [...builds].reverse() : builds) {
    const t = performance.now();
    for (const d of sample) s.readDocument(d);
    perRecord.set(name, [...(perRecord.get(name) ?? []), ((performance.now() - t) * 1000) / docs]);
  }
}
const base = median(perRecord.get('base')!);
const rows: (string | number)[][] = [['build', 'µs per document (median of rounds)', 'best round', 'vs base']];
for (const [name] of builds) rows.push([name, fx(median(perRecord.get(name)!), 2), fx(Math.min(...perRecord.get(name)!), 2), ratio(median(perRecord.get(name)!), base)]);
console.log('\nReading a stored document (Searcher#readDocument):\n' + table(rows));
console.log('\nThe did-you-mean of a word no document holds, after opening:\n' + table(spelling));
