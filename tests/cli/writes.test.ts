/**
 * The commands that change an index — `fahras index --update`, `fahras
 * delete`, `fahras compact` — end to end on real files (the built CLI), and
 * writers that meet: two commands at once, a command and a running server,
 * a rebuild and a server's write. Each prints one summary line and exits
 * with the usual codes; a second writer waits its turn or is refused with one
 * clear line, and nothing is lost.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/build.js';
import { openIndex } from '../../src/search/searcher.js';
import { FIXTURE, startTestServer, waitFor, writeJsonl } from '../helpers/server.js';
import { corpusLines, expectNoStack, fahras, HAVE_CORPUS, MAIN, requireBuilt, type Run } from '../reliability/helpers.js';
const TOKEN = 'cli-writes-test-token-0123456789';

let tmp: string;
/** The fixture's twelve news articles, as records. */
const NEWS = readFileSync(FIXTURE, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Record<string, unknown> & { id: string; title: string; text: string });

beforeAll(() => {
  requireBuilt();
  tmp = mkdtempSync(join(tmpdir(), 'fahras-cli-writes-'));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

let n = 0;
/** A fresh index of the fixture's articles. */
async function newsIndex(): Promise<string> {
  const dir = join(tmp, `index-${n++}`);
  await buildIndex({ input: FIXTURE, out: dir });
  return dir;
}

/** Runs the CLI with `input` on its standard input. */
function fahrasWithInput(args: string[], input: string): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, FAHRAS_LOG_LEVEL: 'silent' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr, timedOut: false }));
    child.stdin.end(input);
  });
}

const current = (index: string) => readFileSync(join(index, 'CURRENT'), 'utf8').trim();

/** Every document of the index by id (title and text), and a few ranked answers with scores. */
async function contents(index: string): Promise<{ docs: Record<string, string>; answers: unknown[] }> {
  const s = await openIndex(index);
  try {
    const docs: Record<string, string> = {};
    for (let d = 0; d < s.index.size; d++) {
      if (s.index.deleted?.[d]) continue;
      const doc = s.readDocument(d);
      docs[doc.id] = `${doc.title}\n${doc.text}`;
    }
    const answers = ['النفط', 'الرياض', 'قطار', 'الكمأة', '"معرض الكتاب"'].map((q) => s.search(q, { limit: 20, snippets: false })).map((r) => ({ total: r.total, facets: r.facets, hits: r.hits.map((h) => [h.id, h.score]) }));
    return { docs, answers };
  } finally {
    s.close();
  }
}

function expectSummary(r: Run, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(0);
  expectNoStack('command', r.stderr, r.stdout);
  expect(r.stdout.trim().split('\n')).toHaveLength(1);
  expect(r.stdout.trim()).toMatch(pattern);
}

