/** GET /api/suggest: completions of the last word of a query. */
import type { Express } from 'express';
import type { SearchService } from '../search-service.js';
import { suggestParams, validate } from '../validation.js';

export function suggestRoutes(app: Express, search: SearchService): void {
  app.get('/api/suggest', async (req, res) => {
    const p = validate(suggestParams, req.query);
    search.documents();
    res.json({ q: p.q, suggestions: await search.engine.suggest(p.q, p.limit) });
  });
}
