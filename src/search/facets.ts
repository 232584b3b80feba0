/**
 * Facets of an answer, from the ranker's counts: the sources with the most
 * matching documents (a bounded list, the rest summed), and the documents by
 * day, month or year, whichever keeps the periods few. Facet maps have no
 * prototype, so a source named `__proto__` or `constructor` is a key like
 * any other.
 */
import { DATE_FACET_MAX_DAYS, DATE_FACET_MAX_MONTHS, SOURCE_FACET_LIMIT } from '../common/limits.js';
import type { DateFacet, Facets } from './types.js';

/** A record without prototype, for keys that come from documents. */
export function plainMap(): Record<string, number> {
  return Object.create(null) as Record<string, number>;
}

export function emptyFacets(): Facets {
  return { source: plainMap(), sourceOthers: { sources: 0, documents: 0 }, date: { granularity: 'day', counts: plainMap(), undated: 0 } };
}

/**
 * The `limit` sources with the most documents (most first, ties by name in
 * code-unit order) and what the others hold. `counts[i]` counts source
 * `names[i]`; `names[0]` is '' (NO_SOURCE).
 */
export function sourceFacet(counts: Uint32Array, names: readonly string[], limit = SOURCE_FACET_LIMIT): Pick<Facets, 'source' | 'sourceOthers'> {
  // A short list kept in order: most sources lose to its last at once.
  const top: number[] = [];
  const ahead = (a: number, b: number) => counts[a] > counts[b] || (counts[a] === counts[b] && names[a] < names[b]);
  let sources = 0;
  let documents = 0;
  for (let sid = 0; sid < counts.length; sid++) {
    if (counts[sid] === 0) continue;
    sources++;
    documents += counts[sid];
    if (top.length === limit && !ahead(sid, top[limit - 1])) continue;
    let j = top.length;
    while (j > 0 && ahead(sid, top[j - 1])) j--;
    top.splice(j, 0, sid);
    if (top.length > limit) top.pop();
  }
  const source = plainMap();
  for (const sid of top) {
    source[names[sid]] = counts[sid];
    documents -= counts[sid];
  }
  return { source, sourceOthers: { sources: sources - top.length, documents } };
}

const DAY_MS = 86_400_000;
const ISO_DAYS_KEPT = 100_000;

/** Days written so far: an answer's date facet names up to hundreds of days, the same ones query after query. */
const isoDays = new Map<number, string>();

/** `YYYY-MM-DD` of a day number (days since 1970-01-01). */
export function isoDay(day: number): string {
  let iso = isoDays.get(day);
  if (iso === undefined) {
    iso = new Date(day * DAY_MS).toISOString().slice(0, 10);
    // Bounded: documents' days are few (tens of thousands in a century), but a caller may pass any number.
    if (isoDays.size < ISO_DAYS_KEPT) isoDays.set(day, iso);
  }
  return iso;
}

/**
 * Counts by period from counts by day: `dayCounts[i]` documents on day
 * `days[i]`, undated ones at 0. The period is the day while the dated
 * documents span at most DATE_FACET_MAX_DAYS days, the month while they span
 * at most DATE_FACET_MAX_MONTHS months, else the year.
 */
export function dateFacet(dayCounts: Uint32Array, days: Int32Array): DateFacet {
  let first = -1;
  let last = -1;
  for (let i = 1; i < dayCounts.length; i++) {
    if (dayCounts[i] === 0) continue;
    if (first < 0) first = i;
    last = i;
  }
  const counts = plainMap();
  if (first < 0) return { granularity: 'day', counts, undated: dayCounts[0] ?? 0 };
  const from = isoDay(days[first]);
  const to = isoDay(days[last]);
  const months = (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7)) + 1;
  const granularity = days[last] - days[first] + 1 <= DATE_FACET_MAX_DAYS ? 'day' : months <= DATE_FACET_MAX_MONTHS ? 'month' : 'year';
  const width = granularity === 'day' ? 10 : granularity === 'month' ? 7 : 4;
  for (let i = first; i <= last; i++) {
    if (dayCounts[i] === 0) continue;
    const key = isoDay(days[i]).slice(0, width);
    counts[key] = (counts[key] ?? 0) + dayCounts[i];
  }
  return { granularity, counts, undated: dayCounts[0] };
}
