/**
 * Long texts through the library: a hit's snippet comes from the first
 * SNIPPET_SCAN_CHARACTERS of its text, or, when its only matches lie past
 * them, from around the first match the index's positions and jumps lead to —
 * exactly, even when words before it read as several (a ligature such as ﷺ
 * is four words). Span lists are bounded and say so.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENT_MAX_HIGHLIGHTS, HIT_MAX_HIGHLIGHTS, SNIPPET_SCAN_CHARACTERS } from '../../src/common/limits.js';
import { buildIndex } from '../../src/index/build.js';
import { openIndex, type Searcher } from '../../src/search/searcher.js';

const FILLER = 'اجتمع وزراء الطاقة في فيينا لبحث أسعار الخام ﷺ وتحدثوا عن الأسواق ﷽ ثم انصرفوا. ';
const RARE = ['زلزال', 'بركان', 'إعصار'];

let dir: string;
let s: Searcher;
let text: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fahras-long-'));
  const pad = (n: number) => FILLER.repeat(Math.ceil(n / FILLER.length)).slice(0, n);
  // The rare words only far past the scanned start, each once, apart.
  text = `${pad(SNIPPET_SCAN_CHARACTERS * 2)} ${RARE[0]} مدمر ${pad(50_000)} ${RARE[1]} ثائر ${pad(50_000)} ${RARE[2]} عنيف ${pad(10_000)}`;
  const docs = [
    { id: 'long', title: 'نص طويل', text },
    { id: 'short', title: 'قصير', text: `${RARE.join(' ')} في نص قصير عن الطاقة` },
  ];
  writeFileSync(join(dir, 'docs.jsonl'), docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  await buildIndex({ input: join(dir, 'docs.jsonl'), out: join(dir, 'index') });
  s = await openIndex(join(dir, 'index'));
});

afterAll(() => {
  s?.close();
  rmSync(dir, { recursive: true, force: true });
});

const longHit = (q: string) => s.search(q).hits.find((h) => h.id === 'long')!;

describe('a text longer than snippets scan', () => {
  it('whose only match lies far past the scanned start is shown around it, the match marked exactly', () => {
    const hit = longHit(RARE[0]);
    expect(hit.snippet.before).toBe(true);
    const f = hit.snippet.fragments[0];
    expect(f.start).toBeGreaterThan(SNIPPET_SCAN_CHARACTERS);
    expect(f.highlights).toHaveLength(1);
    const [a, b] = f.highlights[0];
    expect(f.text.slice(a, b)).toBe(RARE[0]);
    expect(text.slice(f.start + a, f.start + b)).toBe(RARE[0]);
    expect(hit.highlights.truncated).toBe(true);
  });

  it('shows one fragment around each of the first matches of several words, in text order', () => {
    const hit = longHit(RARE.join(' '));
    expect(hit.snippet.fragments.map((f) => f.text.slice(f.highlights[0][0], f.highlights[0][1]))).toEqual(RARE);
    const starts = hit.snippet.fragments.map((f) => f.start);
    expect([...starts].sort((x, y) => x - y)).toEqual(starts);
  });

  it('with matches at its start lists at most HIT_MAX_HIGHLIGHTS spans and says there may be more', () => {
    const hit = longHit('الطاقة');
    expect(hit.snippet.fragments[0].start).toBeLessThan(SNIPPET_SCAN_CHARACTERS);
    expect(hit.highlights.text).toHaveLength(HIT_MAX_HIGHLIGHTS);
    expect(hit.highlights.truncated).toBe(true);
  });

  it('a short text lists every match and is not marked truncated', () => {
    const hit = s.search(RARE[0]).hits.find((h) => h.id === 'short')!;
    expect(hit.highlights.truncated).toBeUndefined();
    expect(hit.highlights.text).toHaveLength(1);
  });

  it('its document view marks the first DOCUMENT_MAX_HIGHLIGHTS matches and says there are more', () => {
    const d = s.highlightDocument('long', 'الطاقة')!;
    expect(d.highlights.text).toHaveLength(DOCUMENT_MAX_HIGHLIGHTS);
    expect(d.highlights.truncated).toBe(true);
    for (const [a, b] of d.highlights.text.slice(0, 50)) expect(text.slice(a, b)).toBe('الطاقة');
    expect(s.highlightDocument('long', RARE[2])!.highlights).toEqual({ title: [], text: [[text.indexOf(RARE[2]), text.indexOf(RARE[2]) + RARE[2].length]] });
  });
});
