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
/**
 * Completions of the last word weighed for each suggestion request (the
 * surface forms starting with it held by the most documents), and postings it
 * may read to count them with the words before it: what keeps it fast.
 */
export const SUGGEST_CANDIDATES = 32;
export const SUGGEST_WORK_BUDGET = 300_000;

// ---- facets ----

/** Sources a search answer counts by name; the rest are summed in `sourceOthers` (100,000 sources must not make every answer megabytes long). */
export const SOURCE_FACET_LIMIT = 20;
/** The date facet counts days while the matching documents span at most this many days, months while they span at most DATE_FACET_MAX_MONTHS months, years beyond. */
export const DATE_FACET_MAX_DAYS = 31;
export const DATE_FACET_MAX_MONTHS = 24;

// ---- near-duplicates ----

/** Matches examined, best first, when near-duplicates are folded (each read from the store once): deeper pages list the matches past them unfolded. */
export const COLLAPSE_MAX_CANDIDATES = 2000;
/** Documents whose near-duplicate fingerprints a searcher keeps (about 200 bytes each). */
export const COLLAPSE_CACHED_FINGERPRINTS = 50_000;

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
/**
 * Memory budget per entry of capacity: a top-10 result with its API body is about 20 kB
 * (estimateBytes weighs it at about 33 kB on the benchmark's query log), and its gzip body,
 * kept once a client asked for gzip, about 1.6 kB more.
 */
export const CACHE_BYTES_PER_ENTRY = 36 * 1024;

// ---- compression ----

/** Bodies shorter than this are sent uncompressed: the gzip framing would eat most of the saving. */
export const COMPRESSION_THRESHOLD_BYTES = 1024;
/**
 * zlib level of a search answer's body kept in the result cache, compressed once and
 * sent many times, and of one compressed for one answer only (bench/RESULTS.md, "The HTTP path").
 */
export const GZIP_LEVEL_CACHED = 9;
export const GZIP_LEVEL_ONCE = 6;

// ---- CLI ----

/** Characters of an error message the CLI prints (messages quote file names, which can be long). */
export const CLI_MAX_MESSAGE_CHARACTERS = 1000;
/** Skipped records `fahras index` prints one by one; the rest are only counted. */
export const CLI_MAX_REPORTED_PROBLEMS = 20;

// ---- OpenSearch engine ----

/** How long one request to the cluster may take before it is retried on another node or given up, ms: searches, documents, checks. */
export const OPENSEARCH_REQUEST_TIMEOUT_MS = 10_000;
/** How long one bulk request of a build or a write may take, ms (a loaded cluster answers large bulks slowly). */
export const OPENSEARCH_BULK_TIMEOUT_MS = 120_000;
/** Times a search is sent before the engine answers 503: the client also moves to another node on each connection failure. */
export const OPENSEARCH_SEARCH_ATTEMPTS = 3;
/** Consecutive failed health checks after which the engine says it is not ready (one failure is often a node leaving and its replicas taking over). */
export const OPENSEARCH_FAILED_CHECKS_UNTIL_LOST = 3;
/** Sources counted in the source facet of one search (the cluster's own bucket limit is 65,535). */
export const OPENSEARCH_MAX_SOURCE_FACETS = 10_000;
/** Bytes of documents per bulk request of a build, and requests in flight at once. */
export const OPENSEARCH_BULK_BYTES = 5_000_000;
export const OPENSEARCH_BULK_CONCURRENCY = 3;
/** Near spellings fetched from the cluster's word list for one did-you-mean; the nearest and most frequent is chosen among them. */
export const OPENSEARCH_FUZZY_CANDIDATES = 256;
/** Lookups of the word list remembered per version of the data, of each kind: prefixes (expansions and suggestions), near spellings (did-you-mean, correction). */
export const OPENSEARCH_PREFIX_CACHE_ENTRIES = 2_000;

// ---- writes (live updates) ----

/**
 * Bytes of one document sent to PUT /api/documents/:id: the size of one JSON
 * record the loader reads (DOCUMENT_LIMITS.recordBytes in src/ingest/document.ts).
 */
export const WRITE_MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;
/** Bytes of one NDJSON batch sent to POST /api/documents. */
export const WRITE_MAX_BATCH_BYTES = 32 * 1024 * 1024;
/** Lines (puts and deletes; blank lines not counted) of one NDJSON batch. */
export const WRITE_MAX_BATCH_LINES = 1000;
/**
 * Operations waiting for their commit in a server: beyond this, a write is
 * refused (503, busy) instead of queued, so a flood of writes cannot grow
 * memory without bound.
 */
export const WRITE_MAX_QUEUED_OPERATIONS = 20_000;
/** How long a write waits for another process's lock on the index folder before it is refused, ms. */
export const WRITE_LOCK_WAIT_MS = 10_000;
/** Problems of a refused batch spelled out in its error message (all are listed in `problems`). */
export const WRITE_MAX_PROBLEMS_IN_MESSAGE = 10;
/** Characters of the admin token at least (FAHRAS_ADMIN_TOKEN): shorter is guessable, not a secret. */
export const ADMIN_TOKEN_MIN_LENGTH = 24;
/** Characters of the admin token at most. */
export const ADMIN_TOKEN_MAX_LENGTH = 512;
/** Documents `fahras index --update` commits at a time (--batch), so memory stays bounded whatever the input's size. */
export const UPDATE_BATCH_DOCUMENTS = 2000;
/** Characters of title and text one `--update` commit holds at most, whatever its document count. */
export const UPDATE_BATCH_CHARACTERS = 32 * 1024 * 1024;
/** Ids `fahras delete` commits at a time. */
export const DELETE_BATCH_IDS = 100_000;
/** Segments above this many documents (the base segment of a full build at news-archive scale) are merged only by `fahras compact`. */
export const MERGE_MAX_DOCUMENTS = 50_000;

/** Most serving processes (`--processes`, FAHRAS_PROCESSES): each holds the index in memory. */
export const MAX_SERVING_PROCESSES = 64;
/** A serving process that ends while the service runs is started again after this long, doubled on each failure to start, up to the maximum. */
export const PROCESS_RESTART_DELAY_MS = 500;
export const PROCESS_RESTART_MAX_DELAY_MS = 30_000;

// ---- building ----

/**
 * Characters of title and text per chunk of a parallel build: what one worker
 * analyses at a time (about 1,150 news articles). An input smaller than one
 * chunk is built on the calling thread, without starting a worker. Memory
 * holds about two chunks' postings on each side: at 4,000,000 a 4× build of
 * SaudiNewsNet peaked at 682–691 MB, at 2,000,000 at 574 MB, in as much time.
 */
export const BUILD_CHUNK_CHARACTERS = 2_000_000;
/** Chunks given to one build worker at a time (one analysed while the other waits for its terms' numbers). */
export const BUILD_CHUNKS_PER_THREAD = 2;
/**
 * Documents sent to a build worker at a time: a chunk travels in batches, so
 * documents die young (analysed as they come) and memory holds a few batches,
 * not whole chunks.
 */
export const BUILD_BATCH_DOCUMENTS = 256;
/** Batches waiting for one build worker. */
export const BUILD_BATCHES_PER_THREAD = 4;
/** Worker threads of a build when not told: one per core, up to this many (each holds its own word table). */
export const BUILD_DEFAULT_MAX_THREADS = 4;
/** Worker threads a build may be told to use. */
export const BUILD_MAX_THREADS = 64;
