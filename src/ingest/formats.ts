/**
 * Input formats, one reader per file extension. A reader turns one file into
 * records: a document, or a problem (with its line or element number) that the
 * loader reports and skips. Adding a format is adding a row to FORMATS.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { DOCUMENT_LIMITS, recordToDocument, textToDocument, type Document } from './document.js';

export type Entry = { doc: Document; line?: number } | { problem: string; line?: number };

/** Where a reader gets its bytes: the file, gunzipped when it ends in .gz, with progress reported. */
export interface Source {
  file: string;
  /** The file name without folders, `.gz` and the format's extension: the id of single-document files. */
  stem: string;
  open(): Readable;
}

export type FormatReader = (src: Source) => AsyncIterable<Entry>;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Strips a leading BOM, throws a TypeError on invalid UTF-8. */
function decode(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

async function readWhole(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Raw lines (without the newline) of a stream, as bytes, with 1-based numbers
 * and sizes. Chunks of a line are kept apart until its end is found, so a line
 * of any length costs time linear in its size, however small the chunks. A
 * line longer than `maxBytes` is not kept: it comes as null, with its size.
 */
export async function* byteLines(stream: Readable, maxBytes = Infinity): AsyncGenerator<[Buffer | null, number, number]> {
  let parts: Buffer[] = [];
  let size = 0;
  let n = 0;
  const line = (last: Buffer): Buffer | null => {
    if (size > maxBytes) return null;
    if (!parts.length) return last;
    parts.push(last);
    return Buffer.concat(parts, size);
  };
  for await (const c of stream) {
    const chunk = c as Buffer;
    let from = 0;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, from)) {
      n++;
      const piece = chunk.subarray(from, i);
      size += piece.length;
      yield [line(piece), n, size];
      parts = [];
      size = 0;
      from = i + 1;
    }
    if (from < chunk.length) {
      size += chunk.length - from;
      if (size <= maxBytes) parts.push(chunk.subarray(from));
      else parts = [];
    }
  }
  if (size > 0) yield [line(Buffer.alloc(0)), n + 1, size];
}

async function* wholeFile(src: Source, toEntries: (content: string) => Iterable<Entry>): AsyncGenerator<Entry> {
  let content: string;
  try {
    content = decode(await readWhole(src.open()));
  } catch (e) {
    yield { problem: e instanceof TypeError ? 'not valid UTF-8' : `cannot be read (${(e as Error).message})` };
    return;
  }
  yield* toEntries(content);
}

function entry(doc: Document | string, line?: number): Entry {
  return typeof doc === 'string' ? { problem: doc, line } : { doc, line };
}

const text: FormatReader = (src) => wholeFile(src, (content) => [entry(textToDocument(content, src.stem, false))]);

const markdown: FormatReader = (src) => wholeFile(src, (content) => [entry(textToDocument(content, src.stem, true))]);

/** An object, or an array of objects (numbered from 1; their ids default to `<name>-<n>`). */
const json: FormatReader = (src) =>
  wholeFile(src, function* (content) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch (e) {
      yield { problem: `not valid JSON (${(e as Error).message})` };
      return;
    }
    if (!Array.isArray(parsed)) {
      yield entry(recordToDocument(parsed, src.stem));
      return;
    }
    for (let i = 0; i < parsed.length; i++) yield entry(recordToDocument(parsed[i], `${src.stem}-${i + 1}`), i + 1);
  });

/** One JSON object a line, streamed; blank lines are skipped; ids default to `<name>-<line>`. */
const jsonLines: FormatReader = async function* (src) {
  for await (const [bytes, n, size] of byteLines(src.open(), DOCUMENT_LIMITS.recordBytes)) {
    if (bytes === null) {
      yield { problem: `record is larger than ${DOCUMENT_LIMITS.recordBytes / 1024 / 1024} MiB (${(size / 1024 / 1024).toFixed(1)} MiB)`, line: n };
      continue;
    }
    let line: string;
    try {
      line = decode(bytes);
    } catch {
      yield { problem: 'not valid UTF-8', line: n };
      continue;
    }
    if (line.trim() === '') continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch (e) {
      yield { problem: `not valid JSON (${(e as Error).message})`, line: n };
      continue;
    }
    yield entry(recordToDocument(rec, `${src.stem}-${n}`), n);
  }
};

/** Readers by lower-case extension; any of them may also be gzipped (`.jsonl.gz`). */
export const FORMATS: Readonly<Record<string, FormatReader>> = {
  '.txt': text,
  '.md': markdown,
  '.json': json,
  '.jsonl': jsonLines,
};

export const SUPPORTED_EXTENSIONS = Object.keys(FORMATS);

/** Opens `file` as a stream of its content (gunzipped for .gz), reporting raw bytes read. */
export function openFile(file: string, gz: boolean, onBytes?: (n: number) => void): Readable {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  if (onBytes) raw.on('data', (c) => onBytes(c.length));
  return gz ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
}
