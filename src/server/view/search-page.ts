/**
 * The search page: the form, and the pieces that change with the query —
 * status line, notice, source facets, results, pager and the page title.
 * The page is rendered whole for an address; its script (public/search-page.js)
 * fetches the pieces of the next address (GET /fragments) and swaps them in,
 * so the page is rendered here alone, with or without JavaScript. Everything
 * from a document or a request is escaped here.
 */
import { MAX_PAGE, MAX_QUERY_LENGTH, PAGE_SIZE } from '../../common/limits.js';
import { NO_SOURCE, type Hit, type MatchMode, type SearchResult } from '../../search/types.js';
import { arabicNumber, searchHref, statusText } from '../public/format.js';
import { documentHref, sourceAndDate } from './document-page.js';
import { layout, metaLine } from './layout.js';
import { escapeHtml, markedPageHtml, pageText, snippetPageHtml } from './marked.js';

/** What the address of the search page asks for. */
export interface PageState {
  q?: string;
  page: number;
  mode: MatchMode;
  source?: string;
  from?: string;
  to?: string;
}

export interface SearchView {
  state: PageState;
  result?: SearchResult;
  /** Why the address could not be searched (a bad parameter). */
  error?: string;
  /** How many documents are searched (the intro and the footer say). */
  stats?: { documents: number };
}

/** The parts of the page that change with the query: HTML, but `status` and `title`, which are text. */
export interface SearchPieces {
  title: string;
  status: string;
  notice: string;
  facets: string;
  results: string;
  pager: string;
}

function searchForm(q = '', mode: MatchMode = 'any', source?: string): string {
  return `<form class="search-form" id="search-form" role="search" method="get" action="/">
  <label class="visually-hidden" for="q">ابحث في النصوص</label>
  <div class="combo">
    <input id="q" name="q" type="search" value="${escapeHtml(q)}" placeholder="اكتب كلمة أو عبارة…" maxlength="${MAX_QUERY_LENGTH}" autocomplete="off" spellcheck="false" dir="auto"
      role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="suggestions" aria-describedby="search-hint">
    <ul id="suggestions" class="suggestions" role="listbox" aria-label="اقتراحات" hidden></ul>
  </div>
  <label class="visually-hidden" for="mode">طريقة المطابقة</label>
  <select id="mode" name="mode">
    <option value="any"${mode === 'any' ? ' selected' : ''}>أيّ كلمة</option>
    <option value="all"${mode === 'all' ? ' selected' : ''}>كل الكلمات</option>
  </select>
  ${source ? `<input type="hidden" name="source" id="source" value="${escapeHtml(source)}">` : ''}
  <button type="submit" class="search-button">بحث</button>
  <p id="search-hint" class="hint">تلميح: <bdi>"عبارة كاملة"</bdi>، <bdi>-استبعاد</bdi>، <bdi>بادئة*</bdi></p>
</form>`;
}

/** A hit whose stored document cannot be read: its place in the list, said plainly, and no link. */
function damagedHit(hit: Hit): string {
  return `<li class="result damaged">
  <h2 class="result-title"><bdi>${pageText(hit.id)}</bdi></h2>
  <p class="snippet">تعذّرت قراءة هذه الوثيقة: نسختها المخزّنة في الفهرس تالفة.</p>
</li>`;
}

export function renderHit(hit: Hit, q: string): string {
  if (hit.damaged) return damagedHit(hit);
  const title = hit.title ? markedPageHtml(hit.title, hit.highlights.title) : pageText(hit.id);
  return `<li class="result">
  <h2 class="result-title"><a href="${escapeHtml(documentHref(hit.id, q))}" dir="auto">${title}</a></h2>
  ${metaLine(sourceAndDate(hit.metadata))}
  <p class="snippet" dir="auto">${snippetPageHtml(hit.snippet)}</p>
</li>`;
}

function renderFacets(result: SearchResult, s: PageState): string {
  const entries = Object.entries(result.facets.source).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (entries.length === 0) return '';
  const all = entries.reduce((a, [, n]) => a + n, 0);
  const item = (label: string, n: number, source: string | undefined, active: boolean) =>
    `<li><a class="facet${active ? ' active' : ''}" href="${escapeHtml(searchHref({ ...s, source, page: 1 }))}"${active ? ' aria-current="true"' : ''} data-nav><bdi>${pageText(label)}</bdi> <span class="count">${arabicNumber(n)}</span></a></li>`;
  return `<h2 class="facets-title">المصدر</h2><ul class="facet-list">${item('كل المصادر', all, undefined, !s.source)}${entries
    .map(([name, n]) => item(name === NO_SOURCE ? 'بدون مصدر' : name, n, name, s.source === name))
    .join('')}</ul>`;
}

