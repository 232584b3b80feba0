import { existsSync } from 'node:fs';
import { parseEngineFlags, resolveServerSettings, type EngineKind, type ServerOptions } from '../common/config.js';
import { buildIndex } from '../index/build.js';
import { IndexError, openIndexReader } from '../index/open.js';
import { aliasTargets } from '../engine/opensearch/aliases.js';
import { clusterError, connect, describeNodes } from '../engine/opensearch/connection.js';
import { buildOpenSearchIndex } from '../engine/opensearch/indexing.js';
import type { OpenSearchSettings } from '../common/defaults.js';
import { escapeControls } from '../common/printable.js';
import { startServer } from '../server/serve.js';

export interface ServeCommandOptions extends Pick<ServerOptions, 'port' | 'host' | 'index' | 'processes'> {
  engine?: EngineKind;
  opensearchUrl?: string;
  opensearchIndex?: string;
}

export interface StartCommandOptions extends ServeCommandOptions {
  seeds: string;
}

/** The server's options from the command's flags (the rest comes from the environment or the defaults). */
function serverOptions(opts: ServeCommandOptions): ServerOptions {
  return { port: opts.port, host: opts.host, index: opts.index, processes: opts.processes, ...parseEngineFlags(opts) };
}

/** Flags are options; the rest (and any flag left out) comes from the environment or the defaults. */
export async function runServe(opts: ServeCommandOptions): Promise<void> {
  const options = serverOptions(opts);
  if (resolveServerSettings(options).processes > 1) await (await import('../server/processes.js')).startProcesses(options);
  else await startServer(options);
}

/** Why the local index cannot be served, or undefined when it can. */
async function localProblem(index: string): Promise<string | undefined> {
  if (!existsSync(index)) return `${index} does not exist`;
  try {
    (await openIndexReader(index)).close();
    return undefined;
  } catch (e) {
    if (!(e instanceof IndexError)) throw e;
    return e.message;
  }
}

/** Why the cluster has nothing to serve (no alias), or undefined when it has; a cluster that cannot be reached is an error. */
async function clusterProblem(s: OpenSearchSettings): Promise<string | undefined> {
  const client = connect(s);
  try {
    const targets = await aliasTargets(client, s.index).catch((e: unknown) => {
      throw clusterError(`cannot reach the search cluster at ${describeNodes(s)}`, e, 'unavailable');
    });
    return targets.length ? undefined : `the cluster has no index "${s.index}"`;
  } finally {
    await client.close();
  }
}

/** Serves, building the index from the seeds first when there is none (or, locally, it cannot be read). */
export async function runStart(opts: StartCommandOptions): Promise<void> {
  // Every setting is checked before anything is built.
  const settings = resolveServerSettings(serverOptions(opts));
  const { index, opensearch } = settings;
  const reason = opensearch ? await clusterProblem(opensearch) : await localProblem(index);
  if (reason) {
    process.stderr.write(`building the index from ${escapeControls(opts.seeds)}: ${escapeControls(reason)}\n`);
    const s = opensearch ? await buildOpenSearchIndex({ input: opts.seeds, opensearch }) : await buildIndex({ input: opts.seeds, out: index });
    process.stderr.write(`indexed ${s.documents} documents into ${escapeControls(opensearch ? opensearch.index : index)} in ${s.seconds.toFixed(1)} s\n`);
  }
  await runServe(opts);
}
