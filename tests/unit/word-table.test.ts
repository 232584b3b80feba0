import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../../src/analysis/pipeline.js';
import { buildIndex } from '../../src/index/build.js';
import { openIndex } from '../../src/search/searcher.js';

const root = mkdtempSync(join(tmpdir(), 'fahras-wordtable-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the word table starting afresh during a build', () => {
  it('indexes every word under its own terms even when the table is emptied in the middle of a field', async () => {
    // A table of 30 words is emptied many times inside each document of the fixture.
    const small = new Analyzer(undefined, 30);
    await buildIndex({ input: 'tests/fixtures/news.jsonl', out: join(root, 'small'), analyzer: small });
    await buildIndex({ input: 'tests/fixtures/news.jsonl', out: join(root, 'normal') });
    expect(small.epoch).toBeGreaterThan(3);
    const a = await openIndex(join(root, 'small'));
    const b = await openIndex(join(root, 'normal'));
    const words = new Set<string>();
    for (let d = 0; d < b.size; d++) for (const t of b.analyzer.analyze(b.readDocument(d).text)) words.add(t.norm);
    expect(words.size).toBeGreaterThan(100);
    for (const w of words) {
      const ids = (s: typeof a) => s.search(w, { limit: 50, snippets: false }).hits.map((h) => h.id).sort();
      expect(ids(a), w).toEqual(ids(b));
    }
    a.close();
    b.close();
  });
});

describe('the analyzer’s scan and its word view', () => {
  const text = 'أعلنت وزارة الطاقة أن أسعار النفط ارتفعت في الأسواق، وأن إنتاج النفط سيزيد في الربع المقبل';

  it('gives each word its readings, offsets into the text and a stable entry within a scan', () => {
    const a = new Analyzer();
    const seen: { surface: string; entry: number; stem: string; stop: boolean }[] = [];
    a.scan(text, (start, end, w) => {
      expect(text.slice(start, end)).toBe(w.surface);
      seen.push({ surface: w.surface, entry: w.entry, stem: w.stem(), stop: w.isStop() });
    });
    const oil = seen.filter((s) => s.surface === 'النفط');
    expect(oil).toHaveLength(2);
    expect(oil[0].entry).toBe(oil[1].entry);
    expect(oil[0].stem).toBe('نفط');
    expect(seen.find((s) => s.surface === 'في')?.stop).toBe(true);
    expect(seen.map((s) => s.stem)).toEqual(a.analyze(text, true).map((t) => t.stem));
  });

  it('starts its word table afresh only between scans, and says so through the epoch', () => {
    const a = new Analyzer(undefined, 5);
    const epochs = new Set<number>();
    const entries = new Map<string, number>();
    a.scan(text, (_s, _e, w) => {
      epochs.add(a.epoch);
      const before = entries.get(w.surface);
      if (before !== undefined) expect(w.entry).toBe(before);
      entries.set(w.surface, w.entry);
    });
    // More than five distinct words: the table filled up during the scan, yet kept its numbers until it ended.
    expect(entries.size).toBeGreaterThan(5);
    expect(epochs.size).toBe(1);
    expect(a.epoch).toBe([...epochs][0] + 1);
  });

  it('screens words with the may-match probe before any string is compared', () => {
    const a = new Analyzer();
    const probe = a.probe(['نفط'], [], [], false);
    const maybe: string[] = [];
    a.scan(text, (_s, _e, w) => {
      if (w.mayMatch(probe)) maybe.push(w.surface);
    });
    expect(maybe).toEqual(['النفط', 'النفط']);
    const anyPrefix = a.probe([], [], [], true);
    let n = 0;
    a.scan('الطاقة في السوق', (_s, _e, w) => void (w.mayMatch(anyPrefix) && n++));
    // every word but the stop word في may match a prefix
    expect(n).toBe(2);
  });
});
