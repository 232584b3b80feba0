/** The document view: the whole document, every match highlighted and numbered, the first at #m1. */
import type { HighlightedDocument } from '../../search/searcher.js';
import { arabicNumber, formatDate, searchHref } from '../public/format.js';
import { layout, metaLine } from './layout.js';
import { escapeHtml, markedPageHtml, pageText } from './marked.js';

/** The document view's address, at its first match when there is a query. */
export function documentHref(id: string, q?: string): string {
  return `/doc/${encodeURIComponent(id)}${q ? `?q=${encodeURIComponent(q)}#m1` : ''}`;
}

/** The source and date of a document, as results and the document view show them. */
export function sourceAndDate(metadata: Record<string, unknown>): string[] {
  const date = formatDate(metadata.date);
  const source = typeof metadata.source === 'string' && metadata.source ? metadata.source : undefined;
  return [
    source ? `<span class="source"><bdi>${pageText(source)}</bdi></span>` : '',
    date ? `<time${date.iso ? ` datetime="${date.iso}"` : ''}>${escapeHtml(date.text)}</time>` : '',
  ];
}

/** "تطابق واحد", "تطابقان", "٣ تطابقات", "١١ تطابقًا". */
function matchCount(n: number): string {
  if (n === 0) return 'لا تطابقات في هذه الوثيقة';
  if (n === 1) return 'تطابق واحد';
  if (n === 2) return 'تطابقان';
  return `${arabicNumber(n)} ${n % 100 >= 3 && n % 100 <= 10 ? 'تطابقات' : 'تطابقًا'}`;
}

export function documentPage(d: HighlightedDocument, q: string | undefined): string {
  const doc = d.document;
  // Marks are numbered through the title, then the text.
  const titleMarks = doc.title ? d.highlights.title.length : 0;
  const title = doc.title ? markedPageHtml(doc.title, d.highlights.title, 1) : pageText(doc.id);
  const text = markedPageHtml(doc.text, d.highlights.text, titleMarks + 1);
  const n = titleMarks + d.highlights.text.length;
  const author = typeof doc.metadata.author === 'string' ? doc.metadata.author : undefined;
  const url = typeof doc.metadata.url === 'string' && /^https?:\/\//i.test(doc.metadata.url) ? doc.metadata.url : undefined;
  const meta = metaLine([
    ...sourceAndDate(doc.metadata),
    author ? `<span class="author"><bdi>${pageText(author)}</bdi></span>` : '',
    url ? `<a class="original" href="${escapeHtml(url)}" rel="noopener noreferrer nofollow">المصدر الأصلي</a>` : '',
  ]);
  const back = q ? `<a class="back" href="${escapeHtml(searchHref({ q }))}">→ العودة إلى نتائج «<bdi>${escapeHtml(q)}</bdi>»</a>` : `<a class="back" href="/">→ صفحة البحث</a>`;
  // The view marks the first matches only; it says so when there are more.
  const more = d.highlights.truncated ? ` (أول ${arabicNumber(n)} فقط)` : '';
  const matches = q ? `<p class="match-count" role="status">${matchCount(n)}${more}</p>` : '';
  const body = `<article class="document" data-marks="${n}">
  <nav class="doc-nav">${back}${matches}</nav>
  <h1 class="doc-title" dir="auto">${title}</h1>
  ${meta}
  <div class="doc-text" dir="auto">${text}</div>
</article>`;
  return layout({ title: `${doc.title || doc.id} — فهرس`, body, scripts: ['/static/doc.js'] });
}
