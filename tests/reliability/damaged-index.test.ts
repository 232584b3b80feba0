/**
 * A truncated, corrupted or foreign index folder: `fahras search` and
 * `fahras serve` exit 1 with one line that says to run `fahras index`;
 * `fahras start` rebuilds it from the seeds, logging why, then serves (and
 * stops on SIGTERM). Runs the built CLI (`npm run build` first).
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/index/format.js';
import { writeManifest } from '../../src/index/manifest.js';
import { buildFixtureIndex, ROOT, type TempIndex } from '../helpers/server.js';
import { errorLines, expectNoStack, fahras, requireBuilt, spawnServer } from './helpers.js';

let base: TempIndex;
let tmp: string;
const SEEDS = join(ROOT, 'seeds');
const SEED_DOCS = readdirSync(SEEDS).length;

const genDir = (index: string) => join(index, readFileSync(join(index, 'CURRENT'), 'utf8').trim());
/** A valid-JSON edit of the manifest, as a hand would make it: its checksum no longer matches. */
const editManifest = (index: string, edit: (m: Manifest) => unknown) => {
  const p = join(genDir(index), 'manifest.json');
  const m = JSON.parse(readFileSync(p, 'utf8')) as Manifest;
  writeFileSync(p, JSON.stringify(edit(m) ?? m));
};
/** The manifest another fahras (or a broken writer) would write: edited, with a checksum to match. */
const rewriteManifest = (index: string, edit: (m: Manifest) => unknown) => {
  const { checksum: _, ...body } = JSON.parse(readFileSync(join(genDir(index), 'manifest.json'), 'utf8')) as Manifest;
  writeManifest(genDir(index), (edit(body as Manifest) ?? body) as Manifest);
};
const segment = (m: Manifest) => m.segments[0];
/** A file of the index's (first) segment. */
const seg = (index: string, file: string) => join(genDir(index), `s1.${file}`);
const flipByte = (file: string, at = 0.5) => {
  const b = readFileSync(file);
  const i = Math.floor(b.length * at);
  b[i] ^= 0xff;
  writeFileSync(file, b);
};
const halve = (file: string) => truncateSync(file, Math.floor(readFileSync(file).length / 2));

/** How each index is damaged, and what the one-line message must say. */
const DAMAGE: [string, (index: string) => void, RegExp][] = [
  ['postings.bin truncated', (i) => halve(seg(i, 'postings.bin')), /postings\.bin has \d+ bytes, expected \d+ \(truncated\?\)/],
  ['positions.bin truncated', (i) => halve(seg(i, 'positions.bin')), /positions\.bin has \d+ bytes/],
  ['arrays.bin truncated', (i) => halve(seg(i, 'arrays.bin')), /arrays\.bin has \d+ bytes/],
  ['store.bin truncated', (i) => halve(seg(i, 'store.bin')), /store\.bin has the wrong size/],
  ['store.bin emptied', (i) => truncateSync(seg(i, 'store.bin'), 0), /store\.bin has the wrong size/],
  ['a flipped byte in lexicon.txt', (i) => flipByte(seg(i, 'lexicon.txt')), /lexicon\.txt does not match its checksum/],
  ['a flipped byte in arrays.bin', (i) => flipByte(seg(i, 'arrays.bin'), 0.1), /arrays\.bin does not match its checksum/],
  ['a flipped byte in positions.bin', (i) => flipByte(seg(i, 'positions.bin'), 0.3), /positions\.bin does not match its checksum/],
  ['a flipped byte in ids.json', (i) => flipByte(seg(i, 'ids.json'), 0.2), /ids\.json does not match its checksum/],
  ['ids.json missing', (i) => rmSync(seg(i, 'ids.json')), /ids\.json is missing/],
  ['store.bin missing', (i) => rmSync(seg(i, 'store.bin')), /store\.bin is missing/],
  ['manifest.json missing', (i) => rmSync(join(genDir(i), 'manifest.json')), /manifest\.json is missing/],
  ['manifest.json not JSON', (i) => writeFileSync(join(genDir(i), 'manifest.json'), '{"format": 5, '), /manifest\.json is not valid JSON/],
  ['manifest.json truncated to nothing', (i) => truncateSync(join(genDir(i), 'manifest.json'), 0), /manifest\.json is not valid JSON/],
  ['manifest.json is null', (i) => writeFileSync(join(genDir(i), 'manifest.json'), 'null'), /not an index manifest/],
  ['a foreign format version', (i) => editManifest(i, (m) => ({ ...m, format: 99 })), /has format 99, this fahras reads format \d+/],
  ['a foreign analyzer version', (i) => rewriteManifest(i, (m) => ({ ...m, analyzerVersion: 999 })), /built by analyzer 999/],
  ['other analysis settings', (i) => rewriteManifest(i, (m) => ({ ...m, settingsHash: 'deadbeef' })), /other analysis settings/],
  ['a hand edit of the manifest that keeps it valid JSON', (i) => editManifest(i, (m) => void (segment(m).sources = segment(m).sources.reverse())), /manifest\.json does not match its checksum/],
  ['a hand edit of the document count', (i) => editManifest(i, (m) => ({ ...m, documents: 7 })), /manifest\.json does not match its checksum/],
  ['a manifest whose arrays run past the end', (i) => rewriteManifest(i, (m) => void (segment(m).arrays = segment(m).arrays.map((a) => ({ ...a, length: a.length * 1000 })))), /damaged/],
  ['a manifest without its file list', (i) => rewriteManifest(i, (m) => void (segment(m).files = null as never)), /damaged/],
  ['a manifest with the wrong document count', (i) => rewriteManifest(i, (m) => ({ ...m, documents: 7 })), /damaged/],
  ['a manifest without its segments', (i) => rewriteManifest(i, (m) => ({ ...m, segments: 'none' })), /damaged/],
  ['CURRENT naming a missing generation', (i) => writeFileSync(join(i, 'CURRENT'), 'gen-20990101-000000000-gone\n'), /manifest\.json is missing/],
  ['CURRENT naming a path outside', (i) => writeFileSync(join(i, 'CURRENT'), '../../etc\n'), /CURRENT names "\.\.\/\.\.\/etc"/],
  ['CURRENT of binary garbage', (i) => writeFileSync(join(i, 'CURRENT'), Buffer.from([0xff, 0x00, 0x1b, 0x0a])), /CURRENT names/],
  ['CURRENT missing', (i) => rmSync(join(i, 'CURRENT')), /no index at .*no CURRENT file/],
  ['CURRENT empty', (i) => writeFileSync(join(i, 'CURRENT'), ''), /no index at .*no CURRENT file/],
  ['the generation folder replaced by a file', (i) => {
    const g = genDir(i);
    rmSync(g, { recursive: true });
    writeFileSync(g, 'not a folder');
  }, /manifest\.json is missing/],
  ['an empty index folder', (i) => {
    rmSync(i, { recursive: true });
    mkdirSync(i);
  }, /no index at .*no CURRENT file/],
];

