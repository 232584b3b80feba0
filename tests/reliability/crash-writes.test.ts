/**
 * Live updates killed with SIGKILL, 20 moments each: `fahras index --update`
 * committing batches, a server answering writes over HTTP (and merging in
 * the background), and `fahras compact`. Most moments are spread over the
 * measured length of the work; some wait for the LOCK file to appear, i.e.
 * for a commit to be under way, and kill inside it. After every kill:
 *
 * - the index opens (library and CLI) and answers;
 * - every acknowledged write is there (a batch an update committed, a 2xx
 *   the server sent), and no batch is there in part;
 * - a compaction changes no answer, whenever it is killed;
 * - the next writer takes over the dead process's lock at once and removes
 *   its temporary folders.
 *
 * Needs ../shared/data/corpora/saudinewsnet.jsonl.gz and dist/ (`npm run build`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/build.js';
import { openIndex } from '../../src/search/searcher.js';
import { generations, writeJsonl } from '../helpers/server.js';
import { corpusLines, expectNoStack, fahras, HAVE_CORPUS, MAIN, prng, requireBuilt, spawnServer, type ServeChild } from './helpers.js';

if (!HAVE_CORPUS) console.warn('crash tests of writes skipped: the SaudiNewsNet corpus is absent');

const KILLS = 20;
/** Of the kills, how many wait for a commit (the LOCK file) to begin. */
const AT_COMMIT = 5;
const TOKEN = 'crash-writes-test-token-0123456789';

interface Article extends Record<string, unknown> {
  id: string;
  title: string;
  text: string;
  source?: string;
  date?: string;
}

let tmp: string;
/** Indexable articles (text, unique ids), in corpus order. */
let articles: Article[];
const children = new Set<ChildProcess>();

beforeAll(async () => {
  if (!HAVE_CORPUS) return;
  requireBuilt();
  tmp = mkdtempSync(join(tmpdir(), 'fahras-crash-writes-'));
  const seen = new Set<string>();
  articles = [];
  for (const line of await corpusLines(0, 5000)) {
    const a = JSON.parse(line) as Article;
    if (typeof a.text !== 'string' || !a.text.trim() || seen.has(a.id)) continue;
    seen.add(a.id);
    articles.push({ id: a.id, title: (a.title ?? '').trim(), text: a.text, source: a.source, date: a.date });
  }
}, 60_000);

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const content = (a: { title: string; text: string }) => `${a.title}\n${a.text}`;

/** Every live document of the index: id → title and text. Opening it is itself the first check. */
async function stored(index: string): Promise<Map<string, string>> {
  const s = await openIndex(index);
  try {
    const out = new Map<string, string>();
    for (let d = 0; d < s.index.size; d++) if (!s.index.deleted?.[d]) out.set(s.index.idOf(d), content(s.readDocument(d)));
    return out;
  } finally {
    s.close();
  }
}

/** What is left beside the live generation: temporaries, locks, older generations. */
function leftovers(index: string): string[] {
  const live = readFileSync(join(index, 'CURRENT'), 'utf8').trim();
  return readdirSync(index).filter((n) => n !== 'CURRENT' && n !== live);
}

/** Calls `then` the `nth` time the LOCK file appears (a commit begins), checking as often as the event loop turns. */
function onLock(index: string, nth: number, running: () => boolean, then: () => void): void {
  let seen = 0;
  let held = false;
  const look = () => {
    if (!running()) return;
    const now = existsSync(join(index, 'LOCK'));
    if (now && !held && ++seen === nth) return then();
    held = now;
    setImmediate(look);
  };
  look();
}

/** Runs the CLI and kills it at `moment` (ms after the start, or at the nth commit); resolves when it is gone. */
async function runKilled(args: string[], index: string, moment: { afterMs: number } | { commit: number }, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: 'ignore', env: { ...process.env, FAHRAS_LOG_LEVEL: 'silent', ...env } });
  children.add(child);
  let running = true;
  const exited = new Promise<string>((r) => child.on('exit', (code, signal) => r(signal ?? `exit ${code}`)));
  void exited.then(() => (running = false));
  let timer: NodeJS.Timeout | undefined;
  if ('afterMs' in moment) timer = setTimeout(() => child.kill('SIGKILL'), moment.afterMs);
  else onLock(index, moment.commit, () => running, () => child.kill('SIGKILL'));
  const end = await exited;
  clearTimeout(timer);
  children.delete(child);
  return end;
}

/** The moment of kill i: spread over `fullMs`, the last AT_COMMIT inside the commit numbered from `commits`. */
function moment(i: number, rand: () => number, fullMs: number, commits: number): { afterMs: number } | { commit: number } {
  if (i >= KILLS - AT_COMMIT) return { commit: 1 + ((i * 3) % commits) };
  return { afterMs: Math.round(((i + rand()) / (KILLS - AT_COMMIT)) * fullMs) };
}

