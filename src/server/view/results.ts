/** The result list of the search page: hits (with the near-duplicates folded into them), the pager and the line that says what was folded. */
import { MAX_PAGE, PAGE_SIZE } from '../../common/limits.js';
import type { Duplicate, Hit, SearchResult } from '../../search/types.js';
import { arabicNumber, formatDate, searchHref } from '../public/format.js';
import { documentHref, sourceAndDate } from './document-page.js';
import { sourceLabel } from './facets.js';
import { metaLine } from './layout.js';
import { escapeHtml, markedPageHtml, pageText, snippetPageHtml } from './marked.js';
import type { PageState } from './page-state.js';

/** "Also in: …": each near-duplicate by its source (or its date, or id), linked to it. */
function alsoIn(dups: Duplicate[], q: string): string {
  const links = dups.map((d) => {
    const label = d.source !== undefined ? sourceLabel(d.source) : (formatDate(d.date)?.text ?? d.id);
    const date = formatDate(d.date);
    return `<a href="${escapeHtml(documentHref(d.id, q))}"${date ? ` title="${escapeHtml(date.text)}"` : ''}><bdi>${pageText(label)}</bdi></a>`;
  });
  return `<p class="also-in">نُشر أيضًا في: ${links.join('، ')}</p>`;
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
  <p class="snippet" dir="auto">${snippetPageHtml(hit.snippet)}</p>${hit.duplicates?.length ? `\n  ${alsoIn(hit.duplicates, q)}` : ''}
</li>`;
}

/** Results the pages count: folded hits when the whole answer was folded, else matching documents. */
function pagedTotal(r: SearchResult): number {
  return r.collapse?.groups ?? r.total;
}

export function renderPager(r: SearchResult, s: PageState): string {
  const pages = Math.min(Math.ceil(pagedTotal(r) / PAGE_SIZE), MAX_PAGE);
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

/** What folding did on this page, and the way to see every copy (or to fold them again). */
export function renderCollapse(r: SearchResult, s: PageState): string {
  if (r.hits.length === 0) return '';
  if (!s.collapse) return `<p class="collapse-note">تظهر النسخ المكررة من الخبر نفسه كلٌّ على حدة. <a href="${escapeHtml(searchHref({ ...s, collapse: true, page: 1 }))}" data-nav>ادمجها</a></p>`;
  const folded = r.collapse?.folded ?? 0;
  if (folded === 0) return '';
  return `<p class="collapse-note">نسخ مكررة من الأخبار نفسها دُمجت في نتائج هذه الصفحة: ${arabicNumber(folded)}. <a href="${escapeHtml(searchHref({ ...s, collapse: false, page: 1 }))}" data-nav>اعرض كل النسخ</a></p>`;
}
