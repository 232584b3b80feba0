// @ts-check
// The MiniSearch build baseline: index a JSONL(.gz) corpus (BENCH_INPUT) in
// batches of 1,000, then write the index as JSON (BENCH_OUT). Prints timings.
import MiniSearch from 'minisearch';
import { createReadStream, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

const input = process.env.BENCH_INPUT ?? '';
const out = process.env.BENCH_OUT ?? '';
const t0 = performance.now();
const ms = new MiniSearch({ fields: ['title', 'text'], storeFields: ['title'] });
const raw = createReadStream(input, { highWaterMark: 1 << 20 });
/** @type {{ id: string, title: string, text: string }[]} */
let batch = [];
let docs = 0;
for await (const line of createInterface({ input: input.endsWith('.gz') ? raw.pipe(createGunzip()) : raw, crlfDelay: Infinity })) {
  if (!line.trim()) continue;
  const r = JSON.parse(line);
  batch.push({ id: r.id, title: r.title, text: r.text });
  if (batch.length === 1000) {
    ms.addAll(batch);
    docs += batch.length;
    batch = [];
  }
}
ms.addAll(batch);
docs += batch.length;
const t1 = performance.now();
let error;
let jsonBytes = 0;
try {
  const json = JSON.stringify(ms);
  writeFileSync(out, json);
  jsonBytes = Buffer.byteLength(json);
} catch (e) {
  error = String(e);
}
const t2 = performance.now();
console.log(JSON.stringify({ docs, indexSeconds: (t1 - t0) / 1000, stringifySeconds: (t2 - t1) / 1000, jsonBytes, error, maxRss: process.resourceUsage().maxRSS * 1024 }));
