/**
 * The write routes (live updates), present only when FAHRAS_ADMIN_TOKEN is set:
 *
 *   PUT    /api/documents/:id   one document (a JSON object), stored under the id of the address
 *   DELETE /api/documents/:id   one document
 *   POST   /api/documents       a batch as NDJSON: each line a document record with its "id",
 *                               or {"delete": "<id>"}
 *
 * Each needs the admin token and answers once the write is durable and
 * visible to the next search, with what it applied. A batch is applied whole
 * or not at all: one bad line refuses it all (400, every problem named by
 * line and id). Documents are checked as the loader checks them.
 */
import type { Express, Response } from 'express';
import { ERROR_KINDS, FahrasError } from '../../common/errors.js';
import { WRITE_MAX_BATCH_BYTES, WRITE_MAX_BATCH_LINES, WRITE_MAX_DOCUMENT_BYTES, WRITE_MAX_PROBLEMS_IN_MESSAGE } from '../../common/limits.js';
import type { SearchEngine, WriteOp } from '../../engine/engine.js';
import { deleteOf, documentForId, formatWriteProblem, parseWriteBatch, type WriteProblem } from '../../ingest/write-ops.js';
import { requireAdminToken } from '../admin-auth.js';
import { expectBodyType, readBody } from '../request-body.js';
import { documentPath, validate } from '../validation.js';

/** Seconds a client refused because the index is busy is told to wait. */
const RETRY_AFTER_SECONDS = 5;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Answers 400 with every problem: in the message (the first few) and as `problems`. */
function refuse(res: Response, head: string, problems: WriteProblem[]): void {
  const listed = problems.slice(0, WRITE_MAX_PROBLEMS_IN_MESSAGE).map(formatWriteProblem).join('; ');
  const more = problems.length > WRITE_MAX_PROBLEMS_IN_MESSAGE ? `; and ${problems.length - WRITE_MAX_PROBLEMS_IN_MESSAGE} more (see "problems")` : '';
  const { status, code } = ERROR_KINDS.invalid_input;
  res.status(status).json({ error: { code, message: `${head}: ${listed}${more}`, problems } });
}

/** Writes `ops` as one batch and says what it applied. */
async function apply(engine: SearchEngine, res: Response, ops: WriteOp[]) {
  try {
    const { outcomes, commit } = await engine.write([ops]);
    return { ...outcomes[0], generation: commit.generation, documents: commit.documents };
  } catch (e) {
    if (e instanceof FahrasError && e.kind === 'busy') res.set('Retry-After', String(RETRY_AFTER_SECONDS));
    throw e;
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(utf8.decode(body));
  } catch (e) {
    throw new FahrasError(e instanceof SyntaxError ? `The body is not valid JSON (${e.message}); nothing was written.` : 'The body is not valid UTF-8; nothing was written.', 'usage');
  }
}

export function writeRoutes(app: Express, engine: SearchEngine, token: string): void {
  const admin = requireAdminToken(token);

  app.put('/api/documents/:id', admin, async (req, res) => {
    const { id } = validate(documentPath, req.params);
    expectBodyType(req, ['application/json'], 'send the document as one JSON object');
    const doc = documentForId(parseJson(await readBody(req, res, WRITE_MAX_DOCUMENT_BYTES, 'one document')), id);
    if (!('text' in doc)) return refuse(res, 'The document cannot be written', [doc]);
    const applied = await apply(engine, res, [{ op: 'put', doc }]);
    if (applied.added.length) res.status(201).location(`/api/documents/${encodeURIComponent(id)}`);
    res.json(applied);
  });

  app.delete('/api/documents/:id', admin, async (req, res) => {
    const { id } = validate(documentPath, req.params);
    const op = deleteOf(id);
    if (!('op' in op)) return refuse(res, 'No document can have this id', [op]);
    res.json(await apply(engine, res, [op]));
  });

  app.post('/api/documents', admin, async (req, res) => {
    expectBodyType(req, ['application/x-ndjson', 'application/jsonl'], 'send one JSON value a line: a document with its "id", or {"delete": "<id>"}');
    const batch = parseWriteBatch(await readBody(req, res, WRITE_MAX_BATCH_BYTES, 'one batch'), WRITE_MAX_BATCH_LINES);
    if (batch.lines > WRITE_MAX_BATCH_LINES) {
      throw new FahrasError(`The batch has more than ${WRITE_MAX_BATCH_LINES.toLocaleString('en')} lines, the limit of one batch; send it in several. Nothing was written.`, 'too_large');
    }
    if (batch.problems.length) return refuse(res, `${batch.problems.length} of ${batch.lines} lines cannot be written, so none was`, batch.problems);
    if (!batch.ops.length) throw new FahrasError('The batch is empty: send one JSON value a line, a document with its "id" or {"delete": "<id>"}.', 'usage');
    res.json(await apply(engine, res, batch.ops));
  });
}
