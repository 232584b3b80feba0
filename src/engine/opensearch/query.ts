/**
 * A parsed fahras query as an OpenSearch query, clause for clause what the
 * local ranker plans (src/search/rank.ts):
 *
 *  - each word is a `bool` of `term` queries whose scores add up: its stem
 *    (weight 1), its exact form (normWeight), its other readings
 *    (alternateWeight) and its root (rootWeight); BM25 on one field per kind,
 *    the title's terms counted twice (see mapping.ts), so each term is scored
 *    as fahras's BM25F scores it, with global statistics (dfs_query_then_fetch);
 *  - each `prefix*` is a `bool` of its most frequent completions (weight 1);
 *  - mode=any needs one word or prefix, mode=all every one; the words of a
 *    phrase are always needed, and each phrase is a `match_phrase` filter on
 *    the stems at fahras's own offsets (stop words keep their places);
 *  - `-word` is a must_not on its stem; dates filter; the source filters
 *    after the source counts are taken (post_filter), as locally.
 *
 * New search options go here, next to the filters they resemble.
 */
import type { ParsedQuery, QueryPhrase } from '../../search/query.js';
import { DEFAULT_RANK_PARAMS, type RankParams } from '../../search/rank.js';
import { NO_SOURCE } from '../../search/types.js';
import { OPENSEARCH_MAX_SOURCE_FACETS } from '../../common/limits.js';
import { DAY_MS, STOP_MARK, TERMS_ANALYZER } from './mapping.js';

type Clause = Record<string, unknown>;

export interface Translation {
  query: Clause;
  /** The source filter, applied after the source counts. */
  post_filter?: Clause;
}

export interface TranslateOptions {
  all: boolean;
  fromDay?: number;
  toDay?: number;
  source?: string;
  /** The completions of each of the query's prefixes, in order. */
  expansions: readonly (readonly string[])[];
  params?: RankParams;
}

const term = (field: 'stems' | 'norms' | 'roots', value: string, boost: number): Clause => ({ term: { [field]: { value, boost } } });

/** Matches nothing (an empty bool would match everything). */
const NOTHING: Clause = { match_none: {} };

function anyOf(clauses: Clause[]): Clause {
  return clauses.length ? { bool: { should: clauses, minimum_should_match: 1 } } : NOTHING;
}

/** A phrase's stems at their offsets, the gaps held by the stop mark: what match_phrase analyses back into positions. */
export function phraseText(p: QueryPhrase): string {
  const slots: string[] = [];
  for (const w of p.words) {
    while (slots.length < w.offset) slots.push(STOP_MARK);
    slots[w.offset] = w.stem;
  }
  return slots.join(' ');
}

/** The filter of the `source` facet value `source` (NO_SOURCE: documents without one). */
export function sourceFilter(source: string): Clause {
  return source === NO_SOURCE ? { bool: { must_not: [{ exists: { field: 'source' } }] } } : { term: { source } };
}

export function translate(q: ParsedQuery, o: TranslateOptions): Translation {
  const p = o.params ?? DEFAULT_RANK_PARAMS;
  const inPhrase = new Set(q.phrases.flatMap((ph) => ph.words.map((w) => w.stem)));
  const required: Clause[] = [];
  const optional: Clause[] = [];
  for (const w of q.words) {
    const clauses = [term('stems', w.stem, 1), term('norms', w.norm, p.normWeight), ...w.alternates.map((a) => term('stems', a, p.alternateWeight)), term('roots', w.root, p.rootWeight)];
    (o.all || inPhrase.has(w.stem) ? required : optional).push(anyOf(clauses));
  }
  q.prefixes.forEach((_prefix, i) => {
    const clause = anyOf((o.expansions[i] ?? []).slice(0, p.maxPrefixExpansions).map((t) => term('norms', t, 1)));
    (o.all ? required : optional).push(clause);
  });
  const filter: Clause[] = q.phrases.map((ph) => ({ match_phrase: { stems: { query: phraseText(ph), analyzer: TERMS_ANALYZER } } }));
  if (o.fromDay !== undefined || o.toDay !== undefined) {
    const range: Clause = { format: 'epoch_millis' };
    if (o.fromDay !== undefined) range.gte = o.fromDay * DAY_MS;
    if (o.toDay !== undefined) range.lte = o.toDay * DAY_MS;
    filter.push({ range: { date: range } });
  }
  const bool: Clause = { must: required, should: optional, filter, must_not: q.excluded.map((stem) => ({ term: { stems: stem } })) };
  // Without a required clause, a document needs one of the optional ones.
  if (required.length === 0) bool.minimum_should_match = 1;
  const out: Translation = { query: { bool } };
  if (o.source !== undefined) out.post_filter = sourceFilter(o.source);
  return out;
}

/** The source counts over the matching set (before the source filter). */
export const SOURCE_FACET = { terms: { field: 'source', size: OPENSEARCH_MAX_SOURCE_FACETS, missing: NO_SOURCE, order: [{ _count: 'desc' }, { _key: 'asc' }] } };

/** How many sources the matching set holds (exact below the threshold). */
export const SOURCE_COUNT = { cardinality: { field: 'source', missing: NO_SOURCE, precision_threshold: 40_000 } };

/** Matching documents by day (the date facet's periods are made from days, as locally). */
export const DAY_HISTOGRAM = { date_histogram: { field: 'date', calendar_interval: 'day', min_doc_count: 1 } };
