/**
 * FIFOs, devices, folders and links to them where an index has files. Each
 * file `search` and `serve` open — CURRENT, manifest.json, every file of a
 * segment — is replaced in a copy of a real index by a FIFO (made with
 * mkfifo), a link to /dev/zero or a folder: `fahras search` and `fahras
 * serve` refuse it with one line naming it, at once, instead of blocking
 * (a FIFO opened for reading waits for a writer forever). A LOCK that is a
 * FIFO is refused by `fahras index` the same way. A running server that is
 * handed such a generation, or a CURRENT that is a FIFO, keeps answering from
 * the index it has.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arabicText, cliIndex, prng, type CliIndex } from './corpus.js';
import { fahras, requireBuilt, spawnServer } from './helpers.js';

let idx: CliIndex;
let gen: string;
let files: string[];

const mkfifo = (path: string) => execFileSync('mkfifo', [path]);
const KINDS: [string, (path: string) => void, RegExp][] = [
  ['a FIFO', mkfifo, /is a FIFO, not a regular file/],
  ['a link to /dev/zero', (p) => symlinkSync('/dev/zero', p), /is a character device, not a regular file/],
  ['a folder', (p) => mkdirSync(p), /is a folder, not a regular file/],
];

beforeAll(async () => {
  requireBuilt();
  const rand = prng(88);
  idx = await cliIndex(Array.from({ length: 20 }, (_, i) => ({ id: `d${i}`, title: arabicText(40, rand), text: `${arabicText(500, rand)} النفط` })));
  gen = readFileSync(join(idx.index, 'CURRENT'), 'utf8').trim();
  files = readdirSync(join(idx.index, gen));
}, 60_000);

afterAll(() => idx?.cleanup());

/** A copy of the index with `file` (relative to the index folder) replaced by `make`. */
function copyWith(name: string, file: string, make: (path: string) => void): string {
  const copy = join(idx.dir, name);
  rmSync(copy, { recursive: true, force: true });
  cpSync(idx.index, copy, { recursive: true });
  rmSync(join(copy, file), { recursive: true, force: true });
  make(join(copy, file));
  return copy;
}

describe('an index file that is not a regular file', () => {
  it('CURRENT, manifest.json and every segment file: search refuses each at once with one line', async () => {
    const targets = ['CURRENT', ...files.map((f) => join(gen, f))];
    expect(targets.some((f) => f.endsWith('store.bin'))).toBe(true);
    for (const target of targets) {
      for (const [kind, make, message] of KINDS) {
        const copy = copyWith('copy', target, make);
        const r = await fahras(['search', 'النفط', '--index', copy], { timeoutMs: 15_000 });
        expect(r.timedOut, `${target} as ${kind}: search blocked`).toBe(false);
        expect(r.code, `${target} as ${kind}: ${r.stdout}`).toBe(1);
        expect(r.stderr.trim().split('\n'), `${target} as ${kind}`).toHaveLength(1);
        expect(r.stderr, `${target} as ${kind}`).toMatch(message);
      }
    }
  }, 240_000);

  it('serve refuses a FIFO store at start with one line, at once', async () => {
    const copy = copyWith('copy-serve', join(gen, files.find((f) => f.endsWith('store.bin'))!), mkfifo);
    const r = await fahras(['serve', '--index', copy, '--port', '0'], { timeoutMs: 15_000 });
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/store\.bin is a FIFO, not a regular file/);
  });

  it('index refuses a LOCK that is a FIFO with one line, at once', async () => {
    const copy = copyWith('copy-lock', 'LOCK', mkfifo);
    const input = join(idx.dir, 'docs.jsonl');
    const r = await fahras(['index', '--input', input, '--out', copy], { timeoutMs: 15_000 });
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/LOCK is a FIFO/);
  });

  it('a running server handed a generation with a FIFO manifest, then a FIFO CURRENT, keeps answering', async () => {
    const live = join(idx.dir, 'live');
    cpSync(idx.index, live, { recursive: true });
    const srv = await spawnServer(['serve', '--index', live, '--port', '0'], { FAHRAS_RELOAD_POLL_MS: '100' });
    try {
      const generation = async () => ((await (await fetch(`${srv.url}/api/stats`)).json()) as { generation: string }).generation;
      const before = await generation();
      const answers = async () => {
        for (let i = 0; i < 10; i++) {
          const r = await fetch(`${srv.url}/api/search?q=${encodeURIComponent('النفط')}`, { signal: AbortSignal.timeout(5000) });
          expect(r.status).toBe(200);
          await new Promise((res) => setTimeout(res, 100));
        }
      };
      // A new generation whose manifest is a FIFO, published the way a build publishes one.
      const next = 'gen-20990101-000000000-fifo00';
      cpSync(join(live, gen), join(live, next), { recursive: true });
      rmSync(join(live, next, 'manifest.json'));
      mkfifo(join(live, next, 'manifest.json'));
      writeFileSync(join(live, 'CURRENT.tmp'), `${next}\n`);
      renameSync(join(live, 'CURRENT.tmp'), join(live, 'CURRENT'));
      await answers();
      expect(await generation()).toBe(before);
      // CURRENT itself a FIFO.
      rmSync(join(live, 'CURRENT'));
      mkfifo(join(live, 'CURRENT'));
      await answers();
      expect(await generation()).toBe(before);
      expect(srv.proc.exitCode).toBeNull();
    } finally {
      await srv.stop();
    }
  }, 60_000);
});
