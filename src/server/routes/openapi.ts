/** GET /api/openapi.json: the OpenAPI description of every route. */
import type { Express } from 'express';
import { openApiDocument } from '../openapi.js';
import { VERSION } from '../paths.js';

export function openApiRoutes(app: Express, options: { writes: boolean }): void {
  const doc = openApiDocument(VERSION, options);
  app.get('/api/openapi.json', (_req, res) => {
    res.set('Cache-Control', 'no-cache');
    res.json(doc);
  });
}
