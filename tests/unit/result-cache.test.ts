import { describe, expect, it } from 'vitest';
import { LruCache } from '../../src/server/result-cache.js';

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
