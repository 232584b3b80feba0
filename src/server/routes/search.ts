/** GET /api/search: ranked hits with highlighted snippets, counts by source and date, near-duplicates folded and misspellings corrected on request. */
import type { Express, Request } from 'express';
import { COMPRESSION_THRESHOLD_BYTES } from '../../common/limits.js';
import { apiSearchResult } from '../api-json.js';
import { gzipSpliced } from '../gzip-splice.js';
import type { SearchService } from '../search-service.js';
import { searchParams, validate } from '../validation.js';

/**
 * Whether the answer goes gzip: the client accepts gzip at least as much as
 * no coding (RFC 9110, 12.5.3). No other coding is offered here (the route
 * skips the compression middleware): gzip is the one whose compressed body
 * can be kept with the cached answer, and every browser asks for it.
 */
function wantsGzip(req: Request): boolean {
  return req.headers['accept-encoding'] !== undefined && req.acceptsEncodings('gzip', 'identity') === 'gzip';
}

export function searchRoutes(app: Express, search: SearchService): void {
  app.get('/api/search', async (req, res) => {
    const p = validate(searchParams, req.query);
    const t0 = performance.now();
    const { entry, hit } = await search.search(p.q, { limit: p.limit, offset: p.offset, mode: p.mode, filters: { source: p.source, from: p.from, to: p.to }, sort: p.sort, collapse: p.collapse, correct: p.correct });
    // The body is encoded once per cached result; only took_ms is written per request.
    const tail = (entry.jsonTail ??= Buffer.from(JSON.stringify({ query: p, ...apiSearchResult(entry.result), took_ms: undefined }).slice(1)));
    const took = hit ? Math.round((performance.now() - t0) * 1000) / 1000 : entry.result.took_ms;
    const head = Buffer.from(`{"took_ms":${took},`);
    res.type('json').vary('Accept-Encoding');
    if (head.length + tail.length >= COMPRESSION_THRESHOLD_BYTES && wantsGzip(req)) {
      res.set('Content-Encoding', 'gzip').send(gzipSpliced(head, tail, await search.cache.deflatedTail(entry, tail)));
      return;
    }
    res.send(Buffer.concat([head, tail]));
  });
}
