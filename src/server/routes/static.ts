/** The page's own files (/static) and the bundled Arabic font (/fonts, cached for a year). */
import express, { type Express } from 'express';
import { FONTS_DIR, PUBLIC_DIR } from '../paths.js';

export function staticRoutes(app: Express): void {
  app.use('/static', express.static(PUBLIC_DIR, { index: false, maxAge: 0, fallthrough: true }));
  app.use('/fonts', express.static(FONTS_DIR, { index: false, maxAge: '365d', immutable: true, fallthrough: true }));
}
