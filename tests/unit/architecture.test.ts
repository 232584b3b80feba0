/**
 * The seams the code base keeps: the shared foundation (src/common) depends on
 * no stage; the search core returns text, never HTML; text is escaped for HTML
 * in one place; errors are told apart by class and kind, never by name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/server.js';

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|js)$/.test(e.name))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const imports = (file: string) => [...read(file).matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);

describe('module boundaries', () => {
  it('src/common imports only Node, zod and itself', () => {
    const files = sources('src/common');
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) for (const spec of imports(f)) expect(/^(node:|zod$|\.\/)/.test(spec), `${f} imports ${spec}`).toBe(true);
  });

  it('src/search makes no HTML', () => {
    for (const f of sources('src/search')) expect(read(f), f).not.toMatch(/<mark|&lt;|&amp;|escapeHtml/);
  });

  it('HTML escaping is written once, in the server\'s view', () => {
    const defining = sources('src').filter((f) => /function escapeHtml|&#39;/.test(read(f)));
    expect(defining).toEqual(['src/server/view/marked.ts']);
  });

  it('our errors are never matched by name (the page script may test for the browser\'s AbortError)', () => {
    for (const f of sources('src').filter((f) => f.endsWith('.ts'))) expect(read(f), f).not.toMatch(/\.name\s*===?\s*'\w*Error'|\.includes\(e\.name\)/);
  });
});
