/**
 * Hostile documents (tests/fixtures/hostile/docs.jsonl): titles, texts, ids
 * and metadata full of <script>, event handlers, javascript: URLs, stray
 * </mark>/<mark>, entities, quotes, mXSS shapes and bidi overrides, each with
 * Arabic words so it is found. They are indexed and searched; the API returns
 * text that parses (parse5) to bare <mark>s and reads back as the original;
 * in real Chromium, with JavaScript on and off, on the results pages and the
 * document view, nothing runs (no dialog, window.__pwned never set, no
 * injected element) and the markup is shown literally; `fahras search` prints
 * no control character of theirs to the terminal.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/build.js';
import type { RunningServer } from '../../src/server/serve.js';
import { ROOT, startTestServer } from '../helpers/server.js';
import { expectOnlyMarks, expectSafePage, fahras, fragmentText, requireBuilt } from './helpers.js';

const FIXTURE = join(ROOT, 'tests', 'fixtures', 'hostile', 'docs.jsonl');
const WORD = 'ثغرة';
const enc = encodeURIComponent;

interface Doc {
  id: string;
  title: string;
  text: string;
  [k: string]: unknown;
}
const DOCS: Doc[] = readFileSync(FIXTURE, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Doc);
/** What an HTML parser makes of text: NULs in text are dropped. */
const parsed = (s: string) => s.replace(/\0/g, '');

let dir: string;
let srv: RunningServer;
let browser: Browser;
/** One context with JavaScript and one without; each test opens its own page. */
const contexts = new Map<boolean, BrowserContext>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fahras-hostile-'));
  const [summary, b] = await Promise.all([
    buildIndex({ input: FIXTURE, out: join(dir, 'index'), strict: true }),
    chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] }),
  ]);
  expect(summary.documents).toBe(DOCS.length);
  browser = b;
  for (const js of [true, false]) contexts.set(js, await browser.newContext({ javaScriptEnabled: js, locale: 'ar', viewport: { width: 1100, height: 800 } }));
  srv = await startTestServer({ index: join(dir, 'index'), watch: false, reloadPollMs: 0 });
});

