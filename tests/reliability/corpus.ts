/**
 * Documents for the reliability suites that run the CLI: real Arabic
 * sentences (the seed article and the test news) put together at any length
 * by a seeded generator, an index of them built by `fahras index` (the CLI
 * under test), and `fahras serve` over it.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { ROOT } from '../helpers/server.js';
import { fahras, prng, requireBuilt, spawnServer, type ServeChild } from './helpers.js';

function sentencesOf(text: string): string[] {
  return text
    .split(/[.\n،؛!؟]+/u)
    .map((s) => s.trim())
    .filter((s) => s.split(/\s+/).length >= 4);
}

/** Every sentence of the seed article and the test news. */
export const SENTENCES: readonly string[] = (() => {
  const out: string[] = [];
  for (const f of readdirSync(join(ROOT, 'seeds'))) out.push(...sentencesOf(readFileSync(join(ROOT, 'seeds', f), 'utf8')));
  for (const file of ['tests/fixtures/news.jsonl', 'tests/fixtures/server/news.jsonl']) {
    for (const line of readFileSync(join(ROOT, file), 'utf8').split('\n').filter(Boolean)) out.push(...sentencesOf((JSON.parse(line) as { text: string }).text));
  }
  return out;
})();

/** Arabic text of exactly `chars` characters: sentences drawn by `rand`, joined by « . ». */
export function arabicText(chars: number, rand: () => number): string {
  const parts: string[] = [];
  let n = 0;
  while (n < chars) {
    const s = SENTENCES[Math.floor(rand() * SENTENCES.length)];
    parts.push(s);
    n += s.length + 2;
  }
  return parts.join('. ').slice(0, chars);
}

export interface CliIndex {
  dir: string;
  index: string;
  /** What `fahras index` printed on stderr (its problem lines). */
  stderr: string;
  cleanup(): void;
}

/** `docs` written as JSONL and indexed by `fahras index`; fails the test unless it exits 0. */
export async function cliIndex(docs: readonly Record<string, unknown>[], name = 'docs'): Promise<CliIndex> {
  const dir = mkdtempSync(join(tmpdir(), 'fahras-rel-'));
  writeFileSync(join(dir, `${name}.jsonl`), docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  const index = join(dir, 'index');
  const r = await fahras(['index', '--input', join(dir, `${name}.jsonl`), '--out', index], { timeoutMs: 120_000 });
  expect(r.code, r.stderr).toBe(0);
  return { dir, index, stderr: r.stderr, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `fahras serve` over `index` on a free port. */
export function cliServe(index: string, env: NodeJS.ProcessEnv = {}): Promise<ServeChild> {
  return spawnServer(['serve', '--index', index, '--port', '0', '--host', '127.0.0.1'], env);
}

/** Debian's Chromium, as the browser suites launch it. */
export const CHROMIUM = { executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] };

interface ServedInChromium {
  idx: CliIndex;
  srv: ServeChild;
  browser: Browser;
}

/**
 * For a test file: `docs()` indexed by `fahras index` and served by `fahras
 * serve` (with `env`), Chromium launched meanwhile, before its tests; all of
 * it stopped and removed after. Its fields are read once the tests run.
 */
export function useServedInChromium(docs: () => readonly Record<string, unknown>[], env: NodeJS.ProcessEnv = {}): Readonly<ServedInChromium> {
  let fixture: ServedInChromium | undefined;
  beforeAll(async () => {
    requireBuilt();
    const [idx, browser] = await Promise.all([cliIndex(docs()), chromium.launch(CHROMIUM)]);
    fixture = { idx, browser, srv: await cliServe(idx.index, env) };
  }, 120_000);
  afterAll(async () => {
    await fixture?.browser.close();
    await fixture?.srv.stop();
    fixture?.idx.cleanup();
  });
  return new Proxy({} as ServedInChromium, { get: (_target, key: keyof ServedInChromium) => fixture![key] });
}

export { prng };
