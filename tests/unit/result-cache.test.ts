import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CACHE_BYTES_PER_ENTRY } from '../../src/common/limits.js';
import type { Hit } from '../../src/search/types.js';
import { emptyFacets } from '../../src/search/facets.js';
import { deflateTail, gzipSpliced } from '../../src/server/gzip-splice.js';
import { estimateBytes, LruCache } from '../../src/server/result-cache.js';

describe('LruCache', () => {
  it('drops the least recently used entry first; a read counts as a use', () => {
    const c = new LruCache<number>(2);
    c.set('الأمن', 1);
    c.set('الطاقة', 2);
    expect(c.get('الأمن')).toBe(1);
    c.set('القاهرة', 3);
    expect(c.get('الطاقة')).toBeUndefined();
    expect(c.get('الأمن')).toBe(1);
    expect(c.get('القاهرة')).toBe(3);
    expect(c.size).toBe(2);
  });

  it('replacing a key keeps one entry; capacity 0 keeps nothing; clear empties it', () => {
    const c = new LruCache<string>(3);
    c.set('النفط', 'أ');
    c.set('النفط', 'ب');
    expect([c.size, c.get('النفط')]).toEqual([1, 'ب']);
    c.clear();
    expect(c.size).toBe(0);
    const off = new LruCache<string>(0);
    off.set('النفط', 'أ');
    expect([off.size, off.get('النفط')]).toEqual([0, undefined]);
  });
});

describe('LruCache by weight', () => {
  it('drops the oldest entries until the total weight fits, and refuses an entry heavier than the whole cache', () => {
    const c = new LruCache<string>(100, 10);
    c.set('الأمن', 'أ', 4);
    c.set('الطاقة', 'ب', 4);
    expect([c.size, c.weight]).toEqual([2, 8]);
    c.set('القاهرة', 'ج', 5); // 13 > 10: الأمن goes
    expect(c.get('الأمن')).toBeUndefined();
    expect([c.size, c.weight]).toEqual([2, 9]);
    c.set('النفط', 'د', 11);
    expect(c.get('النفط')).toBeUndefined();
    expect([c.size, c.weight]).toEqual([2, 9]);
    c.set('الطاقة', 'ب', 1); // replacing re-weighs
    expect(c.weight).toBe(6);
  });
});

describe('LruCache.grow', () => {
  it('adds weight to the entry that still holds the value and drops the least recently used past the bound', () => {
    const c = new LruCache<{ name: string }>(10, 100);
    const oil = { name: 'النفط' };
    const gold = { name: 'الذهب' };
    c.set('النفط', oil, 40);
    c.set('الذهب', gold, 40);
    c.grow('النفط', { name: 'النفط' }, 50); // another value under the key: not counted
    expect(c.weight).toBe(80);
    c.grow('الأمن', oil, 5); // no such key
    expect(c.weight).toBe(80);
    c.grow('الذهب', gold, 10);
    expect(c.weight).toBe(90);
    c.grow('الذهب', gold, 20); // 110 > 100: the oldest goes
    expect(c.get('النفط')).toBeUndefined();
    expect(c.get('الذهب')).toBe(gold);
    expect(c.weight).toBe(70);
  });
});

describe('gzipSpliced', () => {
  it('is a gzip member of prefix + tail for any bytes, the tail deflated once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), fc.string({ maxLength: 3000 }), fc.integer({ min: 0, max: 9 }), async (p, t, level) => {
        const prefix = Buffer.from(p);
        const tail = Buffer.from('«أسعار النفط» ' + t);
        const out = gzipSpliced(prefix, tail, await deflateTail(tail, level));
        expect(gunzipSync(out).equals(Buffer.concat([prefix, tail]))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('SearchCache', () => {
  it('weighs results by their text, so a few large results cannot hold much memory', () => {
    const hit = (text: string): Hit => ({ id: 'n1', score: 1, title: 'عنوان', snippet: { fragments: [{ text, start: 0, highlights: [[0, 5]] }], before: false, after: false }, highlights: { title: [], text: [[0, 5]] }, metadata: { source: 'عكاظ' } });
    const small = estimateBytes({ total: 1, took_ms: 0, hits: [hit('الأمن')], facets: emptyFacets() });
    const large = estimateBytes({ total: 1, took_ms: 0, hits: [hit('الأمن '.repeat(10_000))], facets: emptyFacets() });
    expect(large - small).toBeGreaterThanOrEqual(2 * 'الأمن '.repeat(10_000).length);
    expect(CACHE_BYTES_PER_ENTRY).toBeGreaterThan(small);
  });
});
