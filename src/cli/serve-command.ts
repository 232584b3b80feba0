import { existsSync } from 'node:fs';
import { buildIndex } from '../index/build.js';
import { openIndexData, IndexError } from '../index/open.js';
import { closeIndexData } from '../index/open.js';
import { startServer } from '../server/serve.js';

export interface ServeCommandOptions {
  port?: number;
  host?: string;
  index?: string;
}

export interface StartCommandOptions extends ServeCommandOptions {
  seeds: string;
}

/** Flags win over environment variables, which win over defaults. */
export function resolveServeConfig(opts: ServeCommandOptions): { port: number; host: string; index: string } {
  const envPort = process.env.PORT !== undefined && /^\d+$/.test(process.env.PORT) ? Number(process.env.PORT) : undefined;
  return {
    port: opts.port ?? envPort ?? 3000,
    host: opts.host ?? process.env.HOST ?? '127.0.0.1',
    index: opts.index ?? process.env.FAHRAS_INDEX ?? 'index-data',
  };
}

export async function runServe(opts: ServeCommandOptions): Promise<void> {
  await startServer(resolveServeConfig(opts));
}

/** Serves, building the index from the seeds first when there is none or it cannot be read. */
export async function runStart(opts: StartCommandOptions): Promise<void> {
  const config = resolveServeConfig(opts);
  let reason: string | undefined;
  if (!existsSync(config.index)) reason = `${config.index} does not exist`;
  else {
    try {
      closeIndexData(await openIndexData(config.index));
    } catch (e) {
      if (!(e instanceof IndexError)) throw e;
      reason = e.message;
    }
  }
  if (reason) {
    process.stderr.write(`building the index from ${opts.seeds}: ${reason}\n`);
    const s = await buildIndex({ input: opts.seeds, out: config.index });
    process.stderr.write(`indexed ${s.documents} documents into ${config.index} in ${s.seconds.toFixed(1)} s\n`);
  }
  await runServe({ ...opts, index: config.index });
}
