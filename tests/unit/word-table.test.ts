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
