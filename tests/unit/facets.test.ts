/**
 * Facets from the ranker's counts: the top sources and what the others hold,
 * keys that could collide with object machinery or with "no source", and the
 * date facet's periods.
 */
import { describe, expect, it } from 'vitest';
import { parseDate } from '../../src/index/dates.js';
import { dateFacet, isoDay, sourceFacet } from '../../src/search/facets.js';
import { NO_SOURCE } from '../../src/search/types.js';

const days = (...iso: string[]) => Int32Array.from([-2147483648, ...iso.map((d) => parseDate(d)!)]);

describe('source facet', () => {
  it('keeps the most frequent sources, ties by name, and sums the others', () => {
    const names = [NO_SOURCE, 'عكاظ', 'الرياض', 'الوطن', 'سبق'];
    const f = sourceFacet(Uint32Array.from([4, 2, 9, 2, 1]), names, 3);
    expect(Object.entries(f.source)).toEqual([['الرياض', 9], [NO_SOURCE, 4], ['الوطن', 2]]);
    expect(f.sourceOthers).toEqual({ sources: 2, documents: 3 });
  });

  it('leaves out sources without matches, and counts none as others when all fit', () => {
    const f = sourceFacet(Uint32Array.from([0, 3, 0, 1]), [NO_SOURCE, 'a', 'b', 'c'], 20);
    expect(Object.keys(f.source)).toEqual(['a', 'c']);
    expect(f.sourceOthers).toEqual({ sources: 0, documents: 0 });
  });

  it('gives names such as __proto__, constructor and "(none)" their own keys, apart from documents without a source', () => {
    const names = [NO_SOURCE, '__proto__', 'constructor', '(none)', 'toString'];
    const f = sourceFacet(Uint32Array.from([5, 4, 3, 2, 1]), names, 10);
    expect(Object.getPrototypeOf(f.source)).toBe(null);
    expect(Object.keys(f.source)).toEqual([NO_SOURCE, '__proto__', 'constructor', '(none)', 'toString']);
    expect(f.source['__proto__']).toBe(4);
    expect(f.source[NO_SOURCE]).toBe(5);
    expect(JSON.parse(JSON.stringify(f.source))).toEqual({ '': 5, ['__proto__']: 4, constructor: 3, '(none)': 2, toString: 1 });
  });

  it('stays short with 100,000 sources', () => {
    const counts = new Uint32Array(100_001).fill(1);
    counts[0] = 0;
    counts[77_777] = 5;
    const names = Array.from({ length: 100_001 }, (_, i) => (i === 0 ? NO_SOURCE : `مصدر ${i}`));
    const f = sourceFacet(counts, names, 20);
    expect(Object.keys(f.source)).toHaveLength(20);
    expect(Object.keys(f.source)[0]).toBe('مصدر 77777');
    expect(f.sourceOthers).toEqual({ sources: 99_980, documents: 99_980 });
    expect(JSON.stringify(f).length).toBeLessThan(1000);
  });
});

describe('date facet', () => {
  it('counts days within a month, undated documents apart', () => {
    const f = dateFacet(Uint32Array.from([3, 2, 0, 5]), days('2015-07-21', '2015-07-22', '2015-08-11'));
    expect(f).toEqual({ granularity: 'day', counts: { '2015-07-21': 2, '2015-08-11': 5 }, undated: 3 });
  });

  it('counts months when the dates span more than a month, years beyond two', () => {
    const months = dateFacet(Uint32Array.from([0, 1, 2, 4]), days('2015-05-02', '2015-05-30', '2016-03-05'));
    expect(months).toEqual({ granularity: 'month', counts: { '2015-05': 3, '2016-03': 4 }, undated: 0 });
    const years = dateFacet(Uint32Array.from([0, 1, 1, 1]), days('1999-12-31', '2000-01-01', '2015-08-01'));
    expect(years.granularity).toBe('year');
    expect(Object.entries(years.counts)).toEqual([['1999', 1], ['2000', 1], ['2015', 1]]);
  });

  it('is empty when no matching document has a date', () => {
    expect(dateFacet(Uint32Array.from([7, 0]), days('2015-07-21'))).toEqual({ granularity: 'day', counts: {}, undated: 7 });
  });

  it('writes day numbers back as ISO days, years before 1000 included', () => {
    for (const d of ['2015-07-21', '0999-01-31', '2000-02-29']) expect(isoDay(parseDate(d)!)).toBe(d);
  });
});