function renderPager(total: number, s: PageState): string {
  const pages = Math.min(Math.ceil(total / PAGE_SIZE), MAX_PAGE);
  if (pages <= 1) return '';
  const cur = Math.min(s.page, pages);
  const link = (p: number, label: string, rel = '', cls = '') =>
    `<a class="page${cls}" href="${escapeHtml(searchHref({ ...s, page: p }))}"${rel ? ` rel="${rel}"` : ''} data-nav>${label}</a>`;
  const parts: string[] = [];
  if (cur > 1) parts.push(link(cur - 1, 'السابق', 'prev', ' prev'));
  const lo = Math.max(1, cur - 2);
  const hi = Math.min(pages, lo + 4);
  for (let p = Math.max(1, hi - 4); p <= hi; p++) {
    parts.push(p === cur ? `<span class="page current" aria-current="page">${arabicNumber(p)}</span>` : link(p, arabicNumber(p)));
  }
  if (cur < pages) parts.push(link(cur + 1, 'التالي', 'next', ' next'));
  return parts.join('');
}

/** A search that could not be made, and why. (The page's script shows it, from a template, when the server cannot be reached.) */
function failedNotice(why: string): string {
  return `<div class="notice error" role="alert"><p>تعذّر إجراء البحث.</p><p class="detail" dir="auto">${escapeHtml(why)}</p></div>`;
}

function renderNotice(v: SearchView): string {
  const { state: s, result: r } = v;
  if (v.error) return failedNotice(v.error);
  if (r && s.q) {
    if (r.total === 0) {
      const dym = r.didYouMean ? `<p class="did-you-mean">هل تقصد: <a href="${escapeHtml(searchHref({ q: r.didYouMean }))}" data-nav><bdi>${escapeHtml(r.didYouMean)}</bdi></a>؟</p>` : '';
      return `<div class="notice empty"><p>لا توجد نتائج لـ «<bdi>${escapeHtml(s.q)}</bdi>».</p>${dym}</div>`;
    }
    return r.hits.length === 0 ? `<div class="notice empty"><p>لا توجد نتائج في هذه الصفحة.</p></div>` : '';
  }
  if (v.stats) return `<div class="intro"><p>ابحث في <strong>${arabicNumber(v.stats.documents)}</strong> وثيقة باللغة العربية. يتعرّف البحث على صيغ الكلمة المختلفة: «الكتاب» و«كتب» و«كتابه».</p></div>`;
  return '';
}

/** The pieces of the page for a view: the home page without q, results with it, or an error message. */
export function searchPieces(v: SearchView): SearchPieces {
  const s = v.state;
  const r = !v.error && s.q ? v.result : undefined;
  return {
    title: s.q ? `${s.q} — بحث فهرس` : 'فهرس — بحث في النصوص العربية',
    status: r ? statusText(r.total, r.took_ms) : '',
    notice: renderNotice(v),
    facets: r ? renderFacets(r, s) : '',
    results: r ? r.hits.map((h) => renderHit(h, s.q ?? '')).join('\n') : '',
    pager: r ? renderPager(r.total, s) : '',
  };
}

function statsFooter(stats: { documents: number } | undefined): string {
  if (!stats) return '';
  return `<p>الفهرس: ${arabicNumber(stats.documents)} وثيقة <span class="sep" aria-hidden="true">|</span> <a href="/api/openapi.json" dir="ltr">API</a></p>`;
}

export function searchPage(v: SearchView): string {
  const s = v.state;
  const p = searchPieces(v);
  const body = `${searchForm(s.q, s.mode, s.source)}
<p id="status" class="status" role="status" aria-live="polite">${escapeHtml(p.status)}</p>
<div id="notice">${p.notice}</div>
<div class="layout">
  <nav id="facets" class="facets" aria-label="تصفية حسب المصدر">${p.facets}</nav>
  <ol id="results" class="results" aria-label="النتائج">${p.results}</ol>
</div>
<nav id="pager" class="pager" aria-label="الصفحات">${p.pager}</nav>`;
  // Shown by the script when the server cannot be reached.
  const templates = `<template id="search-failed">${failedNotice('تعذّر الاتصال بالخادم. تحقّق من الاتصال ثم أعد المحاولة.')}</template>`;
  return layout({ title: p.title, body, scripts: ['/static/search-page.js'], footer: statsFooter(v.stats), templates });
}
