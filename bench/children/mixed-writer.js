// @ts-check
// The writer of bench/mixed-load.ts, in a process of its own so that it does
// not share an event loop with the load generator: for BENCH_SECONDS, one
// PUT /api/documents/:id every 1/BENCH_RATE s (open loop: on schedule,
// whatever is still unanswered), each document of BENCH_DOCS (a JSON array)
// carrying a word of its own; once a PUT is answered, searches for that word
// until a hit comes back (the time from acknowledgement to visibility, given
// up after 10 s). BENCH_URL, BENCH_TOKEN, BENCH_PREFIX (ids and words of this
// run). Prints one line of JSON: every write's send time, latency, status,
// visibility delay (ms; -1 when not seen) and the searches it took.
import http from 'node:http';
import { readFileSync } from 'node:fs';

const url = new URL(process.env.BENCH_URL ?? '');
const token = process.env.BENCH_TOKEN ?? '';
const seconds = Number(process.env.BENCH_SECONDS);
const rate = Number(process.env.BENCH_RATE);
const prefix = process.env.BENCH_PREFIX ?? 'w';
/** @type {{ id: string; title: string; text: string }[]} */
const docs = JSON.parse(readFileSync(process.env.BENCH_DOCS ?? '', 'utf8'));
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {string} method
 * @param {string} path
 * @param {string} [body]
 * @returns {Promise<{ status: number; body: string }>}
 */
function call(method, path, body) {
  return new Promise((resolve, reject) => {
    /** @type {Record<string, string | number>} */
    const headers = { authorization: `Bearer ${token}` };
    if (body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    const req = http.request({ host: url.hostname, port: url.port, path, method, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** @param {number} k */
const word = (k) => `${prefix}${k.toString(36)}q`;

/**
 * Searches for write k's word until found: the delay after the acknowledgement, and the searches it took.
 * @param {number} k @param {number} ackAt
 */
async function visible(k, ackAt) {
  let searches = 0;
  while (performance.now() - ackAt < 10_000) {
    searches++;
    const r = await call('GET', `/api/search?q=${word(k)}&limit=1`).catch(() => undefined);
    if (r && r.status === 200 && JSON.parse(r.body).total > 0) return { delay: performance.now() - ackAt, searches };
    await sleep(5);
  }
  return { delay: -1, searches };
}

/** @type {{ sent: number; latency: number; status: number; visible: number; searches: number }[]} */
const writes = [];
const t0 = performance.now();
/** @type {Promise<void>[]} */
const pending = [];
for (let k = 0; performance.now() - t0 < seconds * 1000; k++) {
  const wait = t0 + (k * 1000) / rate - performance.now();
  if (wait > 0) await sleep(wait);
  const d = docs[k % docs.length];
  // Every other write replaces an article of the index; the others add new ones.
  const id = k % 2 ? `${prefix}-${k}` : d.id;
  const sent = performance.now();
  const w = { sent: sent - t0, latency: -1, status: 0, visible: -1, searches: 0 };
  writes.push(w);
  pending.push(
    call('PUT', `/api/documents/${encodeURIComponent(id)}`, JSON.stringify({ ...d, id, text: `${d.text}\n${word(k)}` })).then(
      async (r) => {
        const ackAt = performance.now();
        w.latency = ackAt - sent;
        w.status = r.status;
        if (r.status < 300) ({ delay: w.visible, searches: w.searches } = await visible(k, ackAt));
      },
      () => undefined,
    ),
  );
}
await Promise.all(pending);
agent.destroy();
console.log(JSON.stringify(writes));
