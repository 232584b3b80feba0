/**
 * Progress of a command that reads documents (`index`, `index --update`): a
 * bar on a terminal, a line every 10,000 documents otherwise, nothing with
 * --quiet; the first skipped records printed one by one, the rest counted.
 */
import { escapeControls } from '../common/printable.js';
import { Presets, SingleBar } from 'cli-progress';
import { statSync } from 'node:fs';
import { CLI_MAX_REPORTED_PROBLEMS } from '../common/limits.js';
import { formatProblem, listInputFiles, type LoadProblem } from '../ingest/load.js';

export interface LoadCounts {
  documents: number;
  skipped: number;
  bytesRead: number;
}

export function mb(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

/** Bytes of every input file (the bar's 100%). */
export async function inputBytes(input: string): Promise<number> {
  let total = 0;
  for (const f of await listInputFiles(input)) total += statSync(f).size;
  return total;
}

export class LoadProgress {
  private readonly bar: SingleBar | undefined;
  private lastLog = 0;
  private reported = 0;

  /** `verb` and `done` say what is done to the documents: "indexing" and "indexed", "updating" and "read". */
  constructor(
    private readonly totalBytes: number,
    private readonly quiet: boolean,
    verb: string,
    private readonly done: string,
  ) {
    const tty = Boolean(process.stderr.isTTY) && !quiet;
    this.bar = tty ? new SingleBar({ format: `${verb} [{bar}] {percentage}% | {docs} documents | {skipped} skipped | {eta_formatted} left`, hideCursor: true, stream: process.stderr }, Presets.shades_classic) : undefined;
    this.bar?.start(Math.max(totalBytes, 1), 0, { docs: 0, skipped: 0 });
  }

  readonly onProblem = (p: LoadProblem): void => this.report(`skipped ${formatProblem(p)}`);

  /** One line about a record (skipped, or refused by a cluster): the first ones printed, the rest only counted. */
  report(line: string): void {
    if (this.quiet || ++this.reported > CLI_MAX_REPORTED_PROBLEMS) return;
    this.bar?.stop();
    // File names and what a record held are quoted in problems: shown, never acted on.
    process.stderr.write(`${escapeControls(line)}\n`);
    if (this.reported === CLI_MAX_REPORTED_PROBLEMS) process.stderr.write('(further skipped or refused records are only counted)\n');
    this.bar?.start(Math.max(this.totalBytes, 1), 0, { docs: 0, skipped: 0 });
  }

  readonly onProgress = (p: LoadCounts): void => {
    if (this.bar) this.bar.update(Math.min(p.bytesRead, this.totalBytes), { docs: p.documents, skipped: p.skipped });
    else if (!this.quiet && p.documents - this.lastLog >= 10_000) {
      this.lastLog = p.documents;
      process.stderr.write(`${this.done} ${p.documents} documents (${mb(p.bytesRead)} of ${mb(this.totalBytes)} read)\n`);
    }
  };

  /** The bar full and put away. */
  finish(): void {
    this.bar?.update(this.totalBytes);
    this.stop();
  }

  stop(): void {
    this.bar?.stop();
  }
}