function describeMoment(m: { afterMs: number } | { commit: number }): string {
  return 'afterMs' in m ? `after ${m.afterMs} ms` : `inside commit ${m.commit}`;
}

async function cliSearchWorks(index: string, what: string): Promise<void> {
  const r = await fahras(['search', 'المملكة', '--index', index, '--json', '--limit', '5']);
  expect(r.code, `${what}: ${r.stderr}`).toBe(0);
  expectNoStack(what, r.stderr);
  expect(JSON.parse(r.stdout).total, what).toBeGreaterThan(0);
}

describe.skipIf(!HAVE_CORPUS)('fahras index --update killed with SIGKILL', () => {
  it(`after each of ${KILLS} kills the batches committed are whole and in order, the rest absent; the next writer takes over`, async () => {
    const BATCH = 30;
    const base = articles.slice(0, 300);
    // Eight batches: each replaces 15 documents of the index (with other articles' words) and adds 15.
    const updates: Article[] = [];
    for (let i = 0; i < 120; i++) updates.push({ ...articles[1000 + i], id: base[i].id }, articles[1400 + i]);
    const batches = Array.from({ length: updates.length / BATCH }, (_, b) => updates.slice(b * BATCH, (b + 1) * BATCH));
    const pristine = join(tmp, 'update-pristine');
    await buildIndex({ input: writeJsonl(tmp, 'update-base', base), out: pristine });
    const input = writeJsonl(tmp, 'update-input', updates);
    const one = writeJsonl(tmp, 'update-one', [{ id: 'after-kill', title: 'بعد التوقف', text: 'وثيقة يكتبها الكاتب التالي بعد توقف العملية' }]);
    const index = join(tmp, 'update-index');
    const args = ['index', '--update', '--batch', String(BATCH), '--input', input, '--out', index, '--quiet'];
    const env = { FAHRAS_MERGE_FACTOR: '0' };

    cpSync(pristine, index, { recursive: true });
    const t0 = performance.now();
    const full = await fahras(args, { env, timeoutMs: 60_000 });
    const fullMs = performance.now() - t0;
    expect(full.code, full.stderr).toBe(0);
    expect(full.stdout).toMatch(/120 documents added, 120 replaced/);

    const rand = prng(20240613);
    const log: string[] = [];
    let takenOver = 0;
    let cleaned = 0;
    for (let i = 0; i < KILLS; i++) {
      rmSync(index, { recursive: true, force: true });
      cpSync(pristine, index, { recursive: true });
      const m = moment(i, rand, fullMs, batches.length);
      const end = await runKilled(args, index, m, env);
      const what = `kill ${i} ${describeMoment(m)} (${end})`;

      const docs = await stored(index);
      const applied = batches.map((batch, b) => {
        const now = batch.filter((a) => docs.get(a.id) === content(a)).length;
        expect([0, batch.length], `${what}: batch ${b} is there in part (${now} of ${batch.length})`).toContain(now);
        return now === batch.length;
      });
      const k = applied.indexOf(false) === -1 ? applied.length : applied.indexOf(false);
      expect(applied.slice(k).every((a) => !a), `${what}: batches committed out of order ${applied}`).toBe(true);
      // What no committed batch touched is as it was.
      const touched = new Set(batches.slice(0, k).flat().map((a) => a.id));
      for (const a of base) if (!touched.has(a.id)) expect(docs.get(a.id), `${what}: ${a.id}`).toBe(content(a));
      expect(docs.size, what).toBe(base.length + (k * BATCH) / 2);
      if (i % 4 === 0) await cliSearchWorks(index, what);

      const left = leftovers(index);
      if (left.includes('LOCK')) takenOver++;
      if (left.some((n) => n.startsWith('.tmp-'))) cleaned++;
      const next = await fahras(['index', '--update', '--input', one, '--out', index, '--wait', '5'], { env });
      expect(next.code, `${what}, the next writer: ${next.stderr}`).toBe(0);
      expect(leftovers(index), `${what}: left after the next writer`).toEqual([]);
      log.push(`${what}: ${k} of ${batches.length} batches committed; left ${left.join(' ') || 'nothing'}`);
    }
    console.log(`update of ${batches.length} batches: ${Math.round(fullMs)} ms\n${log.join('\n')}`);
    // The moments reach inside commits (a lock left behind) and before the end (temporaries left).
    expect(takenOver).toBeGreaterThan(0);
    expect(cleaned).toBeGreaterThan(0);
  }, 300_000);
});

