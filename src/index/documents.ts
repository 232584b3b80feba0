/**
 * Reads documents from a file or a folder: .txt, .md, .json, .jsonl (each
 * optionally .gz). Streams line by line, so a large JSONL collection is never
 * held in memory whole. Bad records are reported with file and line, then
 * skipped — or, in strict mode, stop the load.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { FahrasError } from '../common/errors.js';

export interface SourceDocument {
  id: string;
  title: string;
  text: string;
  /** Every other field of the record (source, date, url, author…). */
  metadata: Record<string, unknown>;
}

export interface LoadProblem {
  file: string;
  line?: number;
  message: string;
}

export class DocumentLoadError extends FahrasError {
  override readonly kind = 'invalid_input';
  constructor(readonly problem: LoadProblem) {
    super(formatProblem(problem));
    this.name = 'DocumentLoadError';
  }
}

export function formatProblem(p: LoadProblem): string {
  return `${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`;
}

export interface LoadOptions {
  strict?: boolean;
  onProblem?: (p: LoadProblem) => void;
  /** Called with the size of each chunk of input read (compressed size for .gz). */
  onBytes?: (n: number) => void;
}

export const SUPPORTED_EXTENSIONS = ['.txt', '.md', '.json', '.jsonl'] as const;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function decode(bytes: Uint8Array): string {
  return utf8.decode(bytes); // strips a leading BOM, throws on invalid UTF-8
}

function kindOf(file: string): { ext: string; gz: boolean } {
  const gz = file.endsWith('.gz');
  const ext = extname(gz ? file.slice(0, -3) : file).toLowerCase();
  return { ext, gz };
}

function stemOf(file: string): string {
  const name = basename(file).replace(/\.gz$/, '');
  return name.slice(0, name.length - extname(name).length);
}

/** Every supported file under `input` (itself, if a file), in a stable order. */
export async function listInputFiles(input: string): Promise<string[]> {
  let st;
  try {
    st = await fsp.stat(input);
  } catch {
    throw new DocumentLoadError({ file: input, message: 'no such file or folder' });
  }
  if (st.isFile()) {
    if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(kindOf(input).ext)) {
      throw new DocumentLoadError({ file: input, message: `unsupported file type (expected ${SUPPORTED_EXTENSIONS.join(', ')}, optionally .gz)` });
    }
    return [input];
  }
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await fsp.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && (SUPPORTED_EXTENSIONS as readonly string[]).includes(kindOf(p).ext)) out.push(p);
    }
  };
  await walk(input);
  return out;
}

function openStream(file: string, gz: boolean, onBytes?: (n: number) => void): Readable {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  if (onBytes) raw.on('data', (c) => onBytes(c.length));
  return gz ? raw.pipe(createGunzip()) : raw;
}

async function readWhole(file: string, gz: boolean, onBytes?: (n: number) => void): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of openStream(file, gz, onBytes)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Raw lines (without the newline) of a stream, as bytes, with 1-based numbers. */
async function* lines(stream: Readable): AsyncGenerator<[Buffer, number]> {
  let rest: Buffer = Buffer.alloc(0);
  let n = 0;
  for await (const chunk of stream) {
    const buf: Buffer = rest.length ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    let from = 0;
    for (let i = buf.indexOf(10, from); i !== -1; i = buf.indexOf(10, from)) {
      n++;
      yield [buf.subarray(from, i), n];
      from = i + 1;
    }
    rest = Buffer.from(buf.subarray(from));
  }
  if (rest.length) yield [rest, n + 1];
}

const RESERVED = new Set(['id', 'title', 'text']);

/** Turns a parsed JSON record into a document, or explains why it cannot be one. */
export function recordToDocument(rec: unknown, fallbackId: string): SourceDocument | string {
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
    if (!RESERVED.has(k) && k !== 'body' && k !== 'content') metadata[k] = v;
  }
  return { id, title: typeof r.title === 'string' ? r.title.trim() : '', text, metadata };
}

function textToDocument(content: string, id: string, markdown: boolean): SourceDocument | string {
  const body = content.replace(/\r\n?/g, '\n');
  const nl = body.indexOf('\n');
  let title = (nl === -1 ? body : body.slice(0, nl)).trim();
  const text = nl === -1 ? '' : body.slice(nl + 1);
  if (markdown) title = title.replace(/^#+\s*/, '');
  if (text.trim() === '' && title === '') return 'file is empty';
  return { id, title, text: text.trim() === '' ? title : text, metadata: {} };
}

/**
 * Streams the documents of `input`. Problems are reported through `onProblem`
 * and the record skipped; with `strict`, the first problem throws.
 */
export async function* loadDocuments(input: string, options: LoadOptions = {}): AsyncGenerator<SourceDocument> {
  const files = await listInputFiles(input);
  const seen = new Set<string>();
  const report = (p: LoadProblem): void => {
    if (options.strict) throw new DocumentLoadError(p);
    options.onProblem?.(p);
  };
  const accept = (doc: SourceDocument | string, file: string, line?: number): SourceDocument | undefined => {
    if (typeof doc === 'string') {
      report({ file, line, message: doc });
      return undefined;
    }
    if (seen.has(doc.id)) {
      report({ file, line, message: `duplicate id "${doc.id}" (the first one is kept)` });
      return undefined;
    }
    seen.add(doc.id);
    return doc;
  };

  for (const file of files) {
    const { ext, gz } = kindOf(file);
    const stem = stemOf(file);
    try {
      if (ext === '.jsonl') {
        for await (const [bytes, n] of lines(openStream(file, gz, options.onBytes))) {
          let line: string;
          try {
            line = decode(bytes);
          } catch {
            report({ file, line: n, message: 'not valid UTF-8' });
            continue;
          }
          if (line.trim() === '') continue;
          let rec: unknown;
          try {
            rec = JSON.parse(line);
          } catch (e) {
            report({ file, line: n, message: `not valid JSON (${(e as Error).message})` });
            continue;
          }
          const doc = accept(recordToDocument(rec, `${stem}-${n}`), file, n);
          if (doc) yield doc;
        }
        continue;
      }
      let content: string;
      try {
        content = decode(await readWhole(file, gz, options.onBytes));
      } catch (e) {
        report({ file, message: e instanceof TypeError ? 'not valid UTF-8' : `cannot be read (${(e as Error).message})` });
        continue;
      }
      if (ext === '.json') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(content);
        } catch (e) {
          report({ file, message: `not valid JSON (${(e as Error).message})` });
          continue;
        }
        const records = Array.isArray(parsed) ? parsed : [parsed];
        for (let i = 0; i < records.length; i++) {
          const doc = accept(recordToDocument(records[i], Array.isArray(parsed) ? `${stem}-${i + 1}` : stem), file, Array.isArray(parsed) ? i + 1 : undefined);
          if (doc) yield doc;
        }
      } else {
        const doc = accept(textToDocument(content, stem, ext === '.md'), file);
        if (doc) yield doc;
      }
    } catch (e) {
      if (e instanceof DocumentLoadError) throw e;
      report({ file, message: `cannot be read (${(e as Error).message})` });
    }
  }
}