beforeAll(async () => {
  requireBuilt();
  base = await buildFixtureIndex();
  tmp = mkdtempSync(join(tmpdir(), 'fahras-damaged-'));
});

afterAll(() => {
  base?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

let n = 0;
function damaged(damage: (index: string) => void): string {
  const index = join(tmp, `index-${n++}`);
  cpSync(base.index, index, { recursive: true });
  damage(index);
  return index;
}

function expectOneClearLine(r: { code: number | null; stdout: string; stderr: string }, message: RegExp, where: string): void {
  const w = `${where}\n${r.stderr}`;
  expect(r.code, w).toBe(1);
  expectNoStack(w, r.stdout, r.stderr);
  const lines = errorLines(r.stderr);
  expect(lines, w).toHaveLength(1);
  expect(lines[0], w).toMatch(/^fahras: /);
  expect(lines[0], w).toMatch(/fahras index/);
  expect(lines[0], w).toMatch(message);
}

describe.concurrent('a damaged index folder', () => {
  it.each(DAMAGE)('%s: search and serve exit 1 with one line naming `fahras index`', async (name, damage, message) => {
    const index = damaged(damage);
    const [search, serve] = await Promise.all([
      fahras(['search', 'النفط', '--index', index, '--json']),
      fahras(['serve', '--port', '0', '--index', index], { timeoutMs: 30_000 }),
    ]);
    expect(search.stdout).toBe('');
    expectOneClearLine(search, message, `search (${name})`);
    expectOneClearLine(serve, message, `serve (${name})`);
  });

  it.each(DAMAGE.filter((_, i) => i % 5 === 0 || i >= DAMAGE.length - 2))('%s: start rebuilds from the seeds, says why, serves, and stops on SIGTERM', async (name, damage, message) => {
    const index = damaged(damage);
    const child = await spawnServer(['start', '--port', '0', '--index', index, '--seeds', SEEDS], {}, 60_000);
    try {
      const err = child.stderr();
      const why = err.split('\n').find((l) => l.startsWith('building the index from '));
      expect(why, err).toBeDefined();
      expect(why, err).toContain(SEEDS);
      expect(why, err).toMatch(message);
      expectNoStack(name, err);
      const stats = await (await fetch(`${child.url}/api/stats`)).json();
      expect(stats.documents).toBe(SEED_DOCS);
      const search = await fetch(`${child.url}/api/search?q=${encodeURIComponent('الإرهاب')}`);
      expect(search.status).toBe(200);
    } finally {
      await child.stop();
    }
    expect(await child.exit).toEqual({ code: 0, signal: null });
    // What it built is a sound index for the next start.
    const again = await fahras(['search', 'الإرهاب', '--index', index, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).total).toBe(1);
  });
});
