/**
 * The OpenAPI description of the write routes (live updates), added to the
 * document only when they exist (FAHRAS_ADMIN_TOKEN set): the paths, the
 * bearer security scheme and the shape of an answer.
 */
import { MAX_DOCUMENT_ID_LENGTH, WRITE_MAX_BATCH_BYTES, WRITE_MAX_BATCH_LINES, WRITE_MAX_DOCUMENT_BYTES } from '../common/limits.js';

const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const applied = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/WriteResult' } } } });
const MiB = (n: number) => `${n / 1024 / 1024} MiB`;

const idParam = { name: 'id', in: 'path', required: true, description: 'Document id.', schema: { type: 'string', minLength: 1, maxLength: MAX_DOCUMENT_ID_LENGTH } };
const security = [{ adminToken: [] }];

/** Answers every write route may give besides its own. */
const common = {
  '401': error('No admin token (header `Authorization: Bearer <token>`); answered with `WWW-Authenticate`.'),
  '403': error('A wrong admin token.'),
  '429': error('Too many requests from this client.'),
  '503': error('The index is not loaded yet, is being written by another process (a build, a compaction…) for longer than a write waits, or too many writes wait; nothing was written. Answered with `Retry-After` when busy.'),
};

export const writePaths = {
  '/api/documents/{id}': {
    put: {
      operationId: 'putDocument',
      summary: 'Adds a document, or replaces the one with this id. Answered once it is durable and found by the next search.',
      description: `The body is one JSON object, read as a line of a .jsonl file is: \`title\`, \`text\` (or \`body\`/\`content\`), every other field kept as metadata (\`source\`, \`date\`…). An \`id\` in the body must equal the id of the address. At most ${MiB(WRITE_MAX_DOCUMENT_BYTES)}.`,
      security,
      parameters: [idParam],
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/DocumentRecord' } } } },
      responses: {
        '200': applied('Replaced a document.'),
        '201': applied('Added a document (`Location` names it).'),
        '400': error('The document cannot be stored (no text, a field too long, an id the loader refuses, another id in the body) or the body is not JSON; `problems` names each problem. Nothing was written.'),
        '413': error(`The body is larger than ${MiB(WRITE_MAX_DOCUMENT_BYTES)}.`),
        '415': error('The body is not `application/json`, or is compressed.'),
        ...common,
      },
    },
    delete: {
      operationId: 'deleteDocument',
      summary: 'Deletes the document with this id; an id the index does not hold is not an error (`notFound` names it).',
      security,
      parameters: [idParam],
      responses: { '200': applied('What was deleted, or not found.'), '400': error('No document can have this id.'), ...common },
    },
  },
  '/api/documents': {
    post: {
      operationId: 'writeBatch',
      summary: 'A batch of puts and deletes, applied whole or not at all, in one commit.',
      description: `NDJSON: one JSON value a line (blank lines skipped). A line \`{"delete": "<id>"}\` (that key alone) deletes; any other line is a document record with its \`id\`, as in a .jsonl file, and adds or replaces it. The last line about an id decides. At most ${WRITE_MAX_BATCH_LINES} lines and ${MiB(WRITE_MAX_BATCH_BYTES)}. One bad line refuses the whole batch.`,
      security,
      requestBody: { required: true, content: { 'application/x-ndjson': { schema: { type: 'string' } }, 'application/jsonl': { schema: { type: 'string' } } } },
      responses: {
        '200': applied('What the batch applied.'),
        '400': error('Lines that cannot be written (not JSON, not UTF-8, a document the loader refuses, no id), each in `problems` with its line and id; or an empty batch. Nothing was written.'),
        '413': error(`More than ${WRITE_MAX_BATCH_LINES} lines or ${MiB(WRITE_MAX_BATCH_BYTES)}.`),
        '415': error('The body is not `application/x-ndjson` (or `application/jsonl`), or is compressed.'),
        ...common,
      },
    },
  },
};

const ids = { type: 'array', items: { type: 'string' } };

export const writeSchemas = {
  DocumentRecord: {
    type: 'object',
    required: ['text'],
    properties: { id: { type: 'string' }, title: { type: 'string' }, text: { type: 'string', minLength: 1 }, source: { type: 'string' }, date: { type: 'string', format: 'date' } },
    additionalProperties: true,
  },
  WriteResult: {
    type: 'object',
    required: ['added', 'replaced', 'deleted', 'notFound', 'generation', 'documents'],
    properties: {
      added: { ...ids, description: 'Ids put that the index did not hold.' },
      replaced: { ...ids, description: 'Ids put that replaced a document.' },
      deleted: { ...ids, description: 'Ids deleted.' },
      notFound: { ...ids, description: 'Ids to delete that the index did not hold (not an error).' },
      generation: { type: 'string', description: 'The index generation that holds the write (unchanged when nothing changed).' },
      documents: { type: 'integer', description: 'Documents in the index after the write.' },
    },
  },
};

export const writeSecuritySchemes = {
  adminToken: { type: 'http', scheme: 'bearer', description: 'The value of FAHRAS_ADMIN_TOKEN.' },
};
