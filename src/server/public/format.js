// Arabic presentation helpers and page addresses, shared by the server-rendered
// pages (src/server/view/) and the page's script (search-page.js, which builds
// the addresses of typed queries and counts suggestions): one implementation, no DOM.

const numberFormat = new Intl.NumberFormat('ar-u-nu-arab');
const msFormat = new Intl.NumberFormat('ar-u-nu-arab', { maximumFractionDigits: 1 });
const dateFormat = new Intl.DateTimeFormat('ar-u-nu-arab', { dateStyle: 'long', timeZone: 'UTC' });

/** @param {number} n */
export function arabicNumber(n) {
  return numberFormat.format(n);
}

/** "لا توجد نتائج", "نتيجة واحدة", "نتيجتان", "٣ نتائج", "١١ نتيجة". @param {number} n */
export function resultCount(n) {
  if (n === 0) return 'لا توجد نتائج';
  if (n === 1) return 'نتيجة واحدة';
  if (n === 2) return 'نتيجتان';
  const r = n % 100;
  return `${arabicNumber(n)} ${r >= 3 && r <= 10 ? 'نتائج' : 'نتيجة'}`;
}

/** @param {number} total @param {number} ms */
export function statusText(total, ms) {
  return `${resultCount(total)} (${msFormat.format(ms)} مللي ثانية)`;
}

/** @param {unknown} value @returns {{ iso: string, text: string } | undefined} */
export function formatDate(value) {
  if (typeof value !== 'string' || value === '') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(value);
  if (!m) return { iso: '', text: value };
  const d = new Date(`${m[1]}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return { iso: '', text: value };
  return { iso: m[1], text: dateFormat.format(d) };
}

/**
 * `/?q=…&page=…` for a page state; defaults are left out.
 * @param {{ q?: string, source?: string, mode?: string, from?: string, to?: string, page?: number }} s
 */
export function searchHref(s) {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  if (s.source) p.set('source', s.source);
  if (s.mode && s.mode !== 'any') p.set('mode', s.mode);
  if (s.from) p.set('from', s.from);
  if (s.to) p.set('to', s.to);
  if (s.page && s.page > 1) p.set('page', String(s.page));
  const qs = p.toString();
  return qs ? `/?${qs}` : '/';
}
