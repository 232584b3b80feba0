// @ts-check
// The HTTP baselines: MiniSearch loaded from BENCH_JSON behind bare node:http
// (`ms.search(q).slice(0, 10)` as JSON), or, without BENCH_JSON, a constant
// JSON body (the loopback ceiling). Listens on BENCH_PORT; /ready answers 200.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import MiniSearch from 'minisearch';

const ms = process.env.BENCH_JSON ? MiniSearch.loadJSON(readFileSync(process.env.BENCH_JSON, 'utf8'), { fields: ['title', 'text'], storeFields: ['title'] }) : undefined;
const constant = JSON.stringify({ total: 0, hits: [] });

http
  .createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname === '/ready') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ready"}');
      return;
    }
    let body = constant;
    if (ms) {
      const all = ms.search(u.searchParams.get('q') ?? '');
      body = JSON.stringify({ total: all.length, hits: all.slice(0, 10) });
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(body);
  })
  .listen(Number(process.env.BENCH_PORT), '127.0.0.1');
