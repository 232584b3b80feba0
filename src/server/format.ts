/**
 * Arabic presentation helpers for the server-rendered pages. The browser script
 * (public/format.js) has the same functions; keep the two in step.
 */
const numberFormat = new Intl.NumberFormat('ar-u-nu-arab');
const msFormat = new Intl.NumberFormat('ar-u-nu-arab', { maximumFractionDigits: 1 });
const dateFormat = new Intl.DateTimeFormat('ar-u-nu-arab', { dateStyle: 'long', timeZone: 'UTC' });

export function arabicNumber(n: number): string {
  return numberFormat.format(n);
}

/** "لا توجد نتائج", "نتيجة واحدة", "نتيجتان", "٣ نتائج", "١١ نتيجة" — Arabic number agreement. */
export function resultCount(n: number): string {
  if (n === 0) return 'لا توجد نتائج';
  if (n === 1) return 'نتيجة واحدة';
  if (n === 2) return 'نتيجتان';
  const r = n % 100;
  return `${arabicNumber(n)} ${r >= 3 && r <= 10 ? 'نتائج' : 'نتيجة'}`;
}

export function tookText(ms: number): string {
  return `${msFormat.format(ms)} مللي ثانية`;
}

/** The status line: "٣ نتائج (٢٫١ مللي ثانية)". */
export function statusText(total: number, ms: number): string {
  return `${resultCount(total)} (${tookText(ms)})`;
}

/** A metadata date ("2015-07-21" or "2015-07-21 02:51:32") as an Arabic date, and its ISO day. */
export function formatDate(value: unknown): { iso: string; text: string } | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(value);
  if (!m) return { iso: '', text: value };
  const d = new Date(`${m[1]}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return { iso: '', text: value };
  return { iso: m[1], text: dateFormat.format(d) };
}
