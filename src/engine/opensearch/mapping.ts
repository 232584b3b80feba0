/**
 * How fahras lays its data out in a cluster. A build writes two physical
 * indices named after the alias and a build stamp: the documents
 * (`<alias>-<stamp>`) and their word list (`<alias>-<stamp>-terms`, for
 * suggestions, prefix expansion and did-you-mean); the alias points at the
 * documents, and the documents' `_meta` names the word list.
 *
 * A document holds its title, text and metadata as given (in `_source`, for
 * display and fahras's own highlighter), `source` as a keyword, `date` as a
 * date, and fahras's analysis of it as pre-analyzed terms in three fields:
 * `stems`, `norms` (exact surface forms) and `roots`. Each holds the text's
 * terms, then the title's twice — the title weighs twice a text occurrence,
 * as in fahras's BM25F, and one field keeps one length and one term
 * statistic per document, as fahras's ranking does — separated by a position
 * gap no phrase spans. Stop words are sent as a mark the field's analyzer
 * drops while keeping its position, so phrase offsets are fahras's own.
 */
import { createHash } from 'node:crypto';
import { ANALYZER_VERSION } from '../../analysis/pipeline.js';
import { LIBRARY_MAX_HITS, LIBRARY_MAX_OFFSET } from '../../common/limits.js';
import { MAX_PHRASE_SPAN } from '../../index/positions.js';
import { DEFAULT_RANK_PARAMS } from '../../search/rank.js';

/** Bump when the layout below changes: an index of another layout is refused (rebuild it). */
export const LAYOUT_VERSION = 1;

/** Sent in place of a stop word: the analyzer drops it and leaves its position empty. Never a term (terms are letters and digits). */
export const STOP_MARK = '_';

/** Times the title's terms are sent: fahras's title weight, which must be a whole number here. */
export const TITLE_REPEATS = DEFAULT_RANK_PARAMS.titleWeight;

/** The analyzer of the term fields: split on spaces, drop the stop mark (keeping its position), cut terms the index could not hold. */
export const TERMS_ANALYZER = 'fahras_terms';

/** The cluster's limit on a document `_id`, in UTF-8 bytes. */
const MAX_ID_BYTES = 512;

/** What a build records in the documents index's `_meta.fahras`. */
export interface BuildMeta {
  layout: number;
  alias: string;
  /** The word-list index of this build. */
  lexicon: string;
  analyzerVersion: number;
  builtAt: string;
  buildSeconds: number;
  documents: number;
  /** Distinct stems at build time. */
  stemTerms: number;
  /** Distinct surface forms at build time. */
  normTerms: number;
  shards: number;
  /** Set once every document is in: an index without it is a build that did not finish. */
  complete: boolean;
}

/** The `_id` of a document (or word) in the cluster: the id itself, or, past the cluster's 512 bytes, a digest no id can equal (ids hold no control characters). */
export function clusterId(id: string): string {
  return Buffer.byteLength(id) <= MAX_ID_BYTES ? id : `\u001fsha256:${createHash('sha256').update(id).digest('hex')}`;
}

/** The physical index of a build started now, e.g. fahras-20250102t030405123z-1a2b. */
export function physicalName(alias: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:.]/g, '').toLowerCase();
  return `${alias}-${stamp}-${Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0')}`;
}

export function lexiconName(physical: string): string {
  return `${physical}-terms`;
}

/** A day number (days since 1970-01-01) as the `date` field holds it. */
export const DAY_MS = 86_400_000;

/** A field of pre-analyzed terms; positions only where phrases are matched (stems). */
const termField = (positions: boolean) =>
  positions
    ? { type: 'text', analyzer: TERMS_ANALYZER, similarity: 'fahras', index_options: 'positions', position_increment_gap: MAX_PHRASE_SPAN + 1 }
    : { type: 'text', analyzer: TERMS_ANALYZER, similarity: 'fahras', index_options: 'freqs' };

/** Settings and mappings of a documents index. */
export function documentsIndexBody(meta: BuildMeta, replicas: number): Record<string, unknown> {
  return {
    settings: {
      number_of_shards: meta.shards,
      number_of_replicas: replicas,
      // Filled in bulk first; made searchable, and replicated, once complete.
      refresh_interval: '-1',
      max_result_window: LIBRARY_MAX_OFFSET + LIBRARY_MAX_HITS,
      // Stored documents (and, until merges drop it, the source with its analysis kept for recovery) are most of the index: DEFLATE halves it.
      codec: 'best_compression',
      analysis: {
        tokenizer: { fahras_terms: { type: 'whitespace', max_token_length: 1_048_576 } },
        filter: {
          fahras_stop_mark: { type: 'stop', stopwords: [STOP_MARK], ignore_case: false },
          // 8,000 UTF-16 units stay under Lucene's 32,766-byte term limit: a longer "word" is cut, not its document refused.
          fahras_term_length: { type: 'truncate', length: 8000 },
        },
        analyzer: { [TERMS_ANALYZER]: { type: 'custom', tokenizer: 'fahras_terms', filter: ['fahras_stop_mark', 'fahras_term_length'] } },
      },
      similarity: { fahras: { type: 'BM25', k1: DEFAULT_RANK_PARAMS.k1, b: DEFAULT_RANK_PARAMS.bText } },
    },
    mappings: {
      dynamic: 'strict',
      _meta: { fahras: meta },
      // The analysis is sent, not kept: _source holds what is shown.
      _source: { excludes: ['stems', 'norms', 'roots'] },
      properties: {
        id: { type: 'keyword', index: false, doc_values: false },
        title: { type: 'text', index: false },
        text: { type: 'text', index: false },
        metadata: { type: 'object', enabled: false },
        source: { type: 'keyword' },
        date: { type: 'date', format: 'epoch_millis' },
        stems: termField(true),
        norms: termField(false),
        roots: termField(false),
      },
    },
  };
}

/** Settings and mappings of a word-list index: one document per surface form. */
export function lexiconIndexBody(replicas: number): Record<string, unknown> {
  return {
    settings: {
      number_of_shards: 1,
      number_of_replicas: replicas,
      refresh_interval: '-1',
      // Kept in the order completions are asked for (most frequent first), so a prefix shared by many forms stops at the first ones it meets.
      sort: { field: ['df', 'norm'], order: ['desc', 'asc'] },
    },
    mappings: {
      dynamic: 'strict',
      properties: {
        norm: { type: 'keyword' },
        display: { type: 'keyword', index: false, doc_values: false },
        df: { type: 'integer' },
      },
    },
  };
}

/** The `_meta.fahras` of an index's mapping, when it is one of fahras's documents indices of this layout and analyzer. */
export function buildMetaOf(mapping: unknown): BuildMeta | undefined {
  const meta = (mapping as { mappings?: { _meta?: { fahras?: BuildMeta } } } | undefined)?.mappings?._meta?.fahras;
  return meta && typeof meta.lexicon === 'string' && typeof meta.alias === 'string' ? meta : undefined;
}

/** Why an index of `meta` cannot be searched by this version of fahras, or undefined. */
export function layoutProblem(meta: BuildMeta): string | undefined {
  if (meta.layout !== LAYOUT_VERSION) return `it was built by another version of fahras (layout ${meta.layout}, this one reads ${LAYOUT_VERSION}); rebuild it with fahras index --engine opensearch`;
  if (meta.analyzerVersion !== ANALYZER_VERSION) return `its words were analysed by another version of fahras (analyzer ${meta.analyzerVersion}, this one is ${ANALYZER_VERSION}); rebuild it with fahras index --engine opensearch`;
  return undefined;
}