describe.skipIf(!HAVE_CORPUS)('a server writing over HTTP killed with SIGKILL', () => {
  it(`after each of ${KILLS} kills every acknowledged batch is there whole, no batch in part, and the next server writes at once`, async () => {
    const index = join(tmp, 'http-index');
    const base = articles.slice(0, 1200);
    await buildIndex({ input: writeJsonl(tmp, 'http-base', base), out: index });
    const old = new Map(base.map((a) => [a.id, content(a)]));
    const pool = articles.slice(1200);
    interface Sent {
      name: string;
      puts: Article[];
      replace: Article;
      remove: string;
      acked: boolean;
    }
    const sent: Sent[] = [];
    let nextBase = 0;
    let nextArticle = 0;
    const rand = prng(20240614);
    const log: string[] = [];
    let server: ServeChild | undefined;
    // Each batch: three new documents, one document of the index replaced, one deleted.
    const newBatch = (name: string): Sent | undefined => {
      if (nextBase + 2 > base.length) return undefined;
      const puts = Array.from({ length: 3 }, (_, j) => ({ ...pool[nextArticle++ % pool.length], id: `${name}-${j}` }));
      const replace = { ...pool[nextArticle++ % pool.length], id: base[nextBase++].id };
      return { name, puts, replace, remove: base[nextBase++].id, acked: false };
    };
    const post = async (s: Sent, url: string) => {
      const body = [...s.puts, s.replace].map((a) => JSON.stringify(a)).concat(JSON.stringify({ delete: s.remove })).join('\n');
      const res = await fetch(`${url}/api/documents`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-ndjson' }, body });
      if (res.status !== 200) throw new Error(`${s.name}: ${res.status} ${await res.text()}`);
      s.acked = true;
    };

    for (let i = 0; i < KILLS; i++) {
      const before = readdirSync(index).filter((n) => n.startsWith('.tmp-') || n === 'LOCK' || n === 'MERGE-LOCK');
      server = await spawnServer(['serve', '--index', index, '--port', '0'], { FAHRAS_ADMIN_TOKEN: TOKEN, FAHRAS_MERGE_FACTOR: '3', FAHRAS_RELOAD_POLL_MS: '0' });
      children.add(server.proc);
      const url = server.url;
      // Set when the kill is sent: requests failing from then on are expected to.
      let killing = false;
      const kill = () => {
        killing = true;
        server!.proc.kill('SIGKILL');
      };
      // The first write of a new server: it takes over the lock a killed one left, and removes its temporaries.
      const first = newBatch(`h${i}-first`)!;
      sent.push(first);
      const t0 = performance.now();
      await post(first, url);
      const firstMs = performance.now() - t0;
      expect(readdirSync(index).filter((n) => n.startsWith('.tmp-') && before.includes(n)), `server ${i}: temporaries the killed one left`).toEqual([]);

      // Two writers, each sending batch after batch, until the kill.
      const m = i >= KILLS - AT_COMMIT ? { commit: 2 + (i % 4) } : { afterMs: Math.round(200 + rand() * 1500) };
      const writer = async (c: number) => {
        for (let k = 0; !killing; k++) {
          const s = newBatch(`h${i}-${c}-${k}`);
          if (!s) return;
          sent.push(s);
          try {
            await post(s, url);
          } catch (e) {
            if (!killing) throw e;
          }
        }
      };
      const writers = Promise.all([writer(0), writer(1)]);
      if ('afterMs' in m) setTimeout(kill, m.afterMs);
      else onLock(index, m.commit, () => !killing, kill);
      const end = await server.exit;
      await writers;
      children.delete(server.proc);
      const what = `kill ${i} ${describeMoment(m)} (${end.signal ?? end.code})`;

      const docs = await stored(index);
      let unacked = 0;
      for (const s of [...sent]) {
        const parts = [...s.puts.map((a) => docs.get(a.id) === content(a)), docs.get(s.replace.id) === content(s.replace), !docs.has(s.remove)];
        const whole = parts.every(Boolean);
        if (s.acked) {
          expect(whole, `${what}: acknowledged batch ${s.name} is not all there (${parts})`).toBe(true);
          continue;
        }
        const none = !s.puts.some((a) => docs.has(a.id)) && docs.get(s.replace.id) === old.get(s.replace.id) && docs.has(s.remove);
        expect(whole || none, `${what}: batch ${s.name} is there in part (${parts})`).toBe(true);
        // A batch committed whose answer the kill cut off is written: later checks expect it whole. One not committed is forgotten.
        if (whole) s.acked = true;
        else {
          unacked++;
          sent.splice(sent.indexOf(s), 1);
        }
      }
      const acked = sent.length;
      if (i % 4 === 0) await cliSearchWorks(index, what);
      log.push(`${what}: ${acked} batches there, ${unacked} sent and not committed; the first write took ${Math.round(firstMs)} ms; left ${leftovers(index).join(' ') || 'nothing'}`);
    }
    console.log(log.join('\n'));
    expect(sent.filter((s) => s.acked).length).toBeGreaterThan(KILLS * 2);
  }, 300_000);
});

describe.skipIf(!HAVE_CORPUS)('fahras compact killed with SIGKILL', () => {
  it(`after each of ${KILLS} kills the index answers exactly as before; the next writer takes over and leaves nothing behind`, async () => {
    const pristine = join(tmp, 'compact-pristine');
    const base = articles.slice(0, 300);
    await buildIndex({ input: writeJsonl(tmp, 'compact-base', base), out: pristine });
    // Three batches of twenty (half of them replacing documents of the index), then deletions: four segments.
    const updates = Array.from({ length: 60 }, (_, i) => (i % 2 ? articles[2000 + i] : { ...articles[2000 + i], id: base[i].id }));
    const env = { FAHRAS_MERGE_FACTOR: '0' };
    expect((await fahras(['index', '--update', '--batch', '20', '--input', writeJsonl(tmp, 'compact-updates', updates), '--out', pristine, '--quiet'], { env })).code).toBe(0);
    const ids = join(tmp, 'compact-deletes.txt');
    writeFileSync(ids, base.slice(200, 215).map((a) => a.id).join('\n'));
    expect((await fahras(['delete', '--index', pristine, '--ids-file', ids], { env })).code).toBe(0);

    const QUERIES = ['المملكة العربية السعودية', 'وزير الخارجية', '"مجلس الوزراء"', 'النفط -أسعار', 'الرياض*'];
    const answers = async (index: string) => {
      const s = await openIndex(index);
      try {
        return { segments: s.index.segments.length, results: QUERIES.map((q) => s.search(q, { limit: 20, snippets: false })).map((r) => ({ total: r.total, facets: r.facets, hits: r.hits.map((h) => [h.id, h.score] as const) })) };
      } finally {
        s.close();
      }
    };
    const expected = await answers(pristine);
    expect(expected.segments).toBe(4);
    const expectSame = (got: Awaited<ReturnType<typeof answers>>, what: string) => {
      got.results.forEach((r, q) => {
        const want = expected.results[q];
        expect({ total: r.total, facets: r.facets, ids: r.hits.map(([id]) => id) }, `${what}: ${QUERIES[q]}`).toEqual({ total: want.total, facets: want.facets, ids: want.hits.map(([id]) => id) });
        r.hits.forEach(([, score], j) => expect(Math.abs(score - want.hits[j][1]), `${what}: ${QUERIES[q]} #${j}`).toBeLessThan(1e-9));
      });
    };

    const index = join(tmp, 'compact-index');
    cpSync(pristine, index, { recursive: true });
    const t0 = performance.now();
    const full = await fahras(['compact', '--index', index], { timeoutMs: 60_000 });
    const fullMs = performance.now() - t0;
    expect(full.code, full.stderr).toBe(0);
    expectSame(await answers(index), 'a whole compaction');

    const rand = prng(20240615);
    const log: string[] = [];
    let committed = 0;
    for (let i = 0; i < KILLS; i++) {
      rmSync(index, { recursive: true, force: true });
      cpSync(pristine, index, { recursive: true });
      const m = moment(i, rand, fullMs, 1);
      const end = await runKilled(['compact', '--index', index], index, m);
      const what = `kill ${i} ${describeMoment(m)} (${end})`;
      const got = await answers(index);
      expect([1, 4], what).toContain(got.segments);
      if (got.segments === 1) committed++;
      expectSame(got, what);
      if (i % 4 === 0) await cliSearchWorks(index, what);
      const left = leftovers(index);
      // The next writer: a compaction after every fourth kill and the commits', otherwise a delete of an
      // absent id (it takes the lock over and removes what was left; the dead merger's MERGE-LOCK waits for the next merge).
      const compacts = i % 4 === 3 || i >= KILLS - AT_COMMIT;
      const next = await fahras(compacts ? ['compact', '--index', index, '--wait', '5'] : ['delete', '--index', index, '--wait', '5', 'no-such-document']);
      expect(next.code, `${what}, the next writer: ${next.stderr}`).toBe(0);
      expect(leftovers(index).filter((n) => compacts || n !== 'MERGE-LOCK'), `${what}: left after the next writer`).toEqual([]);
      expectSame(await answers(index), `${what}, after the next writer`);
      log.push(`${what}: ${got.segments === 1 ? 'committed' : 'not committed'}; left ${left.join(' ') || 'nothing'}`);
    }
    console.log(`compaction: ${Math.round(fullMs)} ms\n${log.join('\n')}`);
    expect(committed).toBeLessThan(KILLS);
    expect(generations(index)).toHaveLength(1);
  }, 300_000);
});
