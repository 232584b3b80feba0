import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../../src/analysis/pipeline.js';
import { tokenize } from '../../src/analysis/tokenize.js';
import { hashPair, hashString } from '../../src/common/hash.js';
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

/**
 * A word of up to 8 characters of the Arabic block is found by its hash and
 * its spelling (two integers); any other word by its hash and a comparison of
 * its characters. These tests name the words that take each path.
 */
describe('the word table’s spellings: short Arabic words found without comparing characters', () => {
  // A real news sentence with words of both kinds: short and long Arabic words, diacritics, Persian letters,
  // a presentation form (outside the Arabic block), Latin and Arabic-Indic digits, a Latin word and an astral letter.
  const text =
    'أعلنت وزارةُ الطاقة أنّ الاستثمارات والمستثمرين في قطاع النفط بلغت ٢٠١٥ مليار ریال، وقال الوزير لـ CNN إن ﻻ تراجع في الإنتاج 𝐀𝐁 والاستثمار الاستثما';

  /** The entry and readings of every word of `text`, scanned by `a`. */
  function entries(a: Analyzer, t: string) {
    const out: { surface: string; entry: number; start: number; end: number; norm: string; stem: string }[] = [];
    a.scan(t, (start, end, w) => out.push({ surface: w.surface, entry: w.entry, start, end, norm: w.norm(), stem: w.stem() }));
    return out;
  }

  it('gives the same word the same entry and different words different entries, whichever path finds them', () => {
    const a = new Analyzer();
    const first = entries(a, text);
    const second = entries(a, text);
    expect(second).toEqual(first);
    // The words are the tokenizer's, with the readings a fresh analyzer gives each word on its own.
    expect(first.map((w) => [w.surface, w.start, w.end])).toEqual(tokenize(text).map((t) => [t.surface, t.start, t.end]));
    for (const w of first) {
      const [alone] = new Analyzer().analyze(w.surface, true);
      expect([w.norm, w.stem], w.surface).toEqual([alone.norm, alone.stem]);
    }
    const bySurface = new Map<string, number>();
    const byEntry = new Map<number, string>();
    for (const w of first) {
      expect(bySurface.get(w.surface) ?? w.entry, w.surface).toBe(w.entry);
      expect(byEntry.get(w.entry) ?? w.surface, w.surface).toBe(w.surface);
      bySurface.set(w.surface, w.entry);
      byEntry.set(w.entry, w.surface);
    }
    // Each path is taken: 8 letters or fewer (spelt), 9 or more, a Latin word, digits, a presentation form, an astral letter.
    for (const w of ['الطاقة', 'الاستثما', 'والاستثمار', 'والمستثمرين', 'CNN', '٢٠١٥', 'ﻻ', '𝐀𝐁', 'ریال', 'وزارةُ']) expect(bySurface.has(w), w).toBe(true);
  });

  it('tells apart words that share their first 8 letters, or differ by a letter outside the Arabic block', () => {
    const a = new Analyzer();
    const words = ['الاستثما', 'الاستثمار', 'الاستثمارات', 'نفط', 'نفطA', 'Aنفط', 'نفط٢', 'نفط2', 'نفطً', 'نفطﻻ'];
    const got = entries(a, words.join(' '));
    expect(got.map((w) => w.surface)).toEqual(words);
    expect(new Set(got.map((w) => w.entry)).size).toBe(words.length);
    // Found again one by one, each word gets its entry back.
    for (const w of got) expect(entries(a, w.surface)[0].entry, w.surface).toBe(w.entry);
  });

  /** Two different words of `letters` letters (from the Arabic block) with the same hash under `hash`. */
  function collision(letters: number, hash: (w: string) => number): [string, string] {
    const alphabet = 'ابتثجحخدذرزسشصضطظعغفقكلمنهوي';
    const seen = new Map<number, string>();
    let x = 12345;
    for (;;) {
      let w = '';
      for (let i = 0; i < letters; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        w += alphabet[(x >>> 16) % alphabet.length];
      }
      const h = hash(w);
      const other = seen.get(h);
      if (other !== undefined && other !== w) return [other, w];
      seen.set(h, w);
    }
  }

  /**
   * The hash that places entry `e` in the table (white-box, to check a test's
   * premise): from its two keys, its spelling, or its FNV hash and 0x100 for a
   * word without one.
   */
  function heldHash(a: Analyzer, e: number): number {
    const keys = (a as unknown as { table: { keys: { raw: Int32Array } } }).table.keys.raw;
    return keys[2 * e + 1] === 0x100 ? keys[2 * e] : hashPair(keys[2 * e], keys[2 * e + 1]);
  }

  /** The spelling of a word of the Arabic block of 8 letters or fewer: a byte a letter (its code less 0x600), the first the highest. */
  function spellingHash(w: string): number {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < w.length; i++) {
      hi = (hi << 8) | (lo >>> 24);
      lo = (lo << 8) | (w.charCodeAt(i) - 0x600);
    }
    return hashPair(lo, hi);
  }

  /** Two words of the same hash, scanned in turn: each keeps its own entry. */
  function expectApart([x, y]: [string, string]): void {
    const a = new Analyzer();
    const got = entries(a, `${x} ${y} ${x} ${y}`);
    expect(heldHash(a, got[0].entry)).toBe(heldHash(a, got[1].entry));
    expect(got[0].entry).not.toBe(got[1].entry);
    expect(got.map((w) => w.entry)).toEqual([got[0].entry, got[1].entry, got[0].entry, got[1].entry]);
    expect(got.map((w) => w.surface)).toEqual([x, y, x, y]);
  }

  it('keeps apart two short words with the same hash (their spellings differ)', () => expectApart(collision(6, spellingHash)));

  it('keeps apart two long words with the same hash (the fallback compares their characters)', () => expectApart(collision(9, hashString)));

  it('finds every word again after the table has grown several times', () => {
    const a = new Analyzer();
    const letters = 'ابتثجحخدذرزسشصضطظعغفقكلمنهوي';
    const words: string[] = [];
    // 3 letters (spelt) and 3 letters + 7 (fallback), about 44,000 distinct words.
    for (const p of letters) for (const q of letters) for (const r of letters) words.push(p + q + r, `${p}${q}${r}مستثمرين`);
    const first = entries(a, words.join(' '));
    expect(a.knownWords).toBe(words.length);
    const again = entries(a, words.join(' '));
    expect(again.map((w) => w.entry)).toEqual(first.map((w) => w.entry));
    expect(new Set(first.map((w) => w.entry)).size).toBe(words.length);
  });
});
