/** Health probes: /health (alive), /ready (the index is loaded; 503 until then). */
import type { Express } from 'express';
import type { SearchService } from '../search-service.js';

export function probeRoutes(app: Express, search: SearchService): void {
  app.get('/health', (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ status: 'ok' });
  });

  app.get('/ready', (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ status: 'ready', documents: search.documents() });
  });
}
