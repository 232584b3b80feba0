/**
 * Every limit of fahras in one place, named for what it bounds. Where the
 * library, the HTTP API, the CLI and the search page allow different amounts,
 * the name says whose limit it is and the comment says why they differ.
 * (The query parser's own bounds, MAX_PHRASES and the shortest prefix, live
 * with it in src/search/query.ts.)
 */

// ---- searching ----

/** Hits a search returns when no limit is given: library, API, CLI and page alike. */
export const DEFAULT_HIT_LIMIT = 10;
/**
 * Hits one library search() may return and skip. The library serves run files
 * and evaluation (100 hits per query and more), so it allows more than the API.
 */
export const LIBRARY_MAX_HITS = 1000;
export const LIBRARY_MAX_OFFSET = 100_000;
/** Hits one API request may return and skip: a page of a result list, never a dump of the index. */
export const API_MAX_HITS = 100;
export const API_MAX_OFFSET = 10_000;
/** Hits one `fahras search` may print or write per query: a run file wants the library's depth; paging stops where the API's does. */
export const CLI_MAX_HITS = LIBRARY_MAX_HITS;
export const CLI_MAX_OFFSET = API_MAX_OFFSET;
/** Hits per query of a TREC run file (fahras search --queries, fahras eval) unless told: Recall@100 needs 100. */
export const RUN_DEPTH = 100;
/** Results per page of the search page, and the last page it links (as deep as the API can page). */
export const PAGE_SIZE = 10;
export const MAX_PAGE = Math.floor(API_MAX_OFFSET / PAGE_SIZE) + 1;

/** Characters of query text accepted by the API, the page and the CLI. */
export const MAX_QUERY_LENGTH = 512;
/** Characters of a source filter value. */
export const MAX_SOURCE_LENGTH = 200;
/** Characters of a document id in an address. */
export const MAX_DOCUMENT_ID_LENGTH = 1000;
/** Completions offered for the last word of a query (library, API and page). */
export const MAX_SUGGESTIONS = 10;

// ---- snippets ----

/** Words in one snippet fragment, and fragments in one snippet. */
export const SNIPPET_WINDOW_WORDS = 30;
export const SNIPPET_FRAGMENTS = 3;
/** Characters shown of a text that has no words at all (only punctuation or symbols). */
export const SNIPPET_WORDLESS_CHARACTERS = 200;
/**
 * Characters of a text a hit's snippet and highlights are looked for in, from
 * its start (about 11,000 words of Arabic: every news article whole). Past
 * it, a hit whose text has no match there is shown around the first matches
 * the index's positions point to; the work of a snippet never grows with the
 * length of the document.
 */
export const SNIPPET_SCAN_CHARACTERS = 65_536;
/** Characters of one snippet fragment: thirty words of text are about 200; a fragment of a long unbroken string is cut around its match. */
export const SNIPPET_FRAGMENT_CHARACTERS = 600;
/** Match spans a hit lists per field (`highlights.title`, `highlights.text`); past it, `highlights.truncated`. */
export const HIT_MAX_HIGHLIGHTS = 100;
/** Matches marked in a document view (/doc/:id, /api/documents/:id?q=); past it, the rest of the text is not scanned and `highlights.truncated` is set. */
export const DOCUMENT_MAX_HIGHLIGHTS = 1000;

// ---- HTTP ----

/** Query-string parameters read from one address; the rest are ignored. */
export const MAX_QUERY_PARAMETERS = 64;
/** Bytes of a request body (no route takes one; the parser refuses anything larger with 413). */
export const MAX_BODY_BYTES = 16 * 1024;
/** Requests per client IP are counted over this window for FAHRAS_RATE_LIMIT. */
export const RATE_LIMIT_WINDOW_MS = 60_000;
/** How long an idle keep-alive connection stays open. (Header and request timeouts are settings: FAHRAS_HEADERS_TIMEOUT_MS, FAHRAS_REQUEST_TIMEOUT_MS.) */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** The longest header, request or queue timeout a setting may ask for: one hour. */
export const MAX_TIMEOUT_MS = 3_600_000;
/**
 * Node checks header and request timeouts on a timer, not per connection: it
 * runs at this fraction of the shorter timeout (within the bounds below), so
 * a timeout fires at most a tenth late instead of up to 30 s late.
 */
export const TIMEOUT_CHECK_FRACTION = 0.1;
export const TIMEOUT_CHECK_MIN_MS = 10;
export const TIMEOUT_CHECK_MAX_MS = 1_000;
/**
 * A connection on which nothing moves either way for this long is closed: a
 * client that stopped reading its answers (or never sends) holds no memory
 * past it.
 */
export const STALLED_CONNECTION_MS = 60_000;
/**
 * Requests of one connection being answered at once. HTTP/1.1 sends answers
 * in order, so answering a pipelined request before the one ahead of it is
 * sent only holds its answer in memory.
 */
export const CONNECTION_MAX_IN_FLIGHT = 1;
/**
 * Pipelined requests of one connection read and waiting for the answers
 * ahead of them. A client that sends more without reading its answers is
 * disconnected: what it sent is not worth the memory.
 */
export const CONNECTION_MAX_WAITING = 32;

// ---- search work per client ----

/** The window over which each client's search time is counted (FAHRAS_CLIENT_CPU_MS is per window). */
export const CLIENT_CPU_WINDOW_MS = 60_000;
/** The window is kept as this many buckets, dropped one at a time as they age. */
export const CLIENT_CPU_BUCKETS = 12;
/** Requests one client may have waiting for their turn to search; more are answered 429 at once. */
export const CLIENT_MAX_WAITING = 64;
/** Requests of all clients waiting for their turn; more are answered 503 at once. */
export const MAX_WAITING = 4096;

// ---- result cache ----

/** Longer queries are answered but not cached: their keys would crowd the cache. */
export const CACHE_MAX_QUERY_LENGTH = 256;
/** Memory budget per entry of capacity: a top-10 result with its API body is about 20 kB. */
export const CACHE_BYTES_PER_ENTRY = 32 * 1024;

// ---- CLI ----

/** Characters of an error message the CLI prints (messages quote file names, which can be long). */
export const CLI_MAX_MESSAGE_CHARACTERS = 1000;
/** Skipped records `fahras index` prints one by one; the rest are only counted. */
export const CLI_MAX_REPORTED_PROBLEMS = 20;
