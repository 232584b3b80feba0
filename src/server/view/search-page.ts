/**
 * The search page: the form, and the pieces that change with the query —
 * status line, notice, facets (sources and dates), the line on folded
 * near-duplicates, results, pager and the page title. The page is rendered
 * whole for an address; its script (public/search-page.js) fetches the pieces
 * of the next address (GET /fragments) and swaps them in, so the page is
 * rendered here alone, with or without JavaScript. Everything from a
 * document or a request is escaped here.
 */
import { MAX_QUERY_LENGTH } from '../../common/limits.js';
import type { SearchResult } from '../../search/types.js';
import { arabicNumber, searchHref, statusText } from '../public/format.js';
import { renderFacets } from './facets.js';
import { layout } from './layout.js';
import { escapeHtml } from './marked.js';
import type { PageState } from './page-state.js';
import { renderCollapse, renderHit, renderPager } from './results.js';

export type { PageState } from './page-state.js';
export { renderHit } from './results.js';

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
  collapse: string;
  results: string;
  pager: string;
}

const selected = (on: boolean) => (on ? ' selected' : '');

function hidden(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
}

function searchForm(s: PageState): string {
  return `<form class="search-form" id="search-form" role="search" method="get" action="/">
  <label class="visually-hidden" for="q">ابحث في النصوص</label>
  <div class="combo">
    <input id="q" name="q" type="search" value="${escapeHtml(s.q ?? '')}" placeholder="اكتب كلمة أو عبارة…" maxlength="${MAX_QUERY_LENGTH}" autocomplete="off" spellcheck="false" dir="auto"
      role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="suggestions" aria-describedby="search-hint">
    <ul id="suggestions" class="suggestions" role="listbox" aria-label="اقتراحات" hidden></ul>
  </div>
  <label class="visually-hidden" for="mode">طريقة المطابقة</label>
  <select id="mode" name="mode">
    <option value="any"${selected(s.mode === 'any')}>أيّ كلمة</option>
    <option value="all"${selected(s.mode === 'all')}>كل الكلمات</option>
  </select>
  ${hidden('source', s.source)}${hidden('collapse', s.collapse ? undefined : 'false')}
  <button type="submit" class="search-button">بحث</button>
  <p id="search-hint" class="hint">تلميح: <bdi>"عبارة كاملة"</bdi>، <bdi>-استبعاد</bdi>، <bdi>بادئة*</bdi></p>
  <fieldset class="refine">
    <legend class="visually-hidden">ترتيب النتائج وتاريخها</legend>
    <span class="field"><label for="sort">الترتيب</label>
    <select id="sort" name="sort">
      <option value="relevance"${selected(s.sort === 'relevance')}>الأكثر صلة</option>
      <option value="newest"${selected(s.sort === 'newest')}>الأحدث أولًا</option>
    </select></span>
    <span class="field"><label for="from">من تاريخ</label>
    <input type="date" id="from" name="from" value="${escapeHtml(s.from ?? '')}"></span>
    <span class="field"><label for="to">إلى تاريخ</label>
    <input type="date" id="to" name="to" value="${escapeHtml(s.to ?? '')}"></span>
  </fieldset>
</form>`;
}

/** A search that could not be made, and why. (The page's script shows it, from a template, when the server cannot be reached.) */
function failedNotice(why: string): string {
  return `<div class="notice error" role="alert"><p>تعذّر إجراء البحث.</p><p class="detail" dir="auto">${escapeHtml(why)}</p></div>`;
}

/** A link to the same search for another query (filters, order and folding kept). */
function queryLink(s: PageState, q: string, correct = true): string {
  return `<a href="${escapeHtml(searchHref({ ...s, q, page: 1, correct }))}" data-nav><bdi>${escapeHtml(q)}</bdi></a>`;
}

function renderNotice(v: SearchView): string {
  const { state: s, result: r } = v;
  if (v.error) return failedNotice(v.error);
  if (r && s.q) {
    if (r.correction) {
      return `<div class="notice correction"><p>نتائج عن: <strong><bdi>${escapeHtml(r.correction.query)}</bdi></strong></p><p class="instead">ابحث بدلًا من ذلك عن: ${queryLink(s, r.correction.original, false)}</p></div>`;
    }
    const dym = r.didYouMean ? `<p class="did-you-mean">هل تقصد: ${queryLink(s, r.didYouMean)}؟</p>` : '';
    if (r.total === 0) return `<div class="notice empty"><p>لا توجد نتائج لـ «<bdi>${escapeHtml(s.q)}</bdi>».</p>${dym}</div>`;
    if (r.hits.length === 0) return `<div class="notice empty"><p>لا توجد نتائج في هذه الصفحة.</p>${dym}</div>`;
    return dym ? `<div class="notice suggestion">${dym}</div>` : '';
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
    collapse: r ? renderCollapse(r, s) : '',
    results: r ? r.hits.map((h) => renderHit(h, s.q ?? '')).join('\n') : '',
    pager: r ? renderPager(r, s) : '',
  };
}

function statsFooter(stats: { documents: number } | undefined): string {
  if (!stats) return '';
  return `<p>الفهرس: ${arabicNumber(stats.documents)} وثيقة <span class="sep" aria-hidden="true">|</span> <a href="/api/openapi.json" dir="ltr">API</a></p>`;
}

export function searchPage(v: SearchView): string {
  const p = searchPieces(v);
  const body = `<h1 class="visually-hidden">فهرس: بحث في النصوص العربية</h1>
${searchForm(v.state)}
<p id="status" class="status" role="status" aria-live="polite">${escapeHtml(p.status)}</p>
<div id="notice">${p.notice}</div>
<div class="layout">
  <nav id="facets" class="facets" aria-label="تصفية النتائج">${p.facets}</nav>
  <div class="result-area">
    <div id="collapse">${p.collapse}</div>
    <ol id="results" class="results" aria-label="النتائج">${p.results}</ol>
  </div>
</div>
<nav id="pager" class="pager" aria-label="الصفحات">${p.pager}</nav>`;
  // Shown by the script when the server cannot be reached.
  const templates = `<template id="search-failed">${failedNotice('تعذّر الاتصال بالخادم. تحقّق من الاتصال ثم أعد المحاولة.')}</template>`;
  const description = v.stats ? `بحث في ${arabicNumber(v.stats.documents)} وثيقة عربية: النتائج مرتبة حسب الصلة أو الأحدث، مع المصادر والتواريخ.` : 'بحث في النصوص العربية.';
  return layout({ title: p.title, body, scripts: ['/static/search-page.js'], footer: statsFooter(v.stats), templates, description });
}
