/** The frame every page shares: head, header, main, footer. */
import { escapeHtml } from './marked.js';

export interface LayoutOptions {
  title: string;
  body: string;
  /** Module scripts of the page (same-origin files: the CSP allows nothing inline). */
  scripts?: string[];
  footer?: string;
  /** <template>s for the page's script, kept out of <main>: markup it shows in cases only it knows of. */
  templates?: string;
  /** What the page is, for search engines' listings (meta description). */
  description?: string;
}

export function layout(o: LayoutOptions): string {
  const scripts = (o.scripts ?? []).map((s) => `<script type="module" src="${s}"></script>`).join('\n');
  return `<!doctype html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${escapeHtml(o.title)}</title>
<meta name="description" content="${escapeHtml(o.description ?? 'فهرس: محرك بحث للنصوص العربية.')}">
<link rel="preload" href="/fonts/noto-naskh-arabic-arabic-400-normal.woff2" as="font" type="font/woff2" crossorigin>
<link rel="preload" href="/fonts/noto-naskh-arabic-arabic-700-normal.woff2" as="font" type="font/woff2" crossorigin>
<link rel="stylesheet" href="/static/style.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
${scripts}
</head>
<body>
<a class="skip-link" href="#main">تخطَّ إلى المحتوى</a>
<header class="site-header">
  <div class="wrap header-inner">
    <a class="brand" href="/">فهرس</a>
    <span class="tagline">محرك بحث للنصوص العربية</span>
  </div>
</header>
<main id="main" class="wrap">
${o.body}
</main>
<footer class="site-footer"><div class="wrap">${o.footer ?? ''}</div></footer>
${o.templates ? `${o.templates}
` : ''}</body>
</html>
`;
}

/** The source, date and any other facts of a document, separated by bars; '' when there are none. */
export function metaLine(items: string[]): string {
  const present = items.filter(Boolean);
  return present.length ? `<p class="result-meta">${present.join('<span class="sep" aria-hidden="true">|</span>')}</p>` : '';
}
