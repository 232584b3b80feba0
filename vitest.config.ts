import { configDefaults, defineConfig } from 'vitest/config';

// FAHRAS_SKIP_OPENSEARCH=1 leaves out every suite that needs an OpenSearch cluster (a machine without a JDK 17 and Maven).
const SKIP_OPENSEARCH = process.env.FAHRAS_SKIP_OPENSEARCH === '1';

/** The suites that run against fahras on a one-node OpenSearch cluster as well as on the local index. */
const ON_BOTH_ENGINES = ['tests/api/api.test.ts', 'tests/browser/search-page.test.ts', 'tests/browser/one-renderer.test.ts', 'tests/browser/news-page.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'local', include: ['tests/**/*.test.ts'], exclude: [...configDefaults.exclude, 'tests/opensearch/**'], provide: { fixtureEngine: 'local' } },
      },
      ...(SKIP_OPENSEARCH
        ? []
        : [
            {
              extends: true,
              test: {
                name: 'opensearch',
                include: [...ON_BOTH_ENGINES, 'tests/opensearch/**/*.test.ts'],
                // The run's one-node cluster, started only when a file of this project runs.
                globalSetup: ['tests/opensearch/global-setup.ts'],
                provide: { fixtureEngine: 'opensearch' as const },
              },
            },
          ]),
    ],
  },
});
