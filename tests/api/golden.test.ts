/**
 * The API and `fahras search` answer byte for byte as they did at commit
 * 115059b (tests/fixtures/server/api-golden.json, written by
 * write-api-golden.ts there): highlighted titles, snippets and documents on
 * real Arabic fixtures, with markup from the documents escaped, didYouMean,
 * filters, paging and prefixes. Runs the built CLI (`npm run build` first).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliSearch, cliWithoutTiming, GOLDEN_CLI, GOLDEN_PATHS, withoutTiming } from '../fixtures/server/write-api-golden.js';
import { ROOT, useFixtureServer } from '../helpers/server.js';

const golden = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'server', 'api-golden.json'), 'utf8')) as { api: Record<string, string>; cli: Record<string, string> };
const fx = useFixtureServer();

describe('answers as before, byte for byte', () => {
  it('covers every pinned request', () => {
    expect(Object.keys(golden.api)).toEqual(GOLDEN_PATHS);
    expect(Object.keys(golden.cli)).toEqual(GOLDEN_CLI.map((a) => JSON.stringify(a)));
    expect(Object.values(golden.api).join('')).toContain('<mark>');
    expect(Object.values(golden.api).join('')).toContain('&lt;script&gt;');
  });

  it.each(GOLDEN_PATHS)('GET %s', async (path) => {
    // Twice: the second answer comes from the result cache.
    for (let i = 0; i < 2; i++) {
      const res = await fetch(fx.srv.url + path);
      expect(res.status).toBe(200);
      expect(withoutTiming(await res.text())).toBe(golden.api[path]);
    }
  });

  it.each(GOLDEN_CLI.map((a) => [a.join(' '), a] as const))('fahras search %s', (_name, args) => {
    expect(cliWithoutTiming(cliSearch(fx.idx.index, [...args]))).toBe(golden.cli[JSON.stringify(args)]);
  });
});
