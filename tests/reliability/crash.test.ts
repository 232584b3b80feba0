/**
 * `fahras index` killed with SIGKILL at 20 moments spread over a rebuild of a
 * real corpus (the first 3,000 SaudiNewsNet articles) over an existing index
 * of a different corpus. After every kill the index opens (library and CLI)
 * and answers either exactly as before the rebuild, or — when the kill came
 * after the commit — exactly as a complete new index does; never an error.
 * CURRENT only ever names a whole generation, and the temporary folders a
 * killed build leaves are removed by the next build.
 *
 * Needs ../shared/data/corpora/saudinewsnet.jsonl.gz (relative to the repo
 * root) and dist/ (`npm run build`); skipped with a message without the corpus.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/build.js';
import { openIndex } from '../../src/search/searcher.js';
import { FIXTURE, generations, ROOT } from '../helpers/server.js';
import { corpusLines, CORPUS, expectNoStack, fahras, HAVE_CORPUS, MAIN, prng, requireBuilt } from './helpers.js';

if (!HAVE_CORPUS) console.warn(`crash test skipped: ${CORPUS} is absent (it holds the SaudiNewsNet articles the rebuild indexes)`);

const KILLS = 20;
/** Of the kills, how many wait for the new generation folder to appear (the commit). */
const AT_COMMIT = 4;
const ARTICLES = 3000;
const QUERIES = ['الرياض', 'أسعار النفط', 'وزير الخارجية', '"المملكة العربية"', 'الأمن*'];

type Answers = Record<string, { total: number; ids: string[] }>;

async function answers(index: string): Promise<Answers> {
  const s = await openIndex(index);
  try {
    const out: Answers = {};
    for (const q of QUERIES) {
      const r = s.search(q, { limit: 10, snippets: false });
      out[q] = { total: r.total, ids: r.hits.map((h) => h.id) };
    }
    return out;
  } finally {
    s.close();
  }
}


const current = (index: string) => readFileSync(join(index, 'CURRENT'), 'utf8').trim();
const temporaries = (index: string) => readdirSync(index).filter((n) => n.startsWith('.tmp-') || n.startsWith('CURRENT.tmp-'));

let tmp: string;
let big: string;
let index: string;
let oldAnswers: Answers;
let newAnswers: Answers;
let fullBuildMs: number;
const children = new Set<number>();

