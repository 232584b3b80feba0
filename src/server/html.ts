/**
 * Server-side HTML for the search page and the document view. Everything that
 * comes from a document or a request is escaped here; text with matches is
 * rendered by view/marked.ts. The markup matches what public/app.js builds in
 * the browser.
 */
import type { HighlightedDocument } from '../search/searcher.js';
import type { Hit, IndexStats, SearchResult } from '../search/types.js';
import { escapeHtml, markedHtml, snippetHtml } from './view/marked.js';
import { arabicNumber, formatDate, resultCount, searchHref, statusText } from './public/format.js';
import { MAX_PAGE, PAGE_SIZE } from '../common/limits.js';

/** The facet key the Searcher gives documents without a source; it cannot be used as a filter. */
const NO_SOURCE = '(none)';

export interface PageState {
  q?: string;
  page: number;
  mode: 'any' | 'all';
  source?: string;
  from?: string;
  to?: string;
}

export function documentHref(id: string, q?: string): string {
  return `/doc/${encodeURIComponent(id)}${q ? `?q=${encodeURIComponent(q)}#m1` : ''}`;
}

interface LayoutOptions {
  title: string;
  body: string;
  scripts?: string[];
  q?: string;
  mode?: 'any' | 'all';
  source?: string;
  /** Extra hidden form fields (filters carried over). */
  footer?: string;
}

