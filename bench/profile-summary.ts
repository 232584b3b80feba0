/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): the functions with the
 * most self time, the most inclusive time (recursion counted once), and self
 * time per source file.
 *
 *   npx tsx bench/profile-summary.ts bench/out/prof/build-1x.cpuprofile [--top 25] [--focus name]
 */
import { readFileSync } from 'node:fs';
import { arg, fx, table } from './common.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function shortUrl(url: string): string {
  if (!url) return '';
  const u = url.replace(/^file:\/\//, '');
  const i = u.lastIndexOf('/dist/');
  if (i >= 0) return u.slice(i + 1);
  const n = u.lastIndexOf('/node_modules/');
  if (n >= 0) return u.slice(n + 14);
  return u;
}

export function keyOf(n: ProfileNode): string {
  const f = n.callFrame;
  const where = shortUrl(f.url);
  return `${f.functionName || '(anonymous)'}${where ? ` ${where}:${f.lineNumber + 1}` : ''}`;
}

export interface Summary {
  totalMs: number;
  self: [string, number][];
  inclusive: [string, number][];
  files: [string, number][];
}

export function summarize(p: Profile): Summary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfNode = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000; // a sample's time runs until the next one
    selfNode.set(p.samples[i], (selfNode.get(p.samples[i]) ?? 0) + dt);
  }
  const self = new Map<string, number>();
  const files = new Map<string, number>();
  for (const [id, ms] of selfNode) {
    const n = byId.get(id)!;
    self.set(keyOf(n), (self.get(keyOf(n)) ?? 0) + ms);
    const file = shortUrl(n.callFrame.url) || (n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : '(native/builtin)');
    files.set(file, (files.get(file) ?? 0) + ms);
  }
  // Inclusive time: walk from the root, counting a function once per stack.
  const inclusive = new Map<string, number>();
  const total = (id: number, onStack: Map<string, number>): number => {
    const n = byId.get(id)!;
    let t = selfNode.get(id) ?? 0;
    const k = keyOf(n);
    onStack.set(k, (onStack.get(k) ?? 0) + 1);
    for (const c of n.children ?? []) t += total(c, onStack);
    const depth = onStack.get(k)!;
    onStack.set(k, depth - 1);
    if (depth === 1) inclusive.set(k, (inclusive.get(k) ?? 0) + t);
    return t;
  };
  const childIds = new Set(p.nodes.flatMap((n) => n.children ?? []));
  let totalMs = 0;
  for (const n of p.nodes) if (!childIds.has(n.id)) totalMs += total(n.id, new Map());
  const sorted = (m: Map<string, number>): [string, number][] => [...m].sort((a, b) => b[1] - a[1]);
  return { totalMs, self: sorted(self), inclusive: sorted(inclusive), files: sorted(files) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv.slice(2).find((a) => !a.startsWith('--') && a.endsWith('.cpuprofile'));
  if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [--top N] [--focus substring]');
  const top = Number(arg('top', '25'));
  const focus = arg('focus');
  const s = summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  const pct = (ms: number): string => `${fx((100 * ms) / s.totalMs, 1)}%`;
  const filt = (rows: [string, number][]): [string, number][] => (focus ? rows.filter(([k]) => k.includes(focus)) : rows).slice(0, top);
  console.log(`${file}: ${fx(s.totalMs / 1000, 2)} s sampled\n`);
  console.log('Self time by function\n' + table([['function', 'ms', 'share'], ...filt(s.self).map(([k, v]) => [k, fx(v, 0), pct(v)])]));
  console.log('\nInclusive time by function\n' + table([['function', 'ms', 'share'], ...filt(s.inclusive).map(([k, v]) => [k, fx(v, 0), pct(v)])]));
  console.log('\nSelf time by file\n' + table([['file', 'ms', 'share'], ...s.files.slice(0, top).map(([k, v]) => [k, fx(v, 0), pct(v)])]));
}
