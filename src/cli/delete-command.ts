/**
 * `fahras delete`: deletes documents by id from an index, the ids given as
 * arguments and/or one a line in --ids-file (`-`: standard input). An id the
 * index does not hold is not an error: it is counted (and the first few
 * named) as not found.
 */
import { escapeControls } from '../common/printable.js';
import { readFileSync } from 'node:fs';
import { FahrasError } from '../common/errors.js';
import { CLI_MAX_REPORTED_PROBLEMS, DELETE_BATCH_IDS } from '../common/limits.js';
import type { CommitInfo } from '../index/writer.js';
import { inert } from './terminal.js';
import { count, existingIndex, generationLine, openWriter } from './writes.js';

export interface DeleteCommandOptions {
  index: string;
  idsFile?: string;
  quiet: boolean;
  wait?: number;
}

/** Ids of a file, one a line (trimmed, as ids are stored; blank lines skipped). */
function readIds(file: string): string[] {
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  return text.split('\n').map((l) => l.trim()).filter(Boolean);
}

export async function runDelete(ids: string[], opts: DeleteCommandOptions): Promise<void> {
  const all = [...ids.map((id) => id.trim()).filter(Boolean), ...(opts.idsFile ? readIds(opts.idsFile) : [])];
  if (!all.length) throw new FahrasError(`no ids to delete: give them as arguments or one a line in --ids-file${opts.idsFile ? ` (${opts.idsFile} holds none)` : ''}`, 'usage');
  existingIndex(opts.index);
  const writer = openWriter(opts.index, opts.wait);
  let deleted = 0;
  const notFound: string[] = [];
  let last: CommitInfo | undefined;
  try {
    for (let i = 0; i < all.length; i += DELETE_BATCH_IDS) {
      const { outcomes, commit } = await writer.write([all.slice(i, i + DELETE_BATCH_IDS).map((id) => ({ op: 'delete' as const, id }))]);
      deleted += outcomes[0].deleted.length;
      notFound.push(...outcomes[0].notFound);
      last = commit;
    }
  } finally {
    writer.close();
  }
  if (!opts.quiet) for (const id of notFound.slice(0, CLI_MAX_REPORTED_PROBLEMS)) process.stderr.write(`not found: ${inert(id)}\n`);
  process.stdout.write(`deleted ${count(deleted, 'document')} from ${escapeControls(opts.index)}, ${notFound.length.toLocaleString('en')} not found; ${generationLine(last!)}\n`);
}
