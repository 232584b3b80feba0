/**
 * The one-node OpenSearch cluster of a test run (vitest project "opensearch"): started once,
 * before the first of the project's files, by the repository's launcher (opensearch/cluster.ts),
 * and stopped after the last. Test files read its URL with `inject('opensearchUrl')` and each
 * works under aliases of its own, so files run side by side on it. Suites that kill nodes start
 * clusters of their own.
 */
import type { TestProject } from 'vitest/node';
import { startCluster } from '../../opensearch/cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the run's one-node cluster. */
    opensearchUrl: string;
    /** The engine the API and page suites run against in this project. */
    fixtureEngine: 'local' | 'opensearch';
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t0 = performance.now();
  const cluster = await startCluster({ nodes: 1, name: `vitest-${process.pid}`, log: (s) => process.stderr.write(`opensearch: ${s}\n`) });
  process.stderr.write(`opensearch: the run's one-node cluster is green at ${cluster.urls[0]} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  project.provide('opensearchUrl', cluster.urls[0]);
  return async () => {
    await cluster.stop();
  };
}
