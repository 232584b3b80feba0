/** GET /api/search: ranked hits with highlighted snippets, counts by source and date, near-duplicates folded and misspellings corrected on request. */
import type { Express } from 'express';
import { apiSearchResult } from '../api-json.js';
import type { SearchService } from '../search-service.js';
import { searchParams, validate } from '../validation.js';

export function searchRoutes(app: Express, search: SearchService): void {
  app.get('/api/search', async (req, res) => {
    const p = validate(searchParams, req.query);
    const t0 = performance.now();
    const { entry, hit } = await search.search(p.q, { limit: p.limit, offset: p.offset, mode: p.mode, filters: { source: p.source, from: p.from, to: p.to }, sort: p.sort, collapse: p.collapse, correct: p.correct });
    // The body is encoded once per cached result; only took_ms is written per request.
    entry.jsonTail ??= Buffer.from(JSON.stringify({ query: p, ...apiSearchResult(entry.result), took_ms: undefined }).slice(1));
    const took = hit ? Math.round((performance.now() - t0) * 1000) / 1000 : entry.result.took_ms;
    res.type('json').send(Buffer.concat([Buffer.from(`{"took_ms":${took},`), entry.jsonTail]));
  });
}