function searchForm(q = '', mode: 'any' | 'all' = 'any', source?: string): string {
  return `<form class="search-form" id="search-form" role="search" method="get" action="/">
  <label class="visually-hidden" for="q">ابحث في النصوص</label>
  <div class="combo">
    <input id="q" name="q" type="search" value="${escapeHtml(q)}" placeholder="اكتب كلمة أو عبارة…" maxlength="512" autocomplete="off" spellcheck="false" dir="auto"
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

export function layout(o: LayoutOptions): string {
  const scripts = (o.scripts ?? []).map((s) => `<script type="module" src="${s}"></script>`).join('\n');
  return `<!doctype html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${escapeHtml(o.title)}</title>
<link rel="preload" href="/fonts/noto-naskh-arabic-arabic-400-normal.woff2" as="font" type="font/woff2" crossorigin>
<link rel="stylesheet" href="/static/style.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
${scripts}
</head>
<body>
<a class="skip-link" href="#main">تخطَّ إلى المحتوى</a>
<header class="site-header">
  <div class="wrap header-inner">
    <a class="brand" href="/">فهرس</a>
    <span class="tagline">محرك بحث للنصوص العربية</span>
  </div>
</header>
<main id="main" class="wrap">
${o.body}
</main>
<footer class="site-footer"><div class="wrap">${o.footer ?? ''}</div></footer>
</body>
</html>
`;
}

function hitTitle(hit: Hit): string {
  return hit.title ? markedHtml(hit.title, hit.highlights.title) : escapeHtml(hit.id);
}

export function renderHit(hit: Hit, q: string): string {
  const date = formatDate(hit.metadata.date);
  const source = typeof hit.metadata.source === 'string' && hit.metadata.source ? hit.metadata.source : undefined;
  const meta = [
    source ? `<span class="source"><bdi>${escapeHtml(source)}</bdi></span>` : '',
    date ? `<time${date.iso ? ` datetime="${date.iso}"` : ''}>${escapeHtml(date.text)}</time>` : '',
  ].filter(Boolean);
  return `<li class="result">
  <h2 class="result-title"><a href="${escapeHtml(documentHref(hit.id, q))}" dir="auto">${hitTitle(hit)}</a></h2>
  ${meta.length ? `<p class="result-meta">${meta.join('<span class="sep" aria-hidden="true">|</span>')}</p>` : ''}
  <p class="snippet" dir="auto">${snippetHtml(hit.snippet)}</p>
</li>`;
}

function renderFacets(result: SearchResult, s: PageState): string {
  const entries = Object.entries(result.facets.source).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (entries.length === 0) return '';
  const all = entries.reduce((a, [, n]) => a + n, 0);
  const item = (label: string, n: number, source: string | undefined, active: boolean) =>
    source === NO_SOURCE
      ? `<li><span class="facet static"><bdi>بدون مصدر</bdi> <span class="count">${arabicNumber(n)}</span></span></li>`
      : `<li><a class="facet${active ? ' active' : ''}" href="${escapeHtml(searchHref({ ...s, source, page: 1 }))}"${active ? ' aria-current="true"' : ''} data-nav><bdi>${escapeHtml(label)}</bdi> <span class="count">${arabicNumber(n)}</span></a></li>`;
  return `<h2 class="facets-title">المصدر</h2><ul class="facet-list">${item('كل المصادر', all, undefined, !s.source)}${entries
    .map(([name, n]) => item(name, n, name, s.source === name))
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

function statsFooter(stats: IndexStats | undefined): string {
  if (!stats) return '';
  return `<p>الفهرس: ${arabicNumber(stats.documents)} وثيقة <span class="sep" aria-hidden="true">|</span> <a href="/api/openapi.json" dir="ltr">API</a></p>`;
}

export interface ResultsView {
  state: PageState;
  result?: SearchResult;
  error?: string;
  stats?: IndexStats;
}

/** The search page: the home page without q, results with it, or an error message. */
export function searchPage(v: ResultsView): string {
  const s = v.state;
  let status = '';
  let results = '';
  let facets = '';
  let pager = '';
  let notice = '';
  if (v.error) {
    notice = `<div class="notice error" role="alert"><p>تعذّر إجراء البحث.</p><p class="detail" dir="auto">${escapeHtml(v.error)}</p></div>`;
  } else if (v.result && s.q) {
    const r = v.result;
    status = statusText(r.total, r.took_ms);
    results = r.hits.map((h) => renderHit(h, s.q ?? '')).join('\n');
    facets = renderFacets(r, s);
    pager = renderPager(r.total, s);
    if (r.total === 0) {
      notice = `<div class="notice empty"><p>لا توجد نتائج لـ «<bdi>${escapeHtml(s.q)}</bdi>».</p>${
        r.didYouMean ? `<p class="did-you-mean">هل تقصد: <a href="${escapeHtml(searchHref({ q: r.didYouMean }))}" data-nav><bdi>${escapeHtml(r.didYouMean)}</bdi></a>؟</p>` : ''
      }</div>`;
    } else if (r.hits.length === 0) {
      notice = `<div class="notice empty"><p>لا توجد نتائج في هذه الصفحة.</p></div>`;
    }
  } else if (v.stats) {
    notice = `<div class="intro"><p>ابحث في <strong>${arabicNumber(v.stats.documents)}</strong> وثيقة باللغة العربية. يتعرّف البحث على صيغ الكلمة المختلفة: «الكتاب» و«كتب» و«كتابه».</p></div>`;
  }
  const body = `${searchForm(s.q, s.mode, s.source)}
<p id="status" class="status" role="status" aria-live="polite">${escapeHtml(status)}</p>
<div id="notice">${notice}</div>
<div class="layout">
  <nav id="facets" class="facets" aria-label="تصفية حسب المصدر">${facets}</nav>
  <ol id="results" class="results" aria-label="النتائج">${results}</ol>
</div>
<nav id="pager" class="pager" aria-label="الصفحات">${pager}</nav>`;
  const title = s.q ? `${s.q} — بحث فهرس` : 'فهرس — بحث في النصوص العربية';
  return layout({ title, body, scripts: ['/static/app.js'], footer: statsFooter(v.stats) });
}

/** The whole document, every match highlighted, the first one at #m1. */
export function documentPage(d: HighlightedDocument, q: string | undefined): string {
  const doc = d.document;
  const titleHtml = doc.title ? markedHtml(doc.title, d.highlights.title, 1) : escapeHtml(doc.id);
  // Marks in the text are numbered after those in the title.
  const titleMarks = doc.title ? d.highlights.title.length : 0;
  const text = markedHtml(doc.text, d.highlights.text, titleMarks + 1);
  const n = titleMarks + d.highlights.text.length;
  const date = formatDate(doc.metadata.date);
  const source = typeof doc.metadata.source === 'string' ? doc.metadata.source : undefined;
  const author = typeof doc.metadata.author === 'string' ? doc.metadata.author : undefined;
  const url = typeof doc.metadata.url === 'string' && /^https?:\/\//i.test(doc.metadata.url) ? doc.metadata.url : undefined;
  const meta = [
    source ? `<span class="source"><bdi>${escapeHtml(source)}</bdi></span>` : '',
    date ? `<time${date.iso ? ` datetime="${date.iso}"` : ''}>${escapeHtml(date.text)}</time>` : '',
    author ? `<span class="author"><bdi>${escapeHtml(author)}</bdi></span>` : '',
    url ? `<a class="original" href="${escapeHtml(url)}" rel="noopener noreferrer nofollow">المصدر الأصلي</a>` : '',
  ].filter(Boolean);
  const back = q ? `<a class="back" href="${escapeHtml(searchHref({ q }))}">→ العودة إلى نتائج «<bdi>${escapeHtml(q)}</bdi>»</a>` : `<a class="back" href="/">→ صفحة البحث</a>`;
  const matches = q ? `<p class="match-count" role="status">${n === 0 ? 'لا تطابقات في هذه الوثيقة' : n === 1 ? 'تطابق واحد' : n === 2 ? 'تطابقان' : `${arabicNumber(n)} ${n % 100 >= 3 && n % 100 <= 10 ? 'تطابقات' : 'تطابقًا'}`}</p>` : '';
  const body = `<article class="document" data-marks="${n}">
  <nav class="doc-nav">${back}${matches}</nav>
  <h1 class="doc-title" dir="auto">${titleHtml}</h1>
  ${meta.length ? `<p class="result-meta">${meta.join('<span class="sep" aria-hidden="true">|</span>')}</p>` : ''}
  <div class="doc-text" dir="auto">${text}</div>
</article>`;
  return layout({ title: `${doc.title || doc.id} — فهرس`, body, scripts: ['/static/doc.js'] });
}

export function notFoundPage(what: string): string {
  return layout({
    title: 'غير موجود — فهرس',
    body: `<div class="notice not-found"><h1>غير موجود</h1><p>${escapeHtml(what)}</p><p><a href="/">العودة إلى صفحة البحث</a></p></div>`,
  });
}

export function unavailablePage(): string {
  return layout({
    title: 'الخدمة غير جاهزة — فهرس',
    body: `<div class="notice error" role="alert"><h1>الخدمة غير جاهزة</h1><p>يجري تحميل الفهرس. أعد المحاولة بعد لحظات.</p></div>`,
  });
}

export { resultCount };
