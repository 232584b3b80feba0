import { describe, expect, it } from 'vitest';
import { Analyzer } from '../../src/analysis/pipeline.js';
import { MAX_PHRASES, parseQuery } from '../../src/search/query.js';

const analyzer = new Analyzer();

describe('phrases in a query', () => {
  it('counts a repeated phrase once, however it is spelled', () => {
    const q = parseQuery('"أسعار النفط" "اسعار النفط" "أسعارِ النِّفط" "أسعار النفط"', analyzer);
    expect(q.phrases).toHaveLength(1);
    expect(q.phrases[0].words.map((w) => w.offset)).toEqual([0, 1]);
  });

  it(`checks at most ${MAX_PHRASES} phrases against the text; the rest still count as words`, () => {
    const cities = ['الرياض', 'جدة', 'مكة', 'المدينة', 'الدمام', 'تبوك', 'أبها', 'حائل', 'جازان', 'نجران', 'الطائف', 'بريدة'];
    const q = parseQuery(cities.map((c) => `"أمطار ${c}"`).join(' '), analyzer);
    expect(q.phrases).toHaveLength(MAX_PHRASES);
    const terms = q.words.map((w) => w.stem);
    // Cities of the phrases past the eighth are still searched for, as words.
    for (const c of ['جازان', 'نجران', 'الطائف', 'بريدة']) expect(terms).toContain(analyzer.analyze(c)[0].stem);
  });
});
