/**
 * Sources by the hundred thousand, and sources whose names could collide: an
 * index of 100,000 articles from 100,000 sources, plus articles whose source
 * is "(none)", "__proto__", "constructor", empty or missing, and one whose
 * record nests a source under "__proto__". The API answers the top sources
 * and the number of the others, not every source; the page stays small and
 * renders a typed search in Chromium; every name is its own key and filter.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/build.js';
import { SOURCE_FACET_LIMIT } from '../../src/common/limits.js';
import type { RunningServer } from '../../src/server/serve.js';
import { startTestServer } from '../helpers/server.js';
import { launchChromium, Renderer, settled, typeInto } from './renderer.js';

const SOURCES = 100_000;
const enc = encodeURIComponent;
let dir: string;
let srv: RunningServer;
let browser: Browser;

/** Articles about oil from SOURCES sources, one each; the first ten sources have a second article. */
function records(): string[] {
  const out: string[] = [];
  for (let i = 0; i < SOURCES; i++) out.push(JSON.stringify({ id: `s${i}`, title: `خبر رقم ${i}`, text: `ارتفعت أسعار النفط اليوم في السوق رقم ${i}`, source: `مصدر ${i}`, date: '2015-07-21' }));
  for (let i = 0; i < 10; i++) out.push(JSON.stringify({ id: `t${i}`, title: `خبر آخر ${i}`, text: 'تراجعت أسعار النفط في نهاية الأسبوع', source: `مصدر ${i}`, date: '2015-07-22' }));
  // Names that are object machinery, look like "no source", or are no source at all.
  const clash = 'تصادم الأسماء في حقل المصدر';
  out.push(JSON.stringify({ id: 'c-none', title: 'مصدر باسم (none)', text: clash, source: '(none)' }));
  out.push(JSON.stringify({ id: 'c-proto', title: 'مصدر باسم __proto__', text: clash, source: '__proto__' }));
  out.push(JSON.stringify({ id: 'c-ctor', title: 'مصدر باسم constructor', text: clash, source: 'constructor' }));
  out.push(JSON.stringify({ id: 'c-empty', title: 'مصدر فارغ', text: clash, source: '' }));
  out.push(JSON.stringify({ id: 'c-missing', title: 'بلا مصدر', text: clash }));
  out.push(`{"id": "c-nested", "title": "مصدر تحت __proto__", "text": "${clash}", "__proto__": {"source": "مخفي"}}`);
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fahras-sources-'));
  mkdirSync(join(dir, 'docs'));
  writeFileSync(join(dir, 'docs', 'many.jsonl'), records().join('\n') + '\n');
  [browser] = await Promise.all([launchChromium(), buildIndex({ input: join(dir, 'docs'), out: join(dir, 'index') })]);
  srv = await startTestServer({ index: join(dir, 'index'), watch: false, reloadPollMs: 0 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function get(path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(srv.url + path);
  return { status: res.status, text: await res.text() };
}

describe('100,000 sources', () => {
  it('the API answers the top sources and what the others hold, in a few kilobytes', async () => {
    const { status, text } = await get(`/api/search?q=${enc('أسعار النفط')}`);
    expect(status).toBe(200);
    expect(text.length).toBeLessThan(20_000);
    const r = JSON.parse(text);
    expect(r.total).toBe(SOURCES + 10);
    expect(Object.keys(r.facets.source)).toHaveLength(SOURCE_FACET_LIMIT);
    // The ten sources with two articles lead, by name; then sources of one, by name.
    expect(Object.values(r.facets.source).slice(0, 10)).toEqual(Array(10).fill(2));
    expect(r.facets.sourceOthers).toEqual({ sources: SOURCES - SOURCE_FACET_LIMIT, documents: SOURCES + 10 - 20 - (SOURCE_FACET_LIMIT - 10) });
  });

  it('the page weighs kilobytes, lists the top sources and says how many others there are', async () => {
    const { status, text } = await get(`/?q=${enc('أسعار النفط')}`);
    expect(status).toBe(200);
    expect(text.length).toBeLessThan(60_000);
    expect(text.match(/class="facet[ "]/g)!.length).toBe(SOURCE_FACET_LIMIT + 1 + 2);
    expect(text).toContain(`و${(SOURCES - SOURCE_FACET_LIMIT).toLocaleString('ar-u-nu-arab')} مصادر أخرى`);
  });

  it('a typed search renders in Chromium, and a source outside the top ones stays shown when chosen', async () => {
    const r = await Renderer.open(browser, () => srv.url);
    try {
      await r.withPage(async (p) => {
        const shown = await r.typedFromHome(p, 'أسعار النفط');
        expect(shown.areas.results).toContain('class="result"');
        await p.goto(`${srv.url}/?q=${enc('أسعار النفط')}&source=${enc('مصدر 99999')}`);
        const chosen = await r.expectSameAsLoaded(p);
        expect(chosen.areas.facets).toMatch(/aria-current="true" data-nav=""><bdi>مصدر 99999<\/bdi> <span class="count">١<\/span>/);
        await typeInto(p, ' اليوم');
        await settled(p, (u) => u.searchParams.get('q') === 'أسعار النفط اليوم');
        await r.expectSameAsLoaded(p);
      });
    } finally {
      await r.close();
    }
  });
});

describe('source names that could collide', () => {
  const clash = enc('تصادم الأسماء');

  it('each name is its own facet key, apart from documents without a source', async () => {
    const r = JSON.parse((await get(`/api/search?q=${clash}`)).text);
    expect(r.total).toBe(6);
    expect(Object.keys(r.facets.source).sort()).toEqual(['', '(none)', '__proto__', 'constructor'].sort());
    // Empty, missing, and nested under "__proto__" (metadata has no prototype: not a source): no source.
    expect(r.facets.source['']).toBe(3);
    for (const name of ['(none)', '__proto__', 'constructor']) expect(r.facets.source[name]).toBe(1);
  });

  it('each name filters to its own documents', async () => {
    const ids = async (source: string) => JSON.parse((await get(`/api/search?q=${clash}&source=${enc(source)}`)).text).hits.map((h: { id: string }) => h.id).sort();
    expect(await ids('(none)')).toEqual(['c-none']);
    expect(await ids('__proto__')).toEqual(['c-proto']);
    expect(await ids('constructor')).toEqual(['c-ctor']);
    expect(await ids('')).toEqual(['c-empty', 'c-missing', 'c-nested']);
    const nested = JSON.parse((await get('/api/documents/c-nested')).text);
    expect(nested.metadata.source).toBeUndefined();
    expect(nested.metadata['__proto__']).toEqual({ source: 'مخفي' });
  });

  it('the page lists them apart and filters by each', async () => {
    const r = await Renderer.open(browser, () => srv.url);
    try {
      await r.withPage(async (p) => {
        await p.goto(`${srv.url}/?q=${clash}`);
        const labels = await p.locator('#facets .facet-list:not(.date-facet) .facet bdi').allInnerTexts();
        expect(labels.sort()).toEqual(['(none)', '__proto__', 'constructor', 'بدون مصدر', 'كل المصادر'].sort());
        await p.locator('#facets .facet', { hasText: '__proto__' }).click();
        await settled(p, (u) => u.searchParams.get('source') === '__proto__');
        expect((await r.expectSameAsLoaded(p)).areas.results).toContain('/doc/c-proto');
        await p.goBack();
        await settled(p, (u) => !u.searchParams.has('source'));
        await p.locator('#facets .facet', { hasText: 'بدون مصدر' }).click();
        await settled(p, (u) => u.searchParams.get('source') === '');
        expect(await p.locator('#results .result').count()).toBe(3);
        await r.expectSameAsLoaded(p);
      });
    } finally {
      await r.close();
    }
  });
});
