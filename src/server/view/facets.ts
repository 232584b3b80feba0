/**
 * The facets of the search page: sources (the most frequent, and how many
 * others) and dates (documents by day, month or year; a period narrows the
 * dates to it). Every entry is a link to an address, so they work without
 * JavaScript; the page's script follows them in place.
 */
import { NO_SOURCE, type DateFacet, type SearchResult } from '../../search/types.js';
import { arabicNumber, periodLabel, resultCount, searchHref } from '../public/format.js';
import type { PageState } from './page-state.js';
import { escapeHtml, pageText } from './marked.js';

function facetLink(href: string, label: string, n: number, active: boolean, extra = ''): string {
  return `<li><a class="facet${active ? ' active' : ''}" href="${escapeHtml(href)}"${active ? ' aria-current="true"' : ''} data-nav><bdi>${pageText(label)}</bdi>${extra} <span class="count">${arabicNumber(n)}</span></a></li>`;
}

export function sourceLabel(name: string): string {
  return name === NO_SOURCE ? 'بدون مصدر' : name;
}

function renderSources(r: SearchResult, s: PageState): string {
  const entries = Object.entries(r.facets.source);
  const others = r.facets.sourceOthers;
  if (entries.length === 0) return '';
  const all = entries.reduce((a, [, n]) => a + n, 0) + others.documents;
  const to = (source: string | undefined) => searchHref({ ...s, source, page: 1 });
  const items = entries.map(([name, n]) => facetLink(to(name), sourceLabel(name), n, s.source === name));
  // A source chosen from outside the list still shows, with its count: the results are its documents.
  if (s.source !== undefined && !Object.hasOwn(r.facets.source, s.source)) items.push(facetLink(to(s.source), sourceLabel(s.source), r.total, true));
  const rest = others.sources ? `<p class="facet-others">و${arabicNumber(others.sources)} ${others.sources === 1 ? 'مصدر آخر' : 'مصادر أخرى'} (${resultCount(others.documents)})</p>` : '';
  return `<h2 class="facets-title" id="facet-sources">المصدر</h2><ul class="facet-list" aria-labelledby="facet-sources">${facetLink(to(undefined), 'كل المصادر', all, s.source === undefined)}${items.join('')}</ul>${rest}`;
}

/** The first and last day of a period of the date facet. */
export function periodRange(key: string): { from: string; to: string } {
  if (key.length === 10) return { from: key, to: key };
  if (key.length === 4) return { from: `${key}-01-01`, to: `${key}-12-31` };
  const [y, m] = key.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${key}-01`, to: `${key}-${String(last).padStart(2, '0')}` };
}

/** The dates of `s` narrowed to a period (within the range already chosen). */
function narrowed(s: PageState, key: string): PageState {
  const p = periodRange(key);
  return { ...s, from: s.from && s.from > p.from ? s.from : p.from, to: s.to && s.to < p.to ? s.to : p.to, page: 1 };
}

const GRANULARITY = { day: 'اليوم', month: 'الشهر', year: 'السنة' } as const;

function renderDates(facet: DateFacet, s: PageState): string {
  const entries = Object.entries(facet.counts);
  if (entries.length === 0 && !s.from && !s.to) return '';
  const max = entries.reduce((a, [, n]) => Math.max(a, n), 1);
  const single = entries.length === 1 && s.from === s.to && s.from !== undefined;
  const items = entries.map(([key, n]) => {
    // Bars in tenths of the largest period (the page allows no inline style).
    const bar = `<span class="bar w${Math.max(1, Math.round((10 * n) / max))}" aria-hidden="true"></span>`;
    return facetLink(searchHref(narrowed(s, key)), periodLabel(key), n, single, bar);
  });
  const clear = s.from || s.to ? `<p class="facet-clear"><a href="${escapeHtml(searchHref({ ...s, from: undefined, to: undefined, page: 1 }))}" data-nav>كل التواريخ</a></p>` : '';
  const undated = facet.undated ? `<p class="facet-others">بلا تاريخ: ${arabicNumber(facet.undated)}</p>` : '';
  return `<h2 class="facets-title" id="facet-dates">التاريخ <span class="granularity">(حسب ${GRANULARITY[facet.granularity]})</span></h2><ul class="facet-list date-facet" aria-labelledby="facet-dates">${items.join('')}</ul>${clear}${undated}`;
}

export function renderFacets(r: SearchResult, s: PageState): string {
  return renderSources(r, s) + renderDates(r.facets.date, s);
}
