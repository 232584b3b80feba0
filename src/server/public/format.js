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

const dayFormat = new Intl.DateTimeFormat('ar-u-nu-arab', { day: 'numeric', month: 'long', timeZone: 'UTC' });
const monthFormat = new Intl.DateTimeFormat('ar-u-nu-arab', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const yearFormat = new Intl.DateTimeFormat('ar-u-nu-arab', { year: 'numeric', timeZone: 'UTC' });

/** A period of the date facet, `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, as a reader says it: "٢١ يوليو", "يوليو ٢٠١٥", "٢٠١٥". @param {string} key */
export function periodLabel(key) {
  const d = new Date(`${key.padEnd(10, key.length === 4 ? '-01-01' : '-01').slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return key;
  return (key.length === 10 ? dayFormat : key.length === 7 ? monthFormat : yearFormat).format(d);
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
 * `/?q=…&page=…` for a page state; defaults are left out. An empty `source`
 * is kept (it selects documents without a source).
 * @param {{ q?: string, source?: string, mode?: string, from?: string, to?: string, sort?: string, collapse?: boolean, correct?: boolean, page?: number }} s
 */
export function searchHref(s) {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  if (s.source !== undefined) p.set('source', s.source);
  if (s.mode && s.mode !== 'any') p.set('mode', s.mode);
  if (s.from) p.set('from', s.from);
  if (s.to) p.set('to', s.to);
  if (s.sort && s.sort !== 'relevance') p.set('sort', s.sort);
  if (s.collapse === false) p.set('collapse', 'false');
  if (s.correct === false) p.set('correct', 'false');
  if (s.page && s.page > 1) p.set('page', String(s.page));
  const qs = p.toString();
  return qs ? `/?${qs}` : '/';
}
