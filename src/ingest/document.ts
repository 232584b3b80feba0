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

/**
 * What one document may carry. Everything the loader accepts can be indexed,
 * found, shown and linked to; anything beyond these is refused at load with
 * the usual problem line, so no stored document can make an answer fail.
 */
export const DOCUMENT_LIMITS = {
  /** Characters of an id (the document's address is /doc/<id>). */
  idLength: 1000,
  /** Characters of a title. */
  titleLength: 4000,
  /** Characters of a text: about 8 MB of Arabic; a book is several documents. */
  textLength: 4_000_000,
  /** Characters of the `source` field (the facet and filter value). */
  sourceLength: 200,
  /** Nesting of metadata objects and arrays. */
  metadataDepth: 16,
  /** Keys and elements of the metadata, all levels together. */
  metadataEntries: 1000,
  /** The metadata as JSON, in UTF-8 bytes. */
  metadataBytes: 64 * 1024,
  /** One JSON record (a JSONL line), in bytes, before it is parsed. */
  recordBytes: 16 * 1024 * 1024,
} as const;

const RESERVED = new Set(['id', 'title', 'text', 'body', 'content']);

/** C0 and C1 control characters and DEL: invisible, and some rewrite a terminal. */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** Why `id` cannot be a document's id, or undefined when it can. */
export function idProblem(id: string): string | undefined {
  if (id === '') return '"id" is empty';
  if (id.length > DOCUMENT_LIMITS.idLength) return `"id" is longer than ${DOCUMENT_LIMITS.idLength} characters`;
  if (/[\ud800-\udfff]/u.test(id)) return '"id" is not valid Unicode (it holds a lone surrogate)';
  if (hasControl(id)) return '"id" holds a control character';
  // Browsers and proxies resolve /doc/. and /doc/.. as paths: such a document could never be opened.
  if (id === '.' || id === '..') return `"id" cannot be "${id}"`;
  return undefined;
}

/**
 * Depth and size of metadata, walked without recursion (a record nested ten
 * thousand levels deep must be refused, not overflow the stack).
 */
function metadataProblem(metadata: Record<string, unknown>): string | undefined {
  const L = DOCUMENT_LIMITS;
  const stack: [unknown, number][] = [[metadata, 1]];
  let entries = 0;
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > L.metadataDepth) return `metadata is nested more than ${L.metadataDepth} levels deep`;
    const children = Array.isArray(value) ? value : Object.values(value);
    entries += children.length;
    if (entries > L.metadataEntries) return `metadata has more than ${L.metadataEntries} fields and elements`;
    for (const c of children) stack.push([c, depth + 1]);
  }
  if (Buffer.byteLength(JSON.stringify(metadata)) > L.metadataBytes) return `metadata is larger than ${L.metadataBytes / 1024} KiB`;
  const source = metadata.source;
  if (typeof source === 'string' && source.length > L.sourceLength) return `"source" is longer than ${L.sourceLength} characters`;
  return undefined;
}

/** Why a document cannot be stored as it is, or undefined; the same checks for every input format and the write API. */
export function documentProblem(doc: Document): string | undefined {
  const L = DOCUMENT_LIMITS;
  if (doc.title.length > L.titleLength) return `"title" is longer than ${L.titleLength} characters`;
  if (doc.text.length > L.textLength) return `"text" is longer than ${L.textLength.toLocaleString('en')} characters`;
  return idProblem(doc.id) ?? metadataProblem(doc.metadata);
}

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
  }
  // No prototype: a key such as "__proto__" stays an ordinary field.
  const metadata = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(r)) {
    if (!RESERVED.has(k)) metadata[k] = v;
  }
  const doc: Document = { id, title: typeof r.title === 'string' ? r.title.trim() : '', text, metadata };
  return documentProblem(doc) ?? doc;
}

/** A plain-text or Markdown file: the first line is the title, the rest the text. */
export function textToDocument(content: string, id: string, markdown: boolean): Document | string {
  const body = content.replace(/\r\n?/g, '\n');
  const nl = body.indexOf('\n');
  let title = (nl === -1 ? body : body.slice(0, nl)).trim();
  const text = nl === -1 ? '' : body.slice(nl + 1);
  if (markdown) title = title.replace(/^#+\s*/, '');
  if (text.trim() === '' && title === '') return 'file is empty';
  const doc: Document = { id, title, text: text.trim() === '' ? title : text, metadata: {} };
  return documentProblem(doc) ?? doc;
}
