// @ts-check
// The SQLite FTS5 build baseline: stream a JSONL(.gz) corpus (BENCH_INPUT)
// into an FTS5 table (BENCH_OUT, a new database file) of id (not indexed),
// title and text, with positions (FTS5's default detail=full) and the
// unicode61 tokenizer folding diacritics, in one transaction; then merge
// its b-trees into one ('optimize'), as fahras writes one segment. Prints
// timings and the file's size.
import Database from 'better-sqlite3';
import { createReadStream, rmSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

const input = process.env.BENCH_INPUT ?? '';
const out = process.env.BENCH_OUT ?? '';
const t0 = performance.now();
rmSync(out, { force: true });
const db = new Database(out);
// No journal and no syncs while loading: the fastest SQLite offers for a bulk load.
db.pragma('journal_mode = OFF');
db.pragma('synchronous = OFF');
db.exec("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, text, tokenize = 'unicode61 remove_diacritics 2')");
const insert = db.prepare('INSERT INTO docs (id, title, text) VALUES (?, ?, ?)');
const raw = createReadStream(input, { highWaterMark: 1 << 20 });
let docs = 0;
db.exec('BEGIN');
for await (const line of createInterface({ input: input.endsWith('.gz') ? raw.pipe(createGunzip()) : raw, crlfDelay: Infinity })) {
  if (!line.trim()) continue;
  const r = JSON.parse(line);
  if (typeof r.text !== 'string' || !r.text.trim()) continue;
  insert.run(String(r.id), typeof r.title === 'string' ? r.title : '', r.text);
  docs++;
}
db.exec('COMMIT');
const t1 = performance.now();
db.exec("INSERT INTO docs (docs) VALUES ('optimize')");
db.close();
const t2 = performance.now();
console.log(JSON.stringify({ docs, insertSeconds: (t1 - t0) / 1000, optimizeSeconds: (t2 - t1) / 1000, bytes: statSync(out).size, maxRss: process.resourceUsage().maxRSS * 1024 }));
