/**
 * The document: the one shape that flows from ingestion through the index's
 * store to search results. Records from any input format become documents
 * here, or a message saying why they cannot.
 */

export interface Document {
  id: string;
  title: string;
  text: string;
  /** Every other field of the record (source, date, url, author…). */
  metadata: Record<string, unknown>;
}

const RESERVED = new Set(['id', 'title', 'text', 'body', 'content']);

/** Turns a parsed JSON record into a document, or explains why it cannot be one. */
export function recordToDocument(rec: unknown, fallbackId: string): Document | string {
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) return 'record is not a JSON object';
  const r = rec as Record<string, unknown>;
  const text = r.text ?? r.body ?? r.content;
  if (typeof text !== 'string' || text.trim() === '') return 'record has no text (expected a non-empty "text" string)';
  if (r.title !== undefined && typeof r.title !== 'string') return '"title" must be a string';
  let id = fallbackId;
  if (r.id !== undefined && r.id !== null) {
    if (typeof r.id !== 'string' && typeof r.id !== 'number') return '"id" must be a string or a number';
    id = String(r.id).trim();
    if (id === '') return '"id" is empty';
    if (/[\ud800-\udfff]/u.test(id)) return '"id" is not valid Unicode (it holds a lone surrogate)';
  }
  const metadata: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (!RESERVED.has(k)) metadata[k] = v;
  }
  return { id, title: typeof r.title === 'string' ? r.title.trim() : '', text, metadata };
}

/** A plain-text or Markdown file: the first line is the title, the rest the text. */
export function textToDocument(content: string, id: string, markdown: boolean): Document | string {
  const body = content.replace(/\r\n?/g, '\n');
  const nl = body.indexOf('\n');
  let title = (nl === -1 ? body : body.slice(0, nl)).trim();
  const text = nl === -1 ? '' : body.slice(nl + 1);
  if (markdown) title = title.replace(/^#+\s*/, '');
  if (text.trim() === '' && title === '') return 'file is empty';
  return { id, title, text: text.trim() === '' ? title : text, metadata: {} };
}
