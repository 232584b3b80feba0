/** Dates of documents, kept as whole days since 1970-01-01 for range filters. */
export const NO_DATE = -2147483648;

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/;

/** Days since the epoch of an ISO date (`YYYY-MM-DD`, optionally with a time), else undefined. */
export function parseDate(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = ISO_DAY.exec(value.trim());
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  // Date.UTC reads years 0–99 as 1900–1999; setUTCFullYear takes them as written.
  const check = new Date(0);
  check.setUTCFullYear(y, mo - 1, d);
  const t = check.getTime();
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return undefined;
  return Math.round(t / 86_400_000);
}
