/** GET /api/stats: the loaded index, its generation, reloads and the result cache. */
import type { Express } from 'express';
import type { SearchService } from '../search-service.js';

export function statsRoutes(app: Express, search: SearchService): void {
  app.get('/api/stats', async (_req, res) => {
    const live = search.loaded();
    res.json({ ...live.searcher.stats(), generation: live.generation, loadedAt: live.loadedAt.toISOString(), reloads: search.holder.reloads, cache: search.cache.stats() });
  });
}
