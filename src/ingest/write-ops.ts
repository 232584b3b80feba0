/**
 * Writes as they arrive from outside: the operations of a live update (put a
 * document, delete an id), one document given with its id apart (PUT
 * /api/documents/:id) and the NDJSON batch of POST /api/documents. A put's
 * document is read and checked exactly as the loader reads a JSONL record
 * (recordToDocument), so whatever can be written could have been loaded.
 */
import { DOCUMENT_LIMITS, idProblem, recordToDocument, type Document } from './document.js';

export type WriteOp = { op: 'put'; doc: Document } | { op: 'delete'; id: string };

/** Why one line of a batch, or one document, cannot be written. */
export interface WriteProblem {
  /** 1-based line of the batch; absent for a single document. */
  line?: number;
  /** The id the line names, when it names one. */
  id?: string;
  message: string;
}

const ID_SHOWN = 80;

/** `line 3, id "sn-12": "text" is longer than …`: where, then what (long ids cut short). */
export function formatWriteProblem(p: WriteProblem): string {
  const id = p.id === undefined ? undefined : JSON.stringify(p.id.length > ID_SHOWN ? `${p.id.slice(0, ID_SHOWN)}…` : p.id);
  const where = [p.line === undefined ? undefined : `line ${p.line}`, id === undefined ? undefined : `id ${id}`].filter(Boolean).join(', ');
  return where ? `${where}: ${p.message}` : p.message;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The id a record names, as the loader reads it (a string or a number, trimmed), if any. */
function namedId(rec: unknown): string | undefined {
  if (!isRecord(rec)) return undefined;
  const id = rec.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id).trim() : undefined;
}

/**
 * The document of a PUT: `rec` (a parsed JSON body) stored under `id`, the
 * id of the address. A body that names another id is refused rather than
 * guessed at; an address id the loader would change (spaces at its ends) too.
 */
export function documentForId(rec: unknown, id: string): Document | WriteProblem {
  const bad = idProblem(id);
  if (bad) return { id, message: bad };
  const named = namedId(rec);
  if (named !== undefined && named !== id) return { id, message: `the document's "id" (${JSON.stringify(named.slice(0, ID_SHOWN))}) differs from the id in the address` };
  const doc = recordToDocument(isRecord(rec) ? { ...rec, id } : rec, id);
  if (typeof doc === 'string') return { id, message: doc };
  if (doc.id !== id) return { id, message: 'the id has spaces at its ends; ids are stored without them' };
  return doc;
}

/** The id of a delete, checked as an id; a problem when it could not be one. */
export function deleteOf(id: string): WriteOp | WriteProblem {
  const bad = idProblem(id);
  return bad ? { id, message: bad } : { op: 'delete', id };
}

/** One line of a batch as an operation: `{"delete": "<id>"}`, or a document record with its "id". */
function lineOp(rec: unknown): WriteOp | Omit<WriteProblem, 'line'> {
  if (isRecord(rec) && Object.keys(rec).length === 1 && 'delete' in rec) {
    const id = rec.delete;
    if (typeof id !== 'string' && typeof id !== 'number') return { message: '"delete" must name an id (a string or a number)' };
    return deleteOf(String(id).trim());
  }
  const id = namedId(rec);
  if (isRecord(rec) && id === undefined) {
    return { message: rec.id === undefined || rec.id === null ? 'a document needs an "id" (to delete one, send {"delete": "<id>"})' : '"id" must be a string or a number' };
  }
  const doc = recordToDocument(rec, '');
  return typeof doc === 'string' ? { id, message: doc } : { op: 'put', doc };
}

export interface ParsedBatch {
  ops: WriteOp[];
  problems: WriteProblem[];
  /** Lines that are not blank; past `maxLines`, counting stops (at maxLines + 1) and nothing more is read. */
  lines: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads an NDJSON batch: one JSON value a line, each a put (a document record
 * with its "id", as in a .jsonl file) or a delete (`{"delete": "<id>"}`);
 * blank lines are skipped. Every line's problem is collected, by line number.
 */
export function parseWriteBatch(body: Buffer, maxLines: number): ParsedBatch {
  const ops: WriteOp[] = [];
  const problems: WriteProblem[] = [];
  let lines = 0;
  let n = 0;
  for (let from = 0; from < body.length; ) {
    const nl = body.indexOf(10, from);
    const end = nl === -1 ? body.length : nl;
    const bytes = body.subarray(from, end);
    from = end + 1;
    n++;
    const problem = (p: Omit<WriteProblem, 'line'>) => problems.push({ line: n, ...p });
    if (bytes.length > DOCUMENT_LIMITS.recordBytes) {
      if (++lines > maxLines) break;
      problem({ message: `the line is larger than ${DOCUMENT_LIMITS.recordBytes / 1024 / 1024} MiB` });
      continue;
    }
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      if (++lines > maxLines) break;
      problem({ message: 'not valid UTF-8' });
      continue;
    }
    if (text.trim() === '') continue;
    if (++lines > maxLines) break;
    let rec: unknown;
    try {
      rec = JSON.parse(text);
    } catch (e) {
      problem({ message: `not valid JSON (${(e as Error).message})` });
      continue;
    }
    const op = lineOp(rec);
    if ('op' in op) ops.push(op);
    else problem(op);
  }
  return { ops, problems, lines };
}
