/**
 * Splits the CPU of a profiled `fahras serve` (bench/http.ts --cpu-prof) into
 * where a request's time goes: each sample is charged to the innermost frame
 * of its stack that has a source: built-ins and Node's zlib and Buffer count
 * for whoever called them, Node's other modules (HTTP, streams, timers) as
 * Node's. With --requests N, per-request microseconds too.
 *
 *   npx tsx bench/profile-split.ts bench/out/prof/http-4x/fahras/*.cpuprofile [--requests N]
 */
import { readFileSync } from 'node:fs';
import { arg, fx, table } from './common.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Parts by where their code lives, the first match wins. */
const PARTS: [string, RegExp][] = [
  ['engine: search, index, analysis (src/search, src/index, src/analysis, src/engine)', /\/dist[^/]*\/(search|index|analysis|engine|common)\/|\/minisearch\/|\/natural\//],
  ['route: the answer built (routes/search, api-json, view, JSON.stringify)', /\/dist[^/]*\/server\/(routes\/|api-json|view\/|gzip-splice)/],
  ['validation (zod)', /\/dist[^/]*\/server\/validation|\/zod\//],
  ['cpu-guard turns', /\/dist[^/]*\/server\/cpu-guard|express-rate-limit/],
  ['compression middleware', /\/compression\/|\/on-headers\/|\/negotiator\/|\/vary\//],
  ['security headers (helmet)', /\/helmet\//],
  ['logging (pino)', /\/pino/],
  ['query string, URL check (middleware.ts)', /\/dist[^/]*\/server\/middleware/],
  ['search service, result cache', /\/dist[^/]*\/server\/(search-service|result-cache)/],
  ['connections (one answer at a time)', /\/dist[^/]*\/server\/connections/],
  ['express: router, request/response helpers, body parser', /\/(express|router|body-parser|send|finalhandler|content-type|type-is|qs|accepts|mime-types|proxy-addr|forwarded|cookie|etag|fresh|range-parser|parseurl|depd|statuses|encodeurl|escape-html|on-finished|raw-body|iconv-lite)\//],
];

const NODE = 'Node: HTTP, sockets, streams, timers';

function partOf(url: string): string | undefined {
  if (!url || /^node:(zlib|buffer|internal\/buffer)$/.test(url)) return undefined;
  if (url.startsWith('node:')) return NODE;
  for (const [name, re] of PARTS) if (re.test(url)) return name;
  return 'other (start-up, modules loaded)';
}

export function split(p: Profile): Map<string, number> {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map<number, string>();
  const partOfNode = (id: number): string => {
    const known = memo.get(id);
    if (known) return known;
    const n = byId.get(id)!;
    const fn = n.callFrame.functionName;
    let part = partOf(n.callFrame.url);
    if (part === undefined) {
      const up = parent.get(id);
      if (fn === '(garbage collector)') part = 'garbage collector';
      else if (fn === '(idle)') part = 'idle';
      else if (fn === '(program)') part = 'V8 / native (program)';
      else if (up !== undefined && byId.get(up)!.callFrame.functionName !== '(root)') part = partOfNode(up);
      else part = NODE;
    }
    memo.set(id, part);
    return part;
  };
  const out = new Map<string, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const part = partOfNode(p.samples[i]);
    out.set(part, (out.get(part) ?? 0) + (p.timeDeltas[i + 1] ?? 0) / 1000);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv.slice(2).find((a) => a.endsWith('.cpuprofile'));
  if (!file) throw new Error('usage: profile-split.ts <file.cpuprofile> [--requests N]');
  const requests = Number(arg('requests', '0'));
  const parts = [...split(JSON.parse(readFileSync(file, 'utf8')) as Profile)].sort((a, b) => b[1] - a[1]);
  const busy = parts.filter(([k]) => k !== 'idle').reduce((s, [, v]) => s + v, 0);
  const rows: (string | number)[][] = [['part', 'ms', 'share of busy', ...(requests ? ['µs / request'] : [])]];
  for (const [k, v] of parts) rows.push([k, fx(v, 0), k === 'idle' ? '' : `${fx((100 * v) / busy, 1)}%`, ...(requests && k !== 'idle' ? [fx((1000 * v) / requests, 0)] : requests ? [''] : [])]);
  rows.push(['busy (all but idle)', fx(busy, 0), '100%', ...(requests ? [fx((1000 * busy) / requests, 0)] : [])]);
  console.log(`${file}\n` + table(rows));
}
