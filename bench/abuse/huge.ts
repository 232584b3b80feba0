/**
 * Huge documents. A 4,000,000-character text (the longest a document may
 * have: SaudiNewsNet articles end to end) in an index beside two small
 * documents; its only «زلزال» is at its very end. Through `fahras serve` of
 * each build: a search whose snippet comes from it (the rare word at the
 * end, a common word), a query with 31 prefixes over it, and its document
 * view with a query: time (median of 5) and JSON bytes. Then reading a
 * 50 MB JSONL line, gzipped and not (`fahras index` wall time; a build that
 * refuses the line refuses it after reading it).
 *
 *   npx tsx bench/abuse/huge.ts --base bench/out/rev-115059b/dist
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DIST, OUT, arg, ensureDirs, fx, median, table } from '../common.js';
import { CORPUS_1X, records } from '../corpus.js';
import { serveDist } from './serve.js';

const WORK = '/tmp/fahras-rel/huge';
const TEXT_CHARACTERS = 4_000_000;
const RARE = 'زلزال';

async function hugeText(): Promise<string> {
  let text = '';
  for await (const r of records(CORPUS_1X)) {
    text += `${r.text}\n`;
    if (text.length > TEXT_CHARACTERS) break;
  }
  const tail = ` ${RARE} مدمر في آخر النص`;
  return text.replaceAll(RARE, 'هزة').slice(0, TEXT_CHARACTERS - tail.length) + tail;
}

interface Row {
  what: string;
  ms: number;
  bytes: number;
}

async function timeGet(url: string): Promise<{ ms: number; bytes: number; status: number }> {
  const runs: number[] = [];
  let bytes = 0;
  let status = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = await fetch(url);
    const body = await r.arrayBuffer();
    runs.push(performance.now() - t0);
    bytes = body.byteLength;
    status = r.status;
  }
  return { ms: median(runs), bytes, status };
}

async function measure(dist: string, label: string, input: string): Promise<Row[]> {
  const index = join(WORK, `index-${label}`);
  rmSync(index, { recursive: true, force: true });
  execFileSync(process.execPath, [join(dist, 'cli', 'main.js'), 'index', '--input', input, '--out', index, '--quiet'], { stdio: 'ignore' });
  const srv = await serveDist(dist, index, { FAHRAS_RATE_LIMIT: '0', FAHRAS_CLIENT_CPU_MS: '0', FAHRAS_CACHE_SIZE: '0' });
  const rows: Row[] = [];
  try {
    const enc = encodeURIComponent;
    const cases: [string, string][] = [
      [`search «${RARE}» (its one match at the end of the 4M-character text)`, `/api/search?q=${enc(RARE)}`],
      ['search «عام» (a common word)', `/api/search?q=${enc('عام')}`],
      ['search with 31 prefixes (ال* ×31)', `/api/search?q=${enc(Array(31).fill('ال*').join(' '))}`],
      [`the document with «${RARE}» marked`, `/api/documents/huge?q=${enc(RARE)}`],
      ['the document with «عام» marked', `/api/documents/huge?q=${enc('عام')}`],
    ];
    for (const [what, path] of cases) {
      const r = await timeGet(srv.url + path);
      rows.push({ what: `${what}${r.status === 200 ? '' : ` → ${r.status}`}`, ms: r.ms, bytes: r.bytes });
    }
  } finally {
    await srv.stop();
  }
  return rows;
}

/** `fahras index` over one 50 MB line (and one small record), plain and gzipped. */
function readLongLine(dist: string): { plain: number; gz: number } {
  const line = JSON.stringify({ id: 'long', title: 'سطر طويل', text: 'نص '.repeat(Math.ceil(50e6 / 6)) });
  const small = JSON.stringify({ id: 'small', title: 'قصير', text: 'نص قصير عن النفط' });
  const body = `${line}\n${small}\n`;
  const dir = join(WORK, 'long-line');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'plain'), { recursive: true });
  mkdirSync(join(dir, 'gz'), { recursive: true });
  writeFileSync(join(dir, 'plain', 'long.jsonl'), body);
  writeFileSync(join(dir, 'gz', 'long.jsonl.gz'), gzipSync(body));
  const time = (input: string): number => {
    const t0 = performance.now();
    try {
      execFileSync(process.execPath, [join(dist, 'cli', 'main.js'), 'index', '--input', input, '--out', join(dir, 'out'), '--quiet'], { stdio: 'ignore', timeout: 600_000 });
    } catch {
      // a refused record or a build that fails still took its time to read
    }
    return (performance.now() - t0) / 1000;
  };
  return { plain: time(join(dir, 'plain')), gz: time(join(dir, 'gz')) };
}

async function main(): Promise<void> {
  const base = arg('base');
  mkdirSync(WORK, { recursive: true });
  const input = join(WORK, 'docs.jsonl');
  writeFileSync(
    input,
    [
      { id: 'huge', title: 'وثيقة طويلة جدا', text: await hugeText(), source: 'اختبار' },
      { id: 'small-1', title: 'أسعار النفط', text: 'تراجعت أسعار النفط في تعاملات العام الماضي' },
      { id: 'small-2', title: `${RARE} في المحيط`, text: `ضرب ${RARE} قوي قاع المحيط الهادئ` },
    ]
      .map((d) => JSON.stringify(d))
      .join('\n') + '\n',
  );
  const builds: [string, string][] = [...(base ? [[resolve(base), 'before'] as [string, string]] : []), [DIST, 'now']];
  const results: Record<string, Row[]> = {};
  const lines: Record<string, { plain: number; gz: number }> = {};
  for (const [dist, label] of builds) {
    results[label] = await measure(dist, label, input);
    lines[label] = readLongLine(dist);
    console.log(`${label}: ${JSON.stringify(results[label])} ${JSON.stringify(lines[label])}`);
  }
  const labels = builds.map(([, l]) => l);
  const rows: string[][] = [['request', ...labels.flatMap((l) => [`${l} ms`, `${l} bytes`])]];
  results[labels[0]].forEach((r, i) => rows.push([r.what, ...labels.flatMap((l) => [fx(results[l][i].ms, 1), results[l][i].bytes.toLocaleString('en')])]));
  rows.push(['`fahras index`, one 50 MB line, plain (s)', ...labels.flatMap((l) => [fx(lines[l].plain, 1), ''])]);
  rows.push(['`fahras index`, one 50 MB line, .gz (s)', ...labels.flatMap((l) => [fx(lines[l].gz, 1), ''])]);
  console.log(table(rows));
  ensureDirs();
  writeFileSync(join(OUT, 'huge-documents.json'), JSON.stringify({ results, lines }, null, 1));
}

await main();