describe('fahras index --update', () => {
  it('adds new documents and replaces those whose id exists, touching nothing else', async () => {
    const index = await newsIndex();
    const before = await contents(index);
    const input = writeJsonl(tmp, 'update-1', [
      { id: 'srv-002', title: 'أسعار النفط ترتفع من جديد', text: 'عادت أسعار النفط إلى الارتفاع بعد قرار خفض الإنتاج', source: 'عكاظ', date: '2015-05-09' },
      { id: 'new-1', title: 'موسم الكمأة', text: 'بدأ موسم جمع الكمأة في الشمال بعد الأمطار', source: 'الوطن' },
      { id: 'new-2', title: 'سوق الكمأة', text: 'ارتفعت أسعار الكمأة في أسواق حائل' },
    ]);
    const r = await fahras(['index', '--update', '--input', input, '--out', index]);
    expectSummary(r, /^updated .+: 2 documents added, 1 replaced, 0 skipped; generation gen-\S+: 14 documents in 2 segments, 1 deleted awaiting a merge \(\d+\.\d s\)$/);
    const after = await contents(index);
    expect(Object.keys(after.docs).sort()).toEqual([...Object.keys(before.docs), 'new-1', 'new-2'].sort());
    for (const [id, text] of Object.entries(before.docs)) if (id !== 'srv-002') expect(after.docs[id], id).toBe(text);
    expect(after.docs['srv-002']).toBe('أسعار النفط ترتفع من جديد\nعادت أسعار النفط إلى الارتفاع بعد قرار خفض الإنتاج');
    expect(after.docs['new-1']).toContain('موسم جمع الكمأة');
  });

  it('reads the input as a build does: bad records reported with file and line and skipped; --strict writes nothing', async () => {
    const index = await newsIndex();
    const gen = current(index);
    const input = join(tmp, 'update-bad.jsonl');
    writeFileSync(input, [JSON.stringify({ id: 'ok-1', text: 'نص سليم عن القهوة العربية' }), '{"id": "cut', JSON.stringify({ id: 'no-text', title: 'عنوان' }), JSON.stringify({ id: 'ok-1', text: 'تكرار' })].join('\n') + '\n');
    const strict = await fahras(['index', '--update', '--strict', '--input', input, '--out', index]);
    expect(strict.code).toBe(1);
    expect(strict.stderr.trim()).toMatch(/^fahras: .*update-bad\.jsonl:2: not valid JSON/);
    expect(current(index)).toBe(gen);

    const r = await fahras(['index', '--update', '--input', input, '--out', index]);
    expectSummary(r, /: 1 document added, 0 replaced, 3 skipped; generation /);
    expect(r.stderr).toMatch(/skipped .*update-bad\.jsonl:2: not valid JSON/);
    expect(r.stderr).toMatch(/skipped .*update-bad\.jsonl:3: record has no text/);
    expect(r.stderr).toMatch(/skipped .*update-bad\.jsonl:4: duplicate id "ok-1"/);
    expect((await contents(index)).docs['ok-1']).toBe('\nنص سليم عن القهوة العربية');
  });

  it('commits in batches of --batch documents, each a generation; the merge policy then merges them', async () => {
    const index = await newsIndex();
    const docs = Array.from({ length: 7 }, (_, i) => ({ id: `batch-${i}`, title: `خبر رقم ${i}`, text: `نص الخبر رقم ${i} عن معرض الكتاب في الرياض` }));
    const input = writeJsonl(tmp, 'update-batches', docs);
    const r = await fahras(['index', '--update', '--batch', '2', '--input', input, '--out', index], { env: { FAHRAS_MERGE_FACTOR: '0' } });
    // Four commits of 2, 2, 2 and 1 documents: four new segments beside the built one.
    expectSummary(r, /: 7 documents added, 0 replaced, 0 skipped; generation gen-\S+: 19 documents in 5 segments, 0 deleted/);
    const merged = join(tmp, 'merged-update');
    cpSync(index, merged, { recursive: true });
    const again = await fahras(['index', '--update', '--batch', '2', '--input', input, '--out', merged], { env: { FAHRAS_MERGE_FACTOR: '3' } });
    expect(again.code, again.stderr).toBe(0);
    expect(Number(/in (\d+) segments?/.exec(again.stdout)?.[1])).toBeLessThan(9);
    expect((await contents(merged)).answers).toEqual((await contents(index)).answers.map((a) => a));
  });

  it('refuses to update what is not an index, and usage errors exit 2', async () => {
    const input = writeJsonl(tmp, 'update-x', [{ id: 'x', text: 'نص' }]);
    const missing = await fahras(['index', '--update', '--input', input, '--out', join(tmp, 'nowhere')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^fahras: no index at .*nowhere: the folder does not exist; run `fahras index --out/);
    const batchAlone = await fahras(['index', '--batch', '5', '--input', input, '--out', join(tmp, 'nowhere')]);
    expect(batchAlone.code).toBe(2);
    expect(batchAlone.stderr).toContain('--batch goes with --update');
    const badWait = await fahras(['index', '--update', '--wait', 'soon', '--input', input, '--out', join(tmp, 'nowhere')]);
    expect(badWait.code).toBe(2);
    expect(existsSync(join(tmp, 'nowhere'))).toBe(false);
  });
});

describe('fahras delete', () => {
  it('deletes ids given as arguments, in a file and on standard input; ids it does not hold are named as not found', async () => {
    const index = await newsIndex();
    const r = await fahras(['delete', '--index', index, 'srv-001', 'no-such-id']);
    expectSummary(r, /^deleted 1 document from .+, 1 not found; generation gen-\S+: 11 documents in 1 segment, 1 deleted awaiting a merge$/);
    expect(r.stderr).toBe('not found: no-such-id\n');
    const file = join(tmp, 'ids.txt');
    writeFileSync(file, 'srv-002\n\n  srv-003  \nsrv-001\n');
    expectSummary(await fahras(['delete', '--index', index, '--ids-file', file]), /^deleted 2 documents from .+, 1 not found;/);
    expectSummary(await fahrasWithInput(['delete', '--index', index, '--ids-file', '-', '--quiet'], 'srv-004\r\nsrv-005\n'), /^deleted 2 documents from .+, 0 not found; generation gen-\S+: 7 documents/);
    const left = Object.keys((await contents(index)).docs).sort();
    expect(left).toEqual(['srv-006', 'srv-007', 'srv-008', 'srv-009', 'srv-010', 'srv-011', 'srv-012']);
  });

  it('a delete of ids the index does not hold writes no new generation', async () => {
    const index = await newsIndex();
    const gen = current(index);
    expectSummary(await fahras(['delete', '--index', index, 'nope-1', 'nope-2']), /^deleted 0 documents from .+, 2 not found; generation /);
    expect(current(index)).toBe(gen);
  });

  it('without ids is a usage error', async () => {
    const index = await newsIndex();
    const r = await fahras(['delete', '--index', index]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('fahras: no ids to delete: give them as arguments or one a line in --ids-file');
  });
});

describe('fahras compact', () => {
  it('merges every segment into one and drops deleted documents; answers stay exactly the same', async () => {
    const index = await newsIndex();
    await fahras(['index', '--update', '--batch', '1', '--input', writeJsonl(tmp, 'compact-in', NEWS.slice(0, 4).map((d) => ({ ...d, text: `${d.text} (محدث)` }))), '--out', index], { env: { FAHRAS_MERGE_FACTOR: '0' } });
    await fahras(['delete', '--index', index, 'srv-009', 'srv-010']);
    const before = await contents(index);
    const r = await fahras(['compact', '--index', index]);
    expectSummary(r, /^compacted .+: 5 segments → 1, 6 deleted documents dropped; generation gen-\S+: 10 documents in 1 segment, 0 deleted awaiting a merge \(\d+\.\d s\)$/);
    const after = await contents(index);
    expect(after.docs).toEqual(before.docs);
    expect(after.answers).toEqual(before.answers);
    expectSummary(await fahras(['compact', '--index', index]), /^nothing to compact in .+: 1 segment, no deleted documents$/);
  });
});

describe('writers that meet', () => {
  it('two commands and a running server writing at once all succeed, one commit at a time', async () => {
    const index = await newsIndex();
    const srv = await startTestServer({ index, adminToken: TOKEN, reloadPollMs: 50 });
    try {
      const updates = writeJsonl(tmp, 'meet', Array.from({ length: 30 }, (_, i) => ({ id: `cli-${i}`, text: `كتابة من سطر الأوامر رقم ${i} عن الصقور` })));
      const serverWrites = Array.from({ length: 10 }, (_, i) =>
        fetch(`${srv.url}/api/documents/api-${i}`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: `كتابة من الخادم رقم ${i} عن الصقور` }) }).then((r) => r.status),
      );
      const [update, del, statuses] = await Promise.all([
        fahras(['index', '--update', '--batch', '5', '--input', updates, '--out', index]),
        fahras(['delete', '--index', index, 'srv-001', 'srv-002']),
        Promise.all(serverWrites),
      ]);
      expect(update.code, update.stderr).toBe(0);
      expect(del.code, del.stderr).toBe(0);
      expect(statuses).toEqual(Array(10).fill(201));
      const { docs } = await contents(index);
      for (let i = 0; i < 30; i++) expect(docs[`cli-${i}`], `cli-${i}`).toBeDefined();
      for (let i = 0; i < 10; i++) expect(docs[`api-${i}`], `api-${i}`).toBeDefined();
      expect(docs['srv-001']).toBeUndefined();
      expect(docs['srv-003']).toBeDefined();
      // The server sees the commands' writes too, once it has reloaded.
      await waitFor(async () => (await (await fetch(`${srv.url}/api/search?q=${encodeURIComponent('الصقور')}&limit=100`)).json()).total === 40);
      expect(existsSync(join(index, 'LOCK'))).toBe(false);
    } finally {
      await srv.close();
    }
  });
});

describe.skipIf(!HAVE_CORPUS)('a rebuild holding the index', () => {
  it('makes a command that will not wait exit 1 with one line, and a server write answer 503 (busy) until it ends; nothing is lost', async () => {
    const index = await newsIndex();
    const input = join(tmp, 'rebuild.jsonl');
    const lines = await corpusLines(0, 3000);
    writeFileSync(input, [...lines, ...NEWS.map((d) => JSON.stringify(d))].join('\n') + '\n');
    const srv = await startTestServer({ index, adminToken: TOKEN, reloadPollMs: 50, writeLockWaitMs: 200 });
    try {
      const rebuild = fahras(['index', '--input', input, '--out', index, '--quiet'], { timeoutMs: 120_000 });
      await waitFor(() => existsSync(join(index, 'LOCK')) && readFileSync(join(index, 'LOCK'), 'utf8').includes('a build'), 30_000, 5);

      const refused = await fahras(['delete', '--index', index, '--wait', '0', 'srv-001']);
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
      expect(refused.stderr).toMatch(/^fahras: index at .+ is being written by another process \(a build, pid \d+ on .+, since .+\); try again when it has finished\n$/);

      const put = () => fetch(`${srv.url}/api/documents/during-rebuild`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'خبر أثناء إعادة البناء', text: 'كتب هذا الخبر والفهرس يعاد بناؤه' }) });
      const busy = await put();
      expect(busy.status).toBe(503);
      expect(busy.headers.get('retry-after')).toBe('5');
      const body = await busy.json();
      expect(body.error.code).toBe('busy');
      expect(body.error.message).toBe('The index is being written by another process (a build); nothing was written. Try again when it has finished.');
      expect(body.error.message).not.toContain(index);

      const built = await rebuild;
      expect(built.code, built.stderr).toBe(0);
      // The server moves to the rebuilt index by itself, and the write goes through after it.
      const documents = Number(/indexed (\d+) documents/.exec(built.stdout)?.[1]);
      expect(documents).toBeGreaterThan(2000);
      await waitFor(async () => (await (await fetch(`${srv.url}/api/stats`)).json()).documents === documents);
      const retried = await put();
      expect(retried.status).toBe(201);
      const s = await openIndex(index);
      try {
        expect(s.size).toBe(documents + 1);
        expect(s.getDocument('during-rebuild')?.title).toBe('خبر أثناء إعادة البناء');
        expect(s.getDocument('srv-001')).toBeDefined();
      } finally {
        s.close();
      }
    } finally {
      await srv.close();
    }
  }, 120_000);
});
