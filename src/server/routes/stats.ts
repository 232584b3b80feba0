/** GET /api/stats: the loaded index, its generation, reloads and the result cache. */
import type { Express } from 'express';
import type { SearchService } from '../search-service.js';

export function statsRoutes(app: Express, search: SearchService): void {
  app.get('/api/stats', async (_req, res) => {
    search.documents();
    res.json({ ...(await search.engine.stats()), cache: search.cache.stats() });
  });
}
