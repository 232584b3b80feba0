/**
 * `fahras index --update`: adds the documents of the input to an existing
 * index, replacing those whose id it holds and touching nothing else. The
 * input is read as a build reads it (formats, problems, --strict) and
 * committed in batches of --batch documents, so memory stays bounded
 * whatever its size; each batch is applied whole or not at all, and a
 * stopped update leaves the batches committed before it (running it again
 * finishes it: a put of the same document changes nothing but its place).
 * With --strict the input is checked whole first, so a bad record stops the
 * update before anything is written.
 */
import { escapeControls } from '../common/printable.js';
import { FahrasError } from '../common/errors.js';
import { UPDATE_BATCH_CHARACTERS, UPDATE_BATCH_DOCUMENTS } from '../common/limits.js';
import type { WriteOp } from '../index/writer.js';
import { loadDocuments } from '../ingest/load.js';
import type { IndexCommandOptions } from './index-command.js';
import { inputBytes, LoadProgress } from './progress.js';
import { count, existingIndex, generationLine, mergeByPolicy, openWriter } from './writes.js';

export async function runUpdate(opts: IndexCommandOptions): Promise<void> {
  const t0 = performance.now();
  existingIndex(opts.out);
  if (opts.strict) for await (const doc of loadDocuments(opts.input, { strict: true })) void doc;
  const writer = openWriter(opts.out, opts.wait);
  const progress = new LoadProgress(await inputBytes(opts.input), opts.quiet, 'updating', 'read');
  const counts = { documents: 0, skipped: 0, bytesRead: 0 };
  const applied = { added: 0, replaced: 0 };
  const size = opts.batch ?? UPDATE_BATCH_DOCUMENTS;
  let batch: WriteOp[] = [];
  let characters = 0;
  let last;
  const commit = async () => {
    if (!batch.length) return;
    const { outcomes, commit } = await writer.write([batch]);
    applied.added += outcomes[0].added.length;
    applied.replaced += outcomes[0].replaced.length;
    last = commit;
    batch = [];
    characters = 0;
  };
  try {
    const docs = loadDocuments(opts.input, {
      strict: opts.strict,
      onBytes: (n) => (counts.bytesRead += n),
      onProblem: (p) => {
        counts.skipped++;
        progress.onProblem(p);
      },
    });
    for await (const doc of docs) {
      batch.push({ op: 'put', doc });
      characters += doc.title.length + doc.text.length;
      counts.documents++;
      progress.onProgress(counts);
      if (batch.length >= size || characters >= UPDATE_BATCH_CHARACTERS) await commit();
    }
    await commit();
    progress.finish();
    if (!last) throw new FahrasError(`no documents to add in ${opts.input}${counts.skipped ? ` (${counts.skipped} skipped, see the messages above)` : ''}; the index is unchanged`, 'invalid_input');
    last = (await mergeByPolicy(writer)) ?? last;
  } finally {
    progress.stop();
    writer.close();
  }
  process.stdout.write(
    `updated ${escapeControls(opts.out)}: ${count(applied.added, 'document')} added, ${applied.replaced.toLocaleString('en')} replaced, ${counts.skipped.toLocaleString('en')} skipped; ${generationLine(last)} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
  );
}
