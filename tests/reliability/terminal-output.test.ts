/**
 * Nothing the CLI prints acts on a terminal. Real escape sequences — clear
 * the screen, set colours, retitle the window, write the clipboard (OSC 52),
 * ring the bell, and the 8-bit CSI U+009B — are put where fahras would quote
 * them: in documents (titles, texts, sources), in file and folder names, in
 * CURRENT, in the manifest, in options. Whatever `fahras index`, `search`
 * (plain and --json), `eval` and `serve` print carries no ESC, BEL or C1
 * control, and errors are one line quoting at most a short escaped excerpt
 * (a CURRENT linked to /etc/passwd does not print it).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fahras, requireBuilt, spawnServer, type Run } from './helpers.js';

const ESC = '\u001b';
const SEQUENCES = [`${ESC}[2J${ESC}[H`, `${ESC}[31;1m`, `${ESC}]0;مخترق${'\u0007'}`, `${ESC}]52;c;cHduZWQ=${'\u0007'}`, '\u009b31m', '\u0007', '\r\u001b[K'];
const HOSTILE = SEQUENCES.join('');
/** Anything a terminal would act on: C0 controls but tab and line feed, DEL, C1 controls. */
// eslint-disable-next-line no-control-regex -- what must not be printed
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

let root: string;
let index: string;

function expectInert(what: string, r: Run): void {
  for (const [stream, text] of [['stdout', r.stdout], ['stderr', r.stderr]] as const) {
    const at = text.search(ACTIVE);
    expect(at, `${what}: ${stream} prints a control character: ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 40))}`).toBe(-1);
  }
}

beforeAll(async () => {
  requireBuilt();
  root = mkdtempSync(join(tmpdir(), 'fahras-terminal-'));
  const input = join(root, `وثائق${HOSTILE}`);
  mkdirSync(input);
  const docs = [
    { id: 'd1', title: `عنوان ${HOSTILE} النفط`, text: `نص عن النفط ${HOSTILE} والأسواق`, source: `مصدر${HOSTILE}` },
    { id: 'd2', title: 'أسعار النفط', text: `تراجعت أسعار النفط${HOSTILE}`, author: HOSTILE },
  ];
  writeFileSync(join(input, `أخبار${HOSTILE}.jsonl`), docs.map((d) => JSON.stringify(d)).join('\n') + `\n{"id": "bad", "text": "${ESC}[2J غير مكتمل\n${JSON.stringify({ id: HOSTILE, text: 'نص' })}\n`);
  index = join(root, 'index');
  const r = await fahras(['index', '--input', input, '--out', index]);
  expect(r.code, r.stderr).toBe(0);
  expectInert('fahras index', r);
  // The problem lines name the file, escaped.
  expect(r.stderr).toMatch(/skipped .*\\x1b\[2J.*\.jsonl:3: not valid JSON/);
  expect(r.stderr).toMatch(/skipped .*\.jsonl:4: "id" holds a control character/);
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('fahras in a terminal', () => {
  it('search prints documents with their control characters shown as U+FFFD', async () => {
    const r = await fahras(['search', 'النفط', '--index', index]);
    expect(r.code).toBe(0);
    expectInert('fahras search', r);
    expect(r.stdout).toContain('\ufffd[2J');
  });

  it('search --json escapes every control character, C1 included, and stays the same JSON', async () => {
    const r = await fahras(['search', 'النفط', '--index', index, '--json']);
    expect(r.code).toBe(0);
    expectInert('fahras search --json', r);
    const hits = (JSON.parse(r.stdout) as { hits: { title: string; metadata: Record<string, string> }[] }).hits;
    expect(hits.map((h) => h.title)).toContain(`عنوان ${HOSTILE} النفط`);
  });

  it.each([
    ['an index folder named with escapes', () => ['search', 'النفط', '--index', join(root, `لا${HOSTILE}`)]],
    ['an unknown option', () => ['search', 'النفط', `--${ESC}[2J`]],
    ['a bad option value', () => ['search', 'النفط', '--limit', `${ESC}]0;x\u0007`]],
    ['a run file named with escapes', () => ['search', '--queries', join(root, `q${HOSTILE}.tsv`), '--run', join(root, 'out.run'), '--index', index]],
    ['eval of documents named with escapes', () => ['eval', '--docs', join(root, `d${HOSTILE}.jsonl`), '--queries', 'x', '--qrels', 'y']],
  ])('%s: one inert line', async (_what, args) => {
    const r = await fahras(args());
    expect(r.code).not.toBe(0);
    expectInert(String(args()), r);
  });

  it('a CURRENT holding escape sequences is quoted as a short escaped excerpt', async () => {
    const copy = join(root, 'current-escapes');
    mkdirSync(copy);
    writeFileSync(join(copy, 'CURRENT'), `gen-${HOSTILE}${'x'.repeat(100)}`);
    const r = await fahras(['search', 'النفط', '--index', copy]);
    expect(r.code).toBe(1);
    expectInert('CURRENT with escapes', r);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('\\x1b[2J');
    expect(r.stderr.length).toBeLessThan(300);
  });

  it('a CURRENT linked to /etc/passwd is refused in one line that does not print it', async () => {
    const copy = join(root, 'current-passwd');
    mkdirSync(copy);
    symlinkSync('/etc/passwd', join(copy, 'CURRENT'));
    const r = await fahras(['search', 'النفط', '--index', copy]);
    expect(r.code).toBe(1);
    expectInert('CURRENT → /etc/passwd', r);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const passwd = readFileSync('/etc/passwd', 'utf8').split('\n');
    // At most the start of its first line, cut short.
    for (const line of passwd.slice(1).filter((l) => l.length > 8)) expect(r.stderr).not.toContain(line);
    expect(r.stderr.length).toBeLessThan(300);
  });

  it('a manifest of garbage and escapes is refused in one inert line', async () => {
    const copy = join(root, 'manifest-garbage');
    mkdirSync(join(copy, 'gen-garbage'), { recursive: true });
    writeFileSync(join(copy, 'CURRENT'), 'gen-garbage\n');
    writeFileSync(join(copy, 'gen-garbage', 'manifest.json'), `{"format": 5, ${HOSTILE}`);
    const r = await fahras(['search', 'النفط', '--index', copy]);
    expect(r.code).toBe(1);
    expectInert('manifest garbage', r);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('serve names an index folder with escapes inertly, and logs requests with escapes inertly', async () => {
    const folder = join(root, `فهرس${HOSTILE}`);
    rmSync(folder, { recursive: true, force: true });
    const built = await fahras(['index', '--input', join(root, `وثائق${HOSTILE}`), '--out', folder]);
    expect(built.code).toBe(0);
    expectInert('fahras index into a folder with escapes', built);
    const srv = await spawnServer(['serve', '--index', folder, '--port', '0'], { FAHRAS_LOG_LEVEL: 'info' });
    let out = '';
    srv.proc.stdout!.removeAllListeners('data');
    srv.proc.stdout!.on('data', (c) => (out += c));
    try {
      await fetch(`${srv.url}/api/search?q=${encodeURIComponent(`النفط${HOSTILE}`)}`);
      await fetch(`${srv.url}/${encodeURIComponent('\u009b')}x`);
    } finally {
      await srv.stop();
    }
    expectInert('fahras serve', { code: 0, signal: null, stdout: out, stderr: srv.stderr(), timedOut: false });
    expect(out).toContain('"url"');
  });
});
