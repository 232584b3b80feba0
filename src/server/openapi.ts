/** OpenAPI 3.1 description of the service. tests/api/openapi.test.ts keeps it true to the routes. */
import { ERROR_KINDS } from '../common/errors.js';
import { writePaths, writeSchemas, writeSecuritySchemes } from './openapi-writes.js';
import { API_MAX_HITS, API_MAX_OFFSET, DATE_FACET_MAX_DAYS, DATE_FACET_MAX_MONTHS, DEFAULT_HIT_LIMIT, DOCUMENT_MAX_HIGHLIGHTS, HIT_MAX_HIGHLIGHTS, MAX_PAGE, MAX_QUERY_LENGTH, MAX_SOURCE_LENGTH, MAX_SUGGESTIONS, SNIPPET_SCAN_CHARACTERS, SOURCE_FACET_LIMIT } from '../common/limits.js';

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const q = (required: boolean, description: string) => ({
  name: 'q',
  in: 'query',
  required,
  description,
  schema: { type: 'string', minLength: 1, maxLength: MAX_QUERY_LENGTH },
});

const filterParams = [
  { name: 'mode', in: 'query', required: false, description: 'any: documents with any of the words, ranked; all: documents with every word.', schema: { type: 'string', enum: ['any', 'all'], default: 'any' } },
  { name: 'source', in: 'query', required: false, description: 'Only documents whose `source` field is exactly this; empty (`source=`): only documents without a source.', schema: { type: 'string', maxLength: MAX_SOURCE_LENGTH } },
  { name: 'from', in: 'query', required: false, description: 'Only documents dated on or after this day.', schema: { type: 'string', format: 'date' } },
  { name: 'to', in: 'query', required: false, description: 'Only documents dated on or before this day.', schema: { type: 'string', format: 'date' } },
  {
    name: 'sort',
    in: 'query',
    required: false,
    description: 'relevance: best first; newest: by the `date` field, latest day first (documents of one day best first, undated documents last).',
    schema: { type: 'string', enum: ['relevance', 'newest'], default: 'relevance' },
  },
];

const flag = (name: string, byDefault: boolean, description: string) => ({ name, in: 'query', required: false, description, schema: { type: 'boolean', default: byDefault } });

const collapseParam = (byDefault: boolean) =>
  flag('collapse', byDefault, 'Fold near-duplicates (same normalized title, nearly the same opening: the same story from several papers) into one hit listing the others in `duplicates`. `true`/`false` (or `1`/`0`).');

const correctParam = flag(
  'correct',
  true,
  'When a word of the query matches no document and exactly one near spelling of it is common, answer for the corrected query (and say so in `correction`); `false` searches the words as given.',
);

/** The parameters of the search page (and of its fragments). */
const pageParameters = [
  { ...q(false, 'The query.'), schema: { type: 'string', maxLength: MAX_QUERY_LENGTH } },
  { name: 'page', in: 'query', required: false, description: 'Page of ten results.', schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 1 } },
  ...filterParams,
  collapseParam(true),
  correctParam,
];

const TOO_MANY = 'Too many requests from this client (FAHRAS_RATE_LIMIT a minute), too many of its requests waiting, or its share of search time (FAHRAS_CLIENT_CPU_MS a minute) used up; Retry-After says when to try again.';
const UNAVAILABLE = 'The index is not loaded yet (code not_ready), or the request waited longer than FAHRAS_QUEUE_TIMEOUT_MS for its turn (code busy).';

/** Matches of a title and a text; bounded lists. */
const highlightsSchema = (bound: string) => ({
  type: 'object',
  properties: {
    title: { type: 'array', items: { $ref: '#/components/schemas/Span' } },
    text: { type: 'array', items: { $ref: '#/components/schemas/Span' } },
    truncated: { type: 'boolean', const: true, description: `Present when there may be more matches than listed: ${bound}.` },
  },
});

const html = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });

