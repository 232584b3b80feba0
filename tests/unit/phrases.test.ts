/**
 * Phrases from positions: on real Arabic news and on random documents made of
 * a small vocabulary (so phrases repeat, straddle title and text, and use the
 * same word twice), the documents found from the index's positions are exactly
 * those whose title or text holds the phrase when re-analysed word by word.
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../../src/analysis/pipeline.js';
import { buildIndex } from '../../src/index/build.js';
import { parseQuery } from '../../src/search/query.js';
import { openIndex, type Searcher } from '../../src/search/searcher.js';

const root = mkdtempSync(join(tmpdir(), 'fahras-phrases-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const analyzer = new Analyzer();

/** Whether `text`, analysed, holds the phrase's stems at their offsets (stop words counted). */
function holdsPhrase(text: string, words: { stem: string; offset: number }[]): boolean {
  const at = analyzer.analyze(text, true).map((t) => t.stem);
  return at.some((_, p) => words.every((w) => at[p + w.offset] === w.stem));
}

async function indexOf(name: string, docs: { id: string; title: string; text: string }[]): Promise<Searcher> {
  const file = join(root, `${name}.jsonl`);
  writeFileSync(file, docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  await buildIndex({ input: file, out: join(root, name) });
  return openIndex(join(root, name));
}

function expectSameAsReading(s: Searcher, docs: { id: string; title: string; text: string }[], phrase: string): void {
  const q = parseQuery(`"${phrase}"`, analyzer);
  const found = new Set(s.search(`"${phrase}"`, { limit: 1000, snippets: false }).hits.map((h) => h.id));
  if (q.phrases.length === 0) return;
  const words = q.phrases[0].words;
  const expected = new Set(docs.filter((d) => holdsPhrase(d.title, words) || holdsPhrase(d.text, words)).map((d) => d.id));
  expect([...found].sort(), phrase).toEqual([...expected].sort());
}

describe('phrases from positions', () => {
  it('finds exactly the news articles holding each phrase', async () => {
    const docs = readFileSync(new URL('../fixtures/server/news.jsonl', import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; title: string; text: string });
    const s = await indexOf('news', docs);
    try {
      for (const phrase of ['أسعار النفط', 'النفط أسعار', 'في الأسواق', 'منظمة الدول المصدرة', 'الشعاب المرجانية', 'الأمن الغذائي', 'خادم الحرمين الشريفين']) expectSameAsReading(s, docs, phrase);
    } finally {
      s.close();
    }
  });

  it('reads positions whose count the frequency byte cannot hold (a word 70 times in the text, 5 times in the title)', async () => {
    const docs = [
      { id: 'many', title: 'النفط النفط النفط النفط السوق النفط', text: `${'النفط '.repeat(70)}ارتفعت أسعار النفط في السوق` },
      { id: 'after', title: 'أسعار النفط', text: 'ارتفعت أسعار النفط في السوق اليوم' },
    ];
    const s = await indexOf('capped', docs);
    try {
      for (const phrase of ['النفط النفط', 'أسعار النفط', 'النفط السوق', 'السوق النفط', 'النفط في السوق']) expectSameAsReading(s, docs, phrase);
      expect(s.search('"النفط ارتفعت أسعار"', { snippets: false }).hits.map((h) => h.id)).toEqual(['many']);
    } finally {
      s.close();
    }
  });

  it('agrees with reading the documents on random texts, repeated words and title/text boundaries included', async () => {
    const vocabulary = ['النفط', 'أسعار', 'عام', 'في', 'السوق', 'ارتفعت', 'وزير', 'الطاقة', 'من', 'عام'];
    const sentence = fc.array(fc.constantFrom(...vocabulary), { minLength: 1, maxLength: 12 }).map((w) => w.join(' '));
    const corpus = fc.array(fc.record({ title: sentence, text: sentence }), { minLength: 1, maxLength: 12 });
    const phrase = fc.array(fc.constantFrom(...vocabulary), { minLength: 2, maxLength: 3 }).map((w) => w.join(' '));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(corpus, fc.array(phrase, { minLength: 1, maxLength: 4 }), async (records, phrases) => {
        const docs = records.map((r, i) => ({ id: `d${i}`, ...r }));
        const s = await indexOf(`random-${n++}`, docs);
        try {
          for (const p of phrases) expectSameAsReading(s, docs, p);
        } finally {
          s.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
