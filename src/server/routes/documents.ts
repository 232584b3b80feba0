/** GET /api/documents/:id: one whole document, with every match of `q` highlighted when asked. */
import type { Express } from 'express';
import { FahrasError } from '../../common/errors.js';
import { apiHighlightedDocument } from '../api-json.js';
import type { SearchService } from '../search-service.js';
import { documentParams, documentPath, validate } from '../validation.js';

export function documentRoutes(app: Express, search: SearchService): void {
  app.get('/api/documents/:id', async (req, res) => {
    const { id } = validate(documentPath, req.params);
    const { q } = validate(documentParams, req.query);
    search.documents();
    const missing = () => new FahrasError(`No document has the id "${id}".`, 'not_found');
    if (!q) {
      const doc = await search.engine.getDocument(id);
      if (!doc) throw missing();
      res.json(doc);
      return;
    }
    const d = await search.engine.highlightDocument(id, q);
    if (!d) throw missing();
    res.json(apiHighlightedDocument(d));
  });
}
