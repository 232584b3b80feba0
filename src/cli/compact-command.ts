/**
 * `fahras compact`: merges every segment of an index into one and drops its
 * deleted documents. Answers stay exactly the same (scores included); the
 * index gets smaller and faster. Writes may go on meanwhile (from a server or
 * another command): those committed during the compaction stay segments of
 * their own after it.
 */
import { escapeControls } from '../common/printable.js';
import { existingIndex, generationLine, openWriter } from './writes.js';

export interface CompactCommandOptions {
  index: string;
  wait?: number;
}

export async function runCompact(opts: CompactCommandOptions): Promise<void> {
  const t0 = performance.now();
  const before = existingIndex(opts.index);
  const writer = openWriter(opts.index, opts.wait);
  try {
    const commit = await writer.merge(true);
    const segments = `${before.segments.length} segment${before.segments.length === 1 ? '' : 's'}`;
    if (!commit) {
      process.stdout.write(`nothing to compact in ${escapeControls(opts.index)}: ${segments}, no deleted documents\n`);
      return;
    }
    process.stdout.write(`compacted ${escapeControls(opts.index)}: ${segments} → ${commit.segments}, ${before.deleted.toLocaleString('en')} deleted documents dropped; ${generationLine(commit)} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  } finally {
    writer.close();
  }
}