/** The description of this server: its write routes only when it has them (`writes`). */
export function openApiDocument(version: string, options: { writes?: boolean } = {}): Record<string, unknown> {
  const doc = readDocument(version);
  if (!options.writes) return doc;
  const paths = doc.paths as Record<string, Record<string, unknown>>;
  const components = doc.components as { schemas: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
  for (const [path, ops] of Object.entries(writePaths)) paths[path] = { ...paths[path], ...ops };
  Object.assign(components.schemas, writeSchemas);
  components.securitySchemes = writeSecuritySchemes;
  return doc;
}

function readDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'fahras',
      version,
      description: 'Arabic full-text search. Every error is `{ "error": { "code", "message" } }`. Parameters given twice are refused; unknown parameters are ignored.',
    },
    servers: [{ url: '/' }],
    paths: {
      '/api/search': {
        get: {
          operationId: 'search',
          summary: 'Ranked documents matching a query, with highlighted snippets, counts by source and date, near-duplicates folded and misspellings corrected on request.',
          parameters: [
            q(true, 'The query: words, "a phrase", -excluded, prefix*. Trimmed; must not be empty.'),
            { name: 'limit', in: 'query', required: false, description: 'Hits to return.', schema: { type: 'integer', minimum: 1, maximum: API_MAX_HITS, default: DEFAULT_HIT_LIMIT } },
            { name: 'offset', in: 'query', required: false, description: 'Hits to skip (folded hits when `collapse` is on).', schema: { type: 'integer', minimum: 0, maximum: API_MAX_OFFSET, default: 0 } },
            ...filterParams,
            collapseParam(false),
            correctParam,
          ],
          responses: {
            '200': {
              description: 'The page of hits. Sent gzip-compressed when `Accept-Encoding` accepts gzip at least as much as no coding and the body is 1 kB or more (the compressed body of a cached answer is kept with it); otherwise uncompressed.',
              headers: {
                'Content-Encoding': { description: 'gzip, or absent for an uncompressed body.', schema: { type: 'string', enum: ['gzip'] } },
                Vary: { description: 'Accept-Encoding.', schema: { type: 'string' } },
              },
              content: { 'application/json': { schema: { $ref: '#/components/schemas/SearchResponse' } } },
            },
            '400': errorResponse('A parameter is missing, repeated or out of range.'),
            '429': errorResponse(TOO_MANY),
            '503': errorResponse(UNAVAILABLE),
          },
        },
      },
      '/api/suggest': {
        get: {
          operationId: 'suggest',
          summary: 'Completions of the last word of the input that go with the words before it, each counted for the whole completed query.',
          parameters: [
            q(true, 'What has been typed so far; its last word is completed among the documents matching the words before it. Ending in a space gives no completions.'),
            { name: 'limit', in: 'query', required: false, description: 'Completions to return.', schema: { type: 'integer', minimum: 1, maximum: MAX_SUGGESTIONS, default: MAX_SUGGESTIONS } },
          ],
          responses: {
            '200': { description: 'Completions.', content: { 'application/json': { schema: { $ref: '#/components/schemas/SuggestResponse' } } } },
            '400': errorResponse('A parameter is missing, repeated or out of range.'),
            '429': errorResponse(TOO_MANY),
            '503': errorResponse(UNAVAILABLE),
          },
        },
      },
      '/api/documents/{id}': {
        get: {
          operationId: 'getDocument',
          summary: 'A whole document; with q, every match highlighted.',
          parameters: [
            { name: 'id', in: 'path', required: true, description: 'Document id.', schema: { type: 'string' } },
            { ...q(false, 'Highlight the matches of this query.'), schema: { type: 'string', maxLength: MAX_QUERY_LENGTH } },
          ],
          responses: {
            '200': { description: 'The document.', content: { 'application/json': { schema: { $ref: '#/components/schemas/DocumentResponse' } } } },
            '400': errorResponse('A parameter is repeated or too long.'),
            '404': errorResponse('No document has this id.'),
            '429': errorResponse(TOO_MANY),
            '500': errorResponse('The stored copy of the document is damaged (code damaged_document); the rest of the index is served.'),
            '503': errorResponse(UNAVAILABLE),
          },
        },
      },
      '/api/stats': {
        get: {
          operationId: 'stats',
          summary: 'Size and provenance of the live index.',
          responses: {
            '200': { description: 'Statistics.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Stats' } } } },
            '503': errorResponse('The index is not loaded yet.'),
          },
        },
      },
      '/api/openapi.json': {
        get: { operationId: 'openapi', summary: 'This document.', responses: { '200': { description: 'OpenAPI 3.1 document.', content: { 'application/json': { schema: { type: 'object' } } } } } },
      },
      '/health': {
        get: {
          operationId: 'health',
          summary: 'Liveness: the process answers.',
          responses: { '200': { description: 'Alive.', content: { 'application/json': { schema: { type: 'object', properties: { status: { const: 'ok' } }, required: ['status'] } } } } },
        },
      },
      '/ready': {
        get: {
          operationId: 'ready',
          summary: 'Readiness: an index is loaded and searches can be answered.',
          responses: {
            '200': { description: 'Ready.', content: { 'application/json': { schema: { type: 'object', properties: { status: { const: 'ready' }, documents: { type: 'integer' } }, required: ['status', 'documents'] } } } },
            '503': errorResponse('The index is not loaded yet.'),
          },
        },
      },
      '/': {
        get: {
          operationId: 'searchPage',
          summary: 'The search page (HTML); with q, results rendered on the server.',
          parameters: pageParameters,
          responses: { '200': html('The page.'), '400': html('The page with an error message.'), '429': html(TOO_MANY), '503': html(UNAVAILABLE) },
        },
      },
      '/fragments': {
        get: {
          operationId: 'searchPageFragments',
          summary: "The pieces of the search page / that change with its parameters, rendered as on the page; the page's script swaps them in.",
          parameters: pageParameters,
          responses: {
            '200': { description: 'The pieces.', content: { 'application/json': { schema: { $ref: '#/components/schemas/PageFragments' } } } },
            '400': { description: 'The pieces with an error message.', content: { 'application/json': { schema: { $ref: '#/components/schemas/PageFragments' } } } },
            '429': errorResponse(`${TOO_MANY} Counted with those to /api.`),
            '503': errorResponse(UNAVAILABLE),
          },
        },
      },
      '/doc/{id}': {
        get: {
          operationId: 'documentPage',
          summary: 'One document as a page (HTML), matches of q highlighted, the first at #m1.',
          parameters: [
            { name: 'id', in: 'path', required: true, description: 'Document id.', schema: { type: 'string' } },
            { ...q(false, 'Highlight the matches of this query.'), schema: { type: 'string', maxLength: MAX_QUERY_LENGTH } },
          ],
          responses: {
            '200': html('The document.'),
            '400': html('A parameter is repeated or too long.'),
            '404': html('No document has this id.'),
            '429': html(TOO_MANY),
            '500': html('The stored copy of the document is damaged.'),
            '503': html(UNAVAILABLE),
          },
        },
      },
    },
    components: {
      schemas: {
        PageFragments: {
          type: 'object',
          description: 'HTML of the page areas with the same ids, but status and title, which are text.',
          required: ['title', 'status', 'notice', 'facets', 'collapse', 'results', 'pager'],
          properties: {
            title: { type: 'string', description: 'The page title.' },
            status: { type: 'string', description: 'The status line: count and time.' },
            notice: { type: 'string', description: 'Errors, an empty result, a did-you-mean or the correction made.' },
            facets: { type: 'string', description: 'Sources and dates.' },
            collapse: { type: 'string', description: 'What folding near-duplicates did on this page, and the link that turns it off or on.' },
            results: { type: 'string' },
            pager: { type: 'string' },
          },
        },
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', enum: [...new Set(Object.values(ERROR_KINDS).map((k) => k.code))] },
                message: { type: 'string' },
                problems: {
                  type: 'array',
                  description: 'A refused write: every problem, with the line of the batch and the id it names.',
                  items: { type: 'object', required: ['message'], properties: { line: { type: 'integer' }, id: { type: 'string' }, message: { type: 'string' } } },
                },
              },
            },
          },
        },
        Span: { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2, description: 'Half-open [start, end) UTF-16 offsets into the field.' },
        Hit: {
          type: 'object',
          required: ['id', 'score', 'title', 'titleHighlighted', 'snippet', 'highlights', 'metadata'],
          properties: {
            id: { type: 'string' },
            score: { type: 'number' },
            title: { type: 'string' },
            titleHighlighted: { type: 'string', description: 'HTML: the title escaped, matches in <mark>.' },
            snippet: { type: 'string', description: 'HTML: up to three escaped fragments of the text, matches in <mark>, joined by " … ".' },
            highlights: highlightsSchema(`each list stops at ${HIT_MAX_HIGHLIGHTS} spans, and only the first ${SNIPPET_SCAN_CHARACTERS.toLocaleString('en')} characters of a text are scanned`),
            metadata: { type: 'object', additionalProperties: true, description: 'Every other field of the document (source, date, url…).' },
            duplicates: {
              type: 'array',
              description: 'With collapse: the near-duplicates folded into this hit, best first (absent when none).',
              items: {
                type: 'object',
                required: ['id'],
                properties: { id: { type: 'string' }, source: { type: 'string' }, date: { type: 'string', format: 'date' } },
              },
            },
            damaged: { type: 'boolean', const: true, description: 'Present when the stored document could not be read (its record is damaged): the hit keeps its id and score; title, snippet, highlights and metadata are empty.' },
          },
        },
        SearchResponse: {
          type: 'object',
          required: ['query', 'total', 'took_ms', 'hits', 'facets'],
          properties: {
            query: {
              type: 'object',
              properties: {
                q: { type: 'string' },
                limit: { type: 'integer' },
                offset: { type: 'integer' },
                mode: { type: 'string', enum: ['any', 'all'] },
                source: { type: 'string' },
                from: { type: 'string', format: 'date' },
                to: { type: 'string', format: 'date' },
                sort: { type: 'string', enum: ['relevance', 'newest'] },
                collapse: { type: 'boolean' },
                correct: { type: 'boolean' },
              },
            },
            total: { type: 'integer', description: 'Matching documents (near-duplicates included).' },
            took_ms: { type: 'number' },
            hits: { type: 'array', items: { $ref: '#/components/schemas/Hit' } },
            facets: {
              type: 'object',
              required: ['source', 'sourceOthers', 'date'],
              properties: {
                source: {
                  type: 'object',
                  additionalProperties: { type: 'integer' },
                  description: `Matching documents by source, the source filter not applied: the ${SOURCE_FACET_LIMIT} sources with the most (ties by name); the key "" counts documents without a source.`,
                },
                sourceOthers: {
                  type: 'object',
                  required: ['sources', 'documents'],
                  description: 'The sources `source` leaves out, and the matching documents they hold.',
                  properties: { sources: { type: 'integer' }, documents: { type: 'integer' } },
                },
                date: {
                  type: 'object',
                  required: ['granularity', 'counts', 'undated'],
                  description: `Matching documents (every filter applied) by day while their dates span at most ${DATE_FACET_MAX_DAYS} days, by month up to ${DATE_FACET_MAX_MONTHS} months, else by year.`,
                  properties: {
                    granularity: { type: 'string', enum: ['day', 'month', 'year'] },
                    counts: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Keys YYYY-MM-DD, YYYY-MM or YYYY, in date order; periods without documents left out.' },
                    undated: { type: 'integer', description: 'Matching documents without a date.' },
                  },
                },
              },
            },
            didYouMean: {
              type: 'string',
              description: 'The query respelled, offered: when a word matches no document, or is held by a handful while a near spelling is common.',
            },
            correction: {
              type: 'object',
              required: ['query', 'original'],
              description: 'With correct (the default): the answer is for `query`, a respelling of `original`, the query as given, one of whose words matched nothing.',
              properties: { query: { type: 'string' }, original: { type: 'string' } },
            },
            collapse: {
              type: 'object',
              required: ['folded'],
              description: 'With collapse: near-duplicates folded into the hits returned; `groups`, the hits the whole answer has once folded, when every match was examined.',
              properties: { folded: { type: 'integer' }, groups: { type: 'integer' } },
            },
            partial: { type: 'boolean', description: 'Some terms of the query were left out to stay within its work budget.' },
          },
        },
        SuggestResponse: {
          type: 'object',
          required: ['q', 'suggestions'],
          properties: {
            q: { type: 'string' },
            suggestions: {
              type: 'array',
              items: {
                type: 'object',
                required: ['term', 'query', 'count'],
                properties: {
                  term: { type: 'string', description: 'The completed word.' },
                  query: { type: 'string', description: 'The input with its last word completed.' },
                  count: { type: 'integer', description: 'Documents matching the completed query with every word required (for one word, what a search finds).' },
                },
              },
            },
          },
        },
        DocumentResponse: {
          type: 'object',
          required: ['id', 'title', 'text', 'metadata'],
          properties: {
            id: { type: 'string' },
            title: { type: 'string' },
            text: { type: 'string' },
            metadata: { type: 'object', additionalProperties: true },
            titleHighlighted: { type: 'string', description: 'With q: HTML, matches in <mark>.' },
            textHighlighted: { type: 'string', description: 'With q: HTML, matches in <mark>.' },
            highlights: { ...highlightsSchema(`each list stops at ${DOCUMENT_MAX_HIGHLIGHTS} spans (the text is not scanned further), and textHighlighted marks those only`), description: 'With q: match spans in title and text.' },
          },
        },
        Stats: {
          type: 'object',
          required: ['documents', 'builtAt', 'analyzerVersion'],
          properties: {
            engine: { type: 'string', enum: ['local', 'opensearch'], description: 'What answers: the local index folder or an OpenSearch cluster (FAHRAS_ENGINE).' },
            documents: { type: 'integer' },
            terms: { type: 'integer', description: 'Distinct stems (opensearch: at build time).' },
            builtAt: { type: 'string', format: 'date-time' },
            buildSeconds: { type: 'number' },
            analyzerVersion: { type: 'integer' },
            formatVersion: { type: 'integer', description: 'Index format (local) or layout in the cluster (opensearch).' },
            bytes: { type: 'integer', description: 'Index size: files of the generation (local), primary store (opensearch).' },
            generation: { type: 'string', description: 'What is served: the index generation (local) or the physical index behind the alias (opensearch).' },
            loadedAt: { type: 'string', format: 'date-time' },
            reloads: { type: 'integer', description: 'Indexes swapped in since the server started, each write making one (local index).' },
            segments: { type: 'integer', description: 'Segments (local index) or primary shards (cluster) holding the documents: locally one after a build or a compaction, one more per write until merged.' },
            deleted: { type: 'integer', description: 'Deleted or replaced documents still held by segments, until a merge (or `fahras compact`, locally) drops them.' },
            lastWrite: { type: 'string', format: 'date-time', description: 'When the index last changed: a build, a write, a merge.' },
            merging: { type: 'boolean', description: 'Whether segments are being merged in the background now (local index).' },
            alias: { type: 'string', description: 'opensearch: the alias searched (FAHRAS_OPENSEARCH_INDEX).' },
            cluster: {
              type: 'object',
              description: 'opensearch: what the last health check saw.',
              properties: { status: { type: 'string', enum: ['green', 'yellow'] }, nodes: { type: 'integer' }, checkedAt: { type: 'string', format: 'date-time' } },
            },
            cache: {
              type: 'object',
              description: 'The search-result cache of the loaded index (FAHRAS_CACHE_SIZE entries; emptied when a new index is swapped in).',
              properties: { capacity: { type: 'integer' }, size: { type: 'integer' }, bytes: { type: 'integer', description: 'Estimated memory held; at most 32 KiB × capacity.' }, hits: { type: 'integer' }, misses: { type: 'integer' } },
            },
          },
        },
      },
    },
  };
}
