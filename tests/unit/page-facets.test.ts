/**
 * The search page's facets as links: a period of the date facet narrows the
 * dates to it (within a range already chosen), every source name — the
 * no-source entry, names that look like it or like object machinery — links
 * to its own filter, and the addresses keep only what differs from the page's
 * defaults.
 */
import { describe, expect, it } from 'vitest';
import { emptyFacets } from '../../src/search/facets.js';
import { NO_SOURCE, type SearchResult } from '../../src/search/types.js';
import { searchHref } from '../../src/server/public/format.js';
import { periodRange, renderFacets } from '../../src/server/view/facets.js';
import { HOME_STATE, type PageState } from '../../src/server/view/page-state.js';

function result(source: Record<string, number>, date: SearchResult['facets']['date']): SearchResult {
  const facets = emptyFacets();
  Object.assign(facets.source, source);
  return { total: Object.values(source).reduce((a, b) => a + b, 0), took_ms: 0, hits: [], facets: { ...facets, date } };
}

const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
const params = (href: string) => Object.fromEntries(new URL(href, 'http://x').searchParams);

describe('date facet links', () => {
  it('span a day, a whole month (leap years too) or a whole year', () => {
    expect(periodRange('2015-07-21')).toEqual({ from: '2015-07-21', to: '2015-07-21' });
    expect(periodRange('2016-02')).toEqual({ from: '2016-02-01', to: '2016-02-29' });
    expect(periodRange('2015-02')).toEqual({ from: '2015-02-01', to: '2015-02-28' });
    expect(periodRange('2015-12')).toEqual({ from: '2015-12-01', to: '2015-12-31' });
    expect(periodRange('1999')).toEqual({ from: '1999-01-01', to: '1999-12-31' });
  });

  it('narrow the dates to the period, within a range already chosen, and keep the rest of the address', () => {
    const s: PageState = { ...HOME_STATE, q: 'النفط', sort: 'newest', from: '2015-07-10', page: 3 };
    const html = renderFacets(result({ عكاظ: 3 }, { granularity: 'month', counts: { '2015-07': 2, '2015-08': 1 }, undated: 0 }), s);
    const months = hrefs(html).filter((h) => h.includes('to='));
    expect(months.map(params)).toEqual([
      { q: 'النفط', sort: 'newest', from: '2015-07-10', to: '2015-07-31' },
      { q: 'النفط', sort: 'newest', from: '2015-08-01', to: '2015-08-31' },
    ]);
    expect(html).toContain('كل التواريخ');
    expect(hrefs(html).map(params)).toContainEqual({ q: 'النفط', sort: 'newest' });
  });
});

describe('source facet links', () => {
  it('filter by each name, the no-source entry by an empty source', () => {
    const html = renderFacets(result({ [NO_SOURCE]: 2, '(none)': 1, ['__proto__']: 1 }, emptyFacets().date), { ...HOME_STATE, q: 'x' });
    const sources = hrefs(html).map((h) => params(h).source);
    expect(sources).toEqual([undefined, '', '(none)', '__proto__']);
    expect(html).toContain('<bdi>بدون مصدر</bdi>');
    expect(html).toContain('<bdi>(none)</bdi>');
  });

  it('addresses leave out the defaults and keep the choices that differ', () => {
    expect(searchHref({ ...HOME_STATE, q: 'النفط' })).toBe(`/?q=${encodeURIComponent('النفط')}`);
    expect(searchHref({ ...HOME_STATE, q: 'a', source: '', collapse: false, correct: false, sort: 'newest' })).toBe('/?q=a&source=&sort=newest&collapse=false&correct=false');
  });
});