afterAll(async () => {
  await browser?.close();
  await srv?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('hostile documents in the terminal', () => {
  it('fahras search shows control characters of documents as U+FFFD, markup as text', async () => {
    requireBuilt();
    const r = await fahras(['search', WORD, '--index', join(dir, 'index'), '--limit', '100']);
    expect(r.code).toBe(0);
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(r.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    const controls = DOCS.find((d) => d.id === 'h-controls')!;
    expect(controls.title).toContain('\x1b[31m');
    expect(r.stdout).toContain('تحكم\ufffd\ufffd\ufffd[31m [ثغرة] المحارف');
    expect(r.stdout).toContain('<script>');
  });
});

describe('hostile documents through the API', () => {
  it('every document is found, and every highlighted field is bare <mark>s over the original text', async () => {
    const res = await fetch(`${srv.url}/api/search?q=${enc(WORD)}&limit=100`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { total: number; hits: { id: string; title: string; titleHighlighted: string; snippet: string }[] };
    expect(body.total).toBe(DOCS.length);
    expect(new Set(body.hits.map((h) => h.id))).toEqual(new Set(DOCS.map((d) => d.id)));
    for (const h of body.hits) {
      const doc = DOCS.find((d) => d.id === h.id)!;
      expectOnlyMarks(h.titleHighlighted, `title of ${h.id}`);
      expectOnlyMarks(h.snippet, `snippet of ${h.id}`);
      expect(h.title).toBe(doc.title);
      expect(fragmentText(h.titleHighlighted)).toBe(parsed(doc.title));
      expect(h.snippet).toContain(`<mark>`);
    }
  });

  it.each(DOCS.map((d) => [d.id, d] as const))('document %s: JSON holds the raw text, highlighted fields are safe', async (id, doc) => {
    const plain = await fetch(`${srv.url}/api/documents/${enc(id)}`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
    const raw = (await plain.json()) as Doc;
    expect(raw.title).toBe(doc.title);
    expect(raw.text).toBe(doc.text);
    const res = await fetch(`${srv.url}/api/documents/${enc(id)}?q=${enc(WORD)}`);
    const d = (await res.json()) as { titleHighlighted: string; textHighlighted: string; highlights: { text: unknown[] } };
    expectOnlyMarks(d.titleHighlighted, 'titleHighlighted');
    expectOnlyMarks(d.textHighlighted, 'textHighlighted');
    expect(fragmentText(d.textHighlighted)).toBe(parsed(doc.text));
    expect(d.highlights.text.length).toBeGreaterThan(0);
  });

  it('the server-rendered pages are safe HTML (parse5)', async () => {
    for (const path of [`/?q=${enc(WORD)}`, `/?q=${enc(WORD)}&page=2`, ...DOCS.map((d) => `/doc/${enc(d.id)}?q=${enc(WORD)}`), ...DOCS.map((d) => `/doc/${enc(d.id)}`)]) {
      const res = await fetch(srv.url + path, { headers: { accept: 'text/html' } });
      expect(res.status, path).toBe(200);
      expectSafePage(await res.text(), path);
    }
  });
});

/** Payloads that would each leave a trace if they ran. */
async function expectInert(p: Page, dialogs: string[], where: string): Promise<void> {
  expect(dialogs, `${where}: a dialog opened`).toEqual([]);
  expect(await p.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), `${where}: a payload ran`).toBeUndefined();
  const injected = await p.evaluate(() =>
    [...document.querySelectorAll('main *')]
      .filter((e) => ['SCRIPT', 'IMG', 'IFRAME', 'SVG', 'MATH', 'STYLE', 'BASE', 'META', 'LINK', 'NOSCRIPT', 'TEMPLATE', 'OBJECT', 'EMBED', 'B'].includes(e.tagName.toUpperCase()) || [...e.attributes].some((a) => a.name.startsWith('on')))
      .map((e) => e.outerHTML.slice(0, 120)),
  );
  expect(injected, `${where}: injected elements`).toEqual([]);
  const jsLinks = await p.evaluate(() => [...document.querySelectorAll('[href],[src],[action]')].map((e) => e.getAttribute('href') ?? e.getAttribute('src') ?? e.getAttribute('action') ?? '').filter((v) => /^\s*javascript:/i.test(v)));
  expect(jsLinks, `${where}: javascript: links`).toEqual([]);
  expect(await p.evaluate(() => document.querySelectorAll('base').length), `${where}: <base>`).toBe(0);
  expect(await p.evaluate(() => getComputedStyle(document.body).display), `${where}: injected style`).not.toBe('none');
}

async function withPage(js: boolean, fn: (p: Page, dialogs: string[], problems: string[]) => Promise<void>): Promise<void> {
  const p = await contexts.get(js)!.newPage();
  const dialogs: string[] = [];
  const problems: string[] = [];
  p.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  p.on('pageerror', (e) => problems.push(e.message));
  p.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  try {
    await fn(p, dialogs, problems);
  } finally {
    await p.close();
  }
}

/** Literal markup each results page must show as text. */
const LITERALS_PAGE_1_OR_2 = ['<script>window.__pwned=1</script>', '<img src=x onerror="window.__pwned=2;alert(2)">', '&lt;script&gt;alert(5)&lt;/script&gt;', '</mark><script>window.__pwned=4</script><mark>', '\u202eملف'];

async function resultsText(p: Page): Promise<string> {
  return (await p.locator('#results').textContent()) ?? '';
}

describe.each([
  ['JavaScript on', true],
  ['JavaScript off', false],
] as const)('hostile documents in Chromium, %s', (_label, js) => {
  it('the results pages run nothing and show the markup literally', async () => {
    await withPage(js, async (p, dialogs, problems) => {
      let text = '';
      for (const page of [1, 2]) {
        await p.goto(`${srv.url}/?q=${enc(WORD)}${page > 1 ? `&page=${page}` : ''}`);
        await p.locator('#results .result').first().waitFor();
        expect(await p.locator('#results .result mark').count()).toBeGreaterThan(0);
        text += await resultsText(p);
        await expectInert(p, dialogs, `results page ${page}`);
      }
      for (const lit of LITERALS_PAGE_1_OR_2) expect(text, lit).toContain(lit);
      // The hostile source is a facet label, as text; its link stays on this site.
      const facet = p.locator('#facets .facet', { hasText: '<script>window.__pwned=6</script>' });
      expect(await facet.count()).toBe(1);
      expect(new URL((await facet.getAttribute('href'))!, srv.url).origin).toBe(new URL(srv.url).origin);
      await facet.click();
      await p.waitForURL((u) => u.searchParams.get('source') === '"><script>window.__pwned=6</script>');
      // With JavaScript the address changes first and the filtered results follow: wait for them.
      await expect.poll(() => p.locator('#results .result').count()).toBe(1);
      await expectInert(p, dialogs, 'hostile facet');
      if (js) expect(problems.filter((m) => !/Failed to load resource/.test(m))).toEqual([]);
    });
  });

  it.each(DOCS.map((d) => [d.id, d] as const))('the document view of %s runs nothing and shows the text literally', async (id, doc) => {
    await withPage(js, async (p, dialogs) => {
      const res = await p.goto(`${srv.url}/doc/${enc(id)}?q=${enc(WORD)}`);
      expect(res!.status()).toBe(200);
      expect(await p.locator('.doc-text mark').count()).toBeGreaterThan(0);
      expect(await p.locator('.doc-text').textContent()).toBe(parsed(doc.text));
      expect(await p.locator('.doc-title').textContent()).toBe(parsed(doc.title || doc.id));
      const title = await p.title();
      expect(title).toMatch(/ — فهرس$/);
      // (Control characters in a title are shown by the browser as it likes: compare printable titles only.)
      if (![...doc.title].some((c) => c.charCodeAt(0) < 0x20)) expect(title).toContain((doc.title || doc.id).trim().slice(0, 20));
      const original = p.locator('a.original');
      if (typeof doc.url === 'string' && /^https?:/.test(doc.url)) {
        expect(await original.getAttribute('href')).toBe(doc.url);
        expect(await original.evaluate((a) => [...a.attributes].map((x) => x.name).sort())).toEqual(['class', 'href', 'rel']);
      } else expect(await original.count()).toBe(0);
      await expectInert(p, dialogs, `document ${id}`);
    });
  });

  if (js) {
    it('results typed into the search box (rendered by the script) run nothing', async () => {
      await withPage(true, async (p, dialogs) => {
        await p.goto(`${srv.url}/`);
        await p.locator('#q').click();
        await p.locator('#q').pressSequentially(WORD, { delay: 20 });
        await p.locator('#results .result mark').first().waitFor();
        await expect.poll(() => new URL(p.url()).searchParams.get('q')).toBe(WORD);
        const text = await resultsText(p);
        expect(text).toContain('<script>window.__pwned=1</script>');
        expect(text).toContain('&lt;script&gt;alert(5)&lt;/script&gt;');
        await expectInert(p, dialogs, 'typed results');
        // Next page, rendered by the script.
        await p.locator('#pager a.next').click();
        await expect.poll(() => new URL(p.url()).searchParams.get('page')).toBe('2');
        await p.locator('#results .result').first().waitFor();
        await expectInert(p, dialogs, 'typed results, page 2');
        // Suggestions from hostile words are text too.
        await p.locator('#q').fill('');
        await p.locator('#q').pressSequentially('ثغ', { delay: 20 });
        await p.locator('#suggestions [role="option"]').first().waitFor();
        await expectInert(p, dialogs, 'suggestions');
      });
    });
  }
});
