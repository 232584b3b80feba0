/** Where the server finds its files, in src/server/ and in dist/server/ alike. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: two levels above this file. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The page's script, style sheet and icon (served from the sources: the build copies nothing). */
export const PUBLIC_DIR = join(PACKAGE_ROOT, 'src', 'server', 'public');
export const FONTS_DIR = join(dirname(createRequire(import.meta.url).resolve('@fontsource/noto-naskh-arabic/package.json')), 'files');
export const VERSION = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
