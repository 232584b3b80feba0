import { existsSync } from 'node:fs';
import { resolveServerSettings, type ServerOptions } from '../common/config.js';
import { buildIndex } from '../index/build.js';
import { IndexError, openIndexReader } from '../index/open.js';
import { escapeControls } from '../common/printable.js';
import { startServer } from '../server/serve.js';

export type ServeCommandOptions = Pick<ServerOptions, 'port' | 'host' | 'index'>;

export interface StartCommandOptions extends ServeCommandOptions {
  seeds: string;
}

/** Flags are options; the rest (and any flag left out) comes from the environment or the defaults. */
export async function runServe(opts: ServeCommandOptions): Promise<void> {
  await startServer({ port: opts.port, host: opts.host, index: opts.index });
}

/** Serves, building the index from the seeds first when there is none or it cannot be read. */
export async function runStart(opts: StartCommandOptions): Promise<void> {
  // Every setting is checked before anything is built.
  const { index } = resolveServerSettings({ port: opts.port, host: opts.host, index: opts.index });
  let reason: string | undefined;
  if (!existsSync(index)) reason = `${index} does not exist`;
  else {
    try {
      (await openIndexReader(index)).close();
    } catch (e) {
      if (!(e instanceof IndexError)) throw e;
      reason = e.message;
    }
  }
  if (reason) {
    process.stderr.write(`building the index from ${escapeControls(opts.seeds)}: ${escapeControls(reason)}\n`);
    const s = await buildIndex({ input: opts.seeds, out: index });
    process.stderr.write(`indexed ${s.documents} documents into ${escapeControls(index)} in ${s.seconds.toFixed(1)} s\n`);
  }
  await runServe({ ...opts, index });
}