describe.skipIf(!HAVE_CORPUS)('fahras index killed with SIGKILL while rebuilding', () => {
  beforeAll(async () => {
    requireBuilt();
    tmp = mkdtempSync(join(tmpdir(), 'fahras-crash-'));
    big = join(tmp, `snn-${ARTICLES}.jsonl`);
    const lines = await corpusLines(0, ARTICLES + 200);
    writeFileSync(big, lines.slice(0, ARTICLES).join('\n') + '\n');
    // The index that is there before: another corpus (seeds, the server fixture, 200 other articles).
    const small = join(tmp, 'small');
    mkdirSync(small);
    cpSync(join(ROOT, 'seeds'), small, { recursive: true });
    cpSync(FIXTURE, join(small, 'news.jsonl'));
    writeFileSync(join(small, 'more.jsonl'), lines.slice(ARTICLES).join('\n') + '\n');
    index = join(tmp, 'index');
    await buildIndex({ input: small, out: index });
    oldAnswers = await answers(index);

    // One full build of the new corpus, timed, gives the kill window and the answers of a complete new index.
    const t0 = performance.now();
    const r = await fahras(['index', '--input', big, '--out', join(tmp, 'reference'), '--quiet'], { timeoutMs: 120_000 });
    fullBuildMs = performance.now() - t0;
    expect(r.code, r.stderr).toBe(0);
    newAnswers = await answers(join(tmp, 'reference'));
    rmSync(join(tmp, 'reference'), { recursive: true, force: true });
    // The two corpora must tell apart for the test to mean anything.
    expect(newAnswers).not.toEqual(oldAnswers);
  }, 180_000);

  afterAll(() => {
    for (const pid of children) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it(`after each of ${KILLS} kills the index answers as before or as the complete new index, never an error`, async () => {
    const rand = prng(20240611); // the kill moments are the same on every run
    let liveGen = current(index);
    let expected = oldAnswers;
    const log: string[] = [];
    let completed = 0;
    let cleanedByNextBuild = false;
    let pendingTemps = false;
    for (let i = 0; i < KILLS; i++) {
      // Most kills: one moment in each sixteenth of the measured build time. The last
      // ones watch the folder and kill the moment the new generation folder appears,
      // i.e. inside the commit (between the folder's rename and CURRENT's).
      const atCommit = i >= KILLS - AT_COMMIT;
      const delay = atCommit ? -1 : Math.round(((i + rand()) / (KILLS - AT_COMMIT)) * fullBuildMs);
      const child = spawn(process.execPath, [MAIN, 'index', '--input', big, '--out', index, '--quiet'], { stdio: 'ignore' });
      children.add(child.pid!);
      let running = true;
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
        child.on('exit', (code, signal) => {
          running = false;
          r({ code, signal });
        }),
      );
      let timer: NodeJS.Timeout | undefined;
      if (atCommit) {
        const watch = () => {
          if (!running) return;
          if (generations(index).some((g) => g !== liveGen)) child.kill('SIGKILL');
          else setImmediate(watch);
        };
        watch();
      } else timer = setTimeout(() => child.kill('SIGKILL'), delay);
      const end = await exited;
      clearTimeout(timer);
      children.delete(child.pid!);

      const gen = current(index);
      const gens = generations(index);
      const temps = temporaries(index);
      expect(gens, `kill ${i}: CURRENT names a generation that exists`).toContain(gen);
      const moved = gen !== liveGen;
      if (moved) {
        // The build got past its commit: the new generation is whole and correct.
        completed++;
        liveGen = gen;
        expected = newAnswers;
        if (pendingTemps && temps.length === 0) cleanedByNextBuild = true;
      }
      if (temps.length) pendingTemps = true;
      const [lib, cli] = await Promise.all([answers(index), fahras(['search', QUERIES[i % QUERIES.length], '--index', index, '--json', '--limit', '10'])]);
      const what = `kill ${i} ${atCommit ? 'at the commit' : `after ${delay} ms`} (${end.signal ?? `exit ${end.code}`})`;
      expect(lib, what).toEqual(expected);
      expect(cli.code, `${what}: ${cli.stderr}`).toBe(0);
      expectNoStack(`search after ${what}`, cli.stderr);
      const r = JSON.parse(cli.stdout) as { total: number; hits: { id: string }[] };
      expect({ total: r.total, ids: r.hits.map((h) => h.id) }, what).toEqual(expected[QUERIES[i % QUERIES.length]]);
      log.push(`${what} → CURRENT ${moved ? 'moved to the new generation' : 'unchanged'}, answers of the ${expected === newAnswers ? 'new' : 'old'} corpus; gen-* folders ${gens.length}, temporaries ${temps.length}`);
    }
    console.log(`full build ${Math.round(fullBuildMs)} ms; ${completed} of ${KILLS} builds reached their commit\n${log.join('\n')}`);
    // The moments span the whole build: some kills land before the commit.
    expect(completed).toBeLessThan(KILLS);

    if (!cleanedByNextBuild || temporaries(index).length || generations(index).length > 1) {
      // Leftovers of the last kills (or no build finished after one): run a build to the end.
      const r = await fahras(['index', '--input', big, '--out', index, '--quiet'], { timeoutMs: 120_000 });
      expect(r.code, r.stderr).toBe(0);
      liveGen = current(index);
      expect(await answers(index)).toEqual(newAnswers);
    }
    // A build that finishes removes the temporaries of the killed ones and the generations it replaced.
    expect(cleanedByNextBuild || completed === 0).toBe(true);
    expect(temporaries(index)).toEqual([]);
    expect(generations(index)).toEqual([liveGen]);
  }, 480_000);
});
