/**
 * The alias: the cluster's CURRENT. Searches and writes go to the physical
 * index the alias points at; a build fills a new physical index and moves the
 * alias to it in one `_aliases` call (atomic: readers see the old index or
 * the new one, never neither), then removes the builds it no longer keeps.
 */
import type { Client } from '@opensearch-project/opensearch';
import { statusOf } from './connection.js';
import { buildMetaOf, type BuildMeta } from './mapping.js';

/** A build of an alias found in the cluster. */
export interface Build {
  index: string;
  meta: BuildMeta;
}

/** The physical indices `alias` points at (none when there is no such alias). */
export async function aliasTargets(client: Client, alias: string): Promise<string[]> {
  try {
    const r = await client.indices.getAlias({ name: alias });
    return Object.keys(r.body as object).sort();
  } catch (e) {
    if (statusOf(e) === 404) return [];
    throw e;
  }
}

/** The build recorded in `index`'s mapping, or undefined when it is not one of fahras's. */
export async function buildOf(client: Client, index: string): Promise<BuildMeta | undefined> {
  const r = await client.indices.getMapping({ index });
  return buildMetaOf((r.body as Record<string, unknown>)[index]);
}

/** Every build of `alias` in the cluster (finished or not), oldest first. */
export async function buildsOf(client: Client, alias: string): Promise<Build[]> {
  const r = await client.indices.getMapping({ index: `${alias}-*`, allow_no_indices: true, expand_wildcards: 'open' });
  const out: Build[] = [];
  for (const [index, mapping] of Object.entries(r.body as Record<string, unknown>)) {
    const meta = buildMetaOf(mapping);
    // Only documents indices that say they belong to this alias: never another alias's, never anyone else's.
    if (meta && meta.alias === alias) out.push({ index, meta });
  }
  return out.sort((a, b) => (a.index < b.index ? -1 : 1));
}

/** Points `alias` at `to` instead of `from`, in one atomic call. */
export async function moveAlias(client: Client, alias: string, from: readonly string[], to: string): Promise<void> {
  const actions = [...from.map((index) => ({ remove: { index, alias } })), { add: { index: to, alias } }];
  await client.indices.updateAliases({ body: { actions } });
}

/**
 * Deletes the builds of `alias` other than `live` and the `keep` newest
 * finished ones before it (for rollback), with their word lists; unfinished
 * builds older than `live` (a build that died) go too. Returns the indices
 * deleted.
 */
export async function retireBuilds(client: Client, alias: string, live: string, keep: number): Promise<string[]> {
  const builds = await buildsOf(client, alias);
  const older = builds.filter((b) => b.index < live);
  const finished = older.filter((b) => b.meta.complete);
  const kept = new Set(keep > 0 ? finished.slice(-keep).map((b) => b.index) : []);
  const doomed = older.filter((b) => !kept.has(b.index)).flatMap((b) => [b.index, b.meta.lexicon]);
  if (doomed.length) await client.indices.delete({ index: doomed.join(','), ignore_unavailable: true });
  return doomed;
}
