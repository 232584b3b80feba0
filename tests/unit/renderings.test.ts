/**
 * One hit, rendered by each edge: the API's HTML (view/marked.ts) and the
 * terminal's bold or [bracketed] text (cli/terminal.ts) show the same words
 * marked, the same fragments and the same ellipses, on real Arabic news.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markedText, snippetText } from '../../src/cli/terminal.js';
import { buildIndex } from '../../src/index/build.js';
import { openIndex, type Searcher } from '../../src/search/searcher.js';
import { markedHtml, snippetHtml } from '../../src/server/view/marked.js';

const SEEDS = new URL('../../seeds', import.meta.url).pathname;
let tmp: string;
let seed: Searcher;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'fahras-render-'));
  await buildIndex({ input: SEEDS, out: join(tmp, 'seed') });
  seed = await openIndex(join(tmp, 'seed'));
});

afterAll(() => {
  seed?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const unmarkHtml = (s: string) => s.replace(/<mark>/g, '[').replace(/<\/mark>/g, ']').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

describe('the same hit at each edge', () => {
  it('a three-fragment snippet: HTML and terminal text agree word for word', () => {
    const h = seed.search('بغداد واشنطن الإرهاب الطاقة داعش أوبك البيشمركة الاستثمار').hits[0];
    expect(h.snippet.fragments.length).toBe(3);
    const html = snippetHtml(h.snippet);
    const plain = snippetText(h.snippet, false);
    expect(unmarkHtml(html)).toBe(plain);
    expect(plain.startsWith('… ')).toBe(h.snippet.before);
    expect(plain.endsWith(' …')).toBe(h.snippet.after);
    expect(plain.replace(/^… /, '').replace(/ …$/, '').split(' … ')).toEqual(h.snippet.fragments.map((f) => markedText(f.text, f.highlights, false)));
    expect(plain).toContain('[بغداد]');
    const bold = snippetText(h.snippet, true);
    expect(bold).toContain('\x1b[1mبغداد\x1b[22m');
    expect(bold.replaceAll('\x1b[1m', '[').replaceAll('\x1b[22m', ']')).toBe(plain);
  });

  it('a title: marks on the words the search found, numbered for the document view', () => {
    const h = seed.search('العراق').hits[0];
    expect(h.highlights.title.length).toBeGreaterThan(0);
    expect(unmarkHtml(markedHtml(h.title, h.highlights.title))).toBe(markedText(h.title, h.highlights.title, false));
    const numbered = markedHtml(h.title, h.highlights.title, 1);
    expect([...numbered.matchAll(/<mark id="m(\d+)">/g)].map((m) => Number(m[1]))).toEqual(h.highlights.title.map((_, i) => i + 1));
  });
});
