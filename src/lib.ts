/** fahras as a library: build an index, open it, search it. */
export { Analyzer, ANALYZER_VERSION, type AnalyzedToken } from './analysis/pipeline.js';
export { normalize } from './analysis/normalize.js';
export { tokenize } from './analysis/tokenize.js';
export { buildIndex, BuildError, type BuildOptions, type BuildSummary } from './index/build.js';
export { loadDocuments, DocumentLoadError, type LoadProblem } from './ingest/load.js';
export type { Document } from './ingest/document.js';
export { createNaturalStemmer, type NaturalArabicStemmer } from './analysis/natural-stemmer.js';
export { IndexError } from './index/open.js';
export { FahrasError, ERROR_KINDS, EXIT_FAILURE, EXIT_USAGE, type ErrorKind, type ApiErrorCode } from './common/errors.js';
export { QueryError } from './search/query.js';
export { TrecFormatError } from './eval/trec.js';
export { openIndex, Searcher, type HighlightedDocument } from './search/searcher.js';
export type * from './search/types.js';
export { NO_SOURCE } from './search/types.js';
/** Hits carry text and spans: these lay out marks and snippet fragments in whatever markup the caller renders. */
export { renderMarked, renderSnippet } from './search/snippet.js';
