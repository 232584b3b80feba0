/**
 * Disk full and read-only index folders. CI runs as root, where permission
 * bits stop nothing, so the file systems are real:
 *   - disk full: a 4 MiB tmpfs holding an existing index, filled to leave
 *     a little room, then `fahras index` of a corpus that cannot fit;
 *   - read-only: a bind mount of the index folder remounted read-only
 *     (or, where mounting is not permitted, `chattr +i` on ext4).
 * `fahras index` fails with one clear line, exit 1, and the old index stays
 * whole: same CURRENT, same answers, no temporary left, and a server on it
 * keeps answering. Whatever cannot be set up here is skipped with the reason.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/build.js';
import { openIndex } from '../../src/search/searcher.js';
import { FIXTURE, startTestServer } from '../helpers/server.js';
import { errorLines, expectNoStack, fahras, prng, requireBuilt } from './helpers.js';

function run(cmd: string, args: string[]): { ok: boolean; out: string } {
  try {
    return { ok: true, out: execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString() };
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    return { ok: false, out: err.stderr?.toString().trim() || err.message };
  }
}

const ROOT_USER = process.getuid?.() === 0;
const probeDir = mkdtempSync(join(tmpdir(), 'fahras-disk-probe-'));
/** Why mounting cannot be used here, or undefined when it can. */
const NO_MOUNT: string | undefined = (() => {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (!ROOT_USER) return 'not running as root (mount needs CAP_SYS_ADMIN)';
  const r = run('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probeDir]);
  if (!r.ok) return `mount -t tmpfs failed: ${r.out}`;
  run('umount', [probeDir]);
  return undefined;
})();
/** Why chattr +i cannot stand in for a read-only mount, or undefined when it can. */
const NO_CHATTR: string | undefined = (() => {
  if (!NO_MOUNT) return 'not needed';
  if (!ROOT_USER) return 'not running as root';
  const f = join(probeDir, 'probe');
  writeFileSync(f, 'x');
  const r = run('chattr', ['+i', f]);
  if (!r.ok) return `chattr +i failed: ${r.out}`;
  run('chattr', ['-i', f]);
  return undefined;
})();
rmSync(probeDir, { recursive: true, force: true });
if (NO_MOUNT) console.warn(`disk tests: cannot mount here (${NO_MOUNT}); disk-full skipped; read-only ${NO_CHATTR ? `skipped too (${NO_CHATTR})` : 'uses chattr +i'}`);


const QUERIES = ['النفط', 'الرياض', 'المرجان'];
async function answers(index: string): Promise<Record<string, string[]>> {
  const s = await openIndex(index);
  try {
    return Object.fromEntries(QUERIES.map((q) => [q, s.search(q, { limit: 10, snippets: false }).hits.map((h) => h.id)]));
  } finally {
    s.close();
  }
}
/**
 * The one line for a read-only folder. Known wording problem (reported): Node's
 * recursive mkdirSync says ENOENT on a read-only file system, so fahras prints
 * "no such file or folder: …/.tmp-gen-…" instead of "the file system is read-only".
 */
const READ_ONLY = NO_MOUNT ? /^fahras: (permission denied|EPERM)/ : /^fahras: (the file system is read-only|no such file or folder): /;
const current = (index: string) => readFileSync(join(index, 'CURRENT'), 'utf8');
const leftovers = (index: string) => readdirSync(index).filter((n) => n.includes('.tmp-'));

let tmp: string;
let bigCorpus: string;
const mounts: string[] = [];
const immutable: string[] = [];

beforeAll(() => {
  requireBuilt();
  tmp = mkdtempSync(join(tmpdir(), 'fahras-disk-'));
  // About 2 MB of text with a vocabulary of random words: its lexicon alone cannot fit in what is left of the tmpfs.
  const rand = prng(7);
  const letters = 'ابتثجحخدذرزسشصضطظعغفقكلمنهوي';
  const word = () => Array.from({ length: 3 + Math.floor(rand() * 6) }, () => letters[Math.floor(rand() * letters.length)]).join('');
  const docs: string[] = [];
  for (let i = 0; i < 1200; i++) docs.push(JSON.stringify({ id: `big-${i}`, title: `${word()} ${word()}`, text: Array.from({ length: 150 }, word).join(' ') }));
  bigCorpus = join(tmp, 'big.jsonl');
  writeFileSync(bigCorpus, docs.join('\n') + '\n');
});

afterAll(() => {
  // Undo every mount and attribute, even when a test failed half way.
  for (const p of immutable.reverse()) run('chattr', ['-R', '-i', p]);
  for (const m of mounts.reverse()) if (!run('umount', [m]).ok) run('umount', ['-l', m]);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function expectCleanFailure(r: { code: number | null; stdout: string; stderr: string }, message: RegExp, where: string): void {
  const w = `${where}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
  expect(r.code, w).toBe(1);
  expectNoStack(w, r.stdout, r.stderr);
  const lines = errorLines(r.stderr);
  expect(lines, w).toHaveLength(1);
  expect(lines[0], w).toMatch(message);
}

describe.skipIf(Boolean(NO_MOUNT))('disk full (tmpfs)', () => {
  it.concurrent.each([
    ['about 40 KiB free', 40],
    ['about 400 KiB free', 400],
    ['about 1.5 MiB free', 1536],
  ])('with %s, `fahras index` fails with "the disk is full" and the old index stays whole and served', async (_label, freeKiB) => {
    const mnt = join(tmp, `full-${freeKiB}`);
    mkdirSync(mnt);
    const m = run('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt]);
    expect(m.ok, m.out).toBe(true);
    mounts.push(mnt);
    const index = join(mnt, 'index');
    await buildIndex({ input: FIXTURE, out: index });
    const before = { current: current(index), answers: await answers(index) };
    // Fill the file system up to the room left.
    const df = run('df', ['-k', '--output=avail', mnt]).out.trim().split('\n').pop()!;
    const avail = Number(df);
    writeFileSync(join(mnt, 'filler'), Buffer.alloc(Math.max(0, avail - freeKiB) * 1024));
    const srv = await startTestServer({ index, watch: false, reloadPollMs: 50 });
    try {
      const r = await fahras(['index', '--input', bigCorpus, '--out', index, '--quiet'], { timeoutMs: 120_000 });
      expectCleanFailure(r, /^fahras: the disk is full/, `index with ${freeKiB} KiB free`);
      expect(current(index)).toBe(before.current);
      expect(await answers(index)).toEqual(before.answers);
      expect(leftovers(index)).toEqual([]);
      const res = await fetch(`${srv.url}/api/search?q=${encodeURIComponent('النفط')}`);
      expect(res.status).toBe(200);
      expect((await res.json()).total).toBeGreaterThan(0);
      expect((await (await fetch(`${srv.url}/api/stats`)).json()).reloads).toBe(0);
      // Room again: the next build succeeds.
      rmSync(join(mnt, 'filler'));
      const ok = await fahras(['index', '--input', FIXTURE, '--out', index, '--quiet']);
      expect(ok.code, ok.stderr).toBe(0);
    } finally {
      await srv.close();
    }
  });
});

describe.skipIf(Boolean(NO_MOUNT) && Boolean(NO_CHATTR))(`a read-only index folder (${NO_MOUNT ? 'chattr +i' : 'read-only bind mount'})`, () => {
  let index: string;
  let before: { current: string; answers: Record<string, string[]> };

  beforeAll(async () => {
    index = join(tmp, 'ro-index');
    await buildIndex({ input: FIXTURE, out: index });
    before = { current: current(index), answers: await answers(index) };
    if (!NO_MOUNT) {
      const b = run('mount', ['--bind', index, index]);
      expect(b.ok, b.out).toBe(true);
      mounts.push(index);
      const ro = run('mount', ['-o', 'remount,ro,bind', index]);
      expect(ro.ok, ro.out).toBe(true);
    } else {
      const c = run('chattr', ['-R', '+i', index]);
      expect(c.ok, c.out).toBe(true);
      immutable.push(index);
    }
    // It really is read-only, even for root.
    expect(() => writeFileSync(join(index, 'probe'), 'x')).toThrow(/EROFS|EPERM|EACCES/);
  });

  it('`fahras index` fails with one clear line and the old index stays whole', async () => {
    const r = await fahras(['index', '--input', bigCorpus, '--out', index, '--quiet'], { timeoutMs: 120_000 });
    expectCleanFailure(r, READ_ONLY, 'index into a read-only folder');
    expect(r.stderr).toContain(index);
    expect(current(index)).toBe(before.current);
    expect(await answers(index)).toEqual(before.answers);
    expect(existsSync(join(index, 'probe'))).toBe(false);
  });

  it('the read-only index can still be searched and served', async () => {
    const r = await fahras(['search', 'النفط', '--index', index, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).hits.map((h: { id: string }) => h.id)).toEqual(before.answers['النفط']);
    const srv = await startTestServer({ index, watch: true, reloadPollMs: 50 });
    try {
      const res = await fetch(`${srv.url}/api/search?q=${encodeURIComponent('الرياض')}`);
      expect(res.status).toBe(200);
      expect((await res.json()).hits.map((h: { id: string }) => h.id)).toEqual(before.answers['الرياض']);
    } finally {
      await srv.close();
    }
  });

  it('`fahras start` on a read-only folder it would have to rebuild fails with one clear line', async () => {
    // A damaged read-only index: start cannot rebuild it and must say so, not hang or crash.
    const damagedRo = join(tmp, 'ro-damaged');
    mkdirSync(damagedRo);
    writeFileSync(join(damagedRo, 'CURRENT'), 'gen-gone\n');
    if (!NO_MOUNT) {
      expect(run('mount', ['--bind', damagedRo, damagedRo]).ok).toBe(true);
      mounts.push(damagedRo);
      expect(run('mount', ['-o', 'remount,ro,bind', damagedRo]).ok).toBe(true);
    } else {
      expect(run('chattr', ['-R', '+i', damagedRo]).ok).toBe(true);
      immutable.push(damagedRo);
    }
    const r = await fahras(['start', '--port', '0', '--index', damagedRo, '--seeds', FIXTURE], { timeoutMs: 60_000 });
    expect(r.stderr).toMatch(/^building the index from /m);
    const lines = errorLines(r.stderr).filter((l) => !l.startsWith('building the index from '));
    expectNoStack('start on a read-only folder', r.stderr);
    expect(r.code, r.stderr).toBe(1);
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(READ_ONLY);
    expect(lines[0]).toContain(damagedRo);
  });
});
