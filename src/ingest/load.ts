/**
 * Reads documents from a file or a folder, in a stable order, through the
 * reader of each file's format (formats.ts). Streams, so a large JSONL
 * collection is never held in memory whole. Bad records are reported with
 * file and line, then skipped — or, in strict mode, stop the load.
 */
import { promises as fsp } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { FahrasError } from '../common/errors.js';
import type { Document } from './document.js';
import { FORMATS, openFile, SUPPORTED_EXTENSIONS, type Source } from './formats.js';

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

function kindOf(file: string): { ext: string; gz: boolean } {
  const gz = file.endsWith('.gz');
  const ext = extname(gz ? file.slice(0, -3) : file).toLowerCase();
  return { ext, gz };
}

function stemOf(file: string): string {
  const name = basename(file).replace(/\.gz$/, '');
  return name.slice(0, name.length - extname(name).length);
}

const supported = (file: string) => Object.hasOwn(FORMATS, kindOf(file).ext);

/** Every supported file under `input` (itself, if a file), in a stable order. */
export async function listInputFiles(input: string): Promise<string[]> {
  let st;
  try {
    st = await fsp.stat(input);
  } catch {
    throw new DocumentLoadError({ file: input, message: 'no such file or folder' });
  }
  if (st.isFile()) {
    if (!supported(input)) {
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
      else if (e.isFile() && supported(p)) out.push(p);
    }
  };
  await walk(input);
  return out;
}

/**
 * Streams the documents of `input`. Problems are reported through `onProblem`
 * and the record skipped; with `strict`, the first problem throws. An id met
 * again is a problem: the first document keeps it.
 */
export async function* loadDocuments(input: string, options: LoadOptions = {}): AsyncGenerator<Document> {
  const files = await listInputFiles(input);
  const seen = new Set<string>();
  const report = (p: LoadProblem): void => {
    if (options.strict) throw new DocumentLoadError(p);
    options.onProblem?.(p);
  };
  for (const file of files) {
    const { ext, gz } = kindOf(file);
    const source: Source = { file, stem: stemOf(file), open: () => openFile(file, gz, options.onBytes) };
    try {
      for await (const e of FORMATS[ext](source)) {
        if ('problem' in e) report({ file, line: e.line, message: e.problem });
        else if (seen.has(e.doc.id)) report({ file, line: e.line, message: `duplicate id "${e.doc.id}" (the first one is kept)` });
        else {
          seen.add(e.doc.id);
          yield e.doc;
        }
      }
    } catch (e) {
      if (e instanceof DocumentLoadError) throw e;
      report({ file, message: `cannot be read (${(e as Error).message})` });
    }
  }
}
