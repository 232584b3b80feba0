/**
 * Lighthouse 12.2.3 (pinned in devDependencies: 13 wants Node 22) against
 * `fahras serve` on the benchmark index, in Debian's Chromium: performance,
 * accessibility, best practices and SEO of the results page (and of the home
 * and document pages), with its default mobile settings (simulated slow 4G
 * and a 4× slower CPU) and with its desktop preset. Each page is run
 * --runs times (default 3) and the median score kept. Targets for the results
 * page: accessibility, best practices and SEO ≥ 95, performance ≥ 90.
 *
 *   npm run build && npx tsx bench/lighthouse.ts [--scale 4] [--runs 3]
 *
 * Reports (JSON) go to bench/out/lighthouse/. The machine is shared: the
 * performance score moves with its load (printed with the figures).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { OUT, REPO, arg, ensureDirs, header, indexDir, median, scaleArg, table } from './common.js';
import { startServer } from './startup.js';

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
const LIGHTHOUSE = join(REPO, 'node_modules', 'lighthouse', 'cli', 'index.js');
const TARGETS: Record<(typeof CATEGORIES)[number], number> = { performance: 90, accessibility: 95, 'best-practices': 95, seo: 95 };

interface Report {
  categories: Record<string, { score: number | null }>;
  audits: Record<string, { score: number | null; scoreDisplayMode: string; title: string; numericValue?: number }>;
}

/**
 * One Lighthouse run of `url`: its report, or undefined when three attempts
 * failed (now and then Lighthouse fails to record the trace of a page load,
 * NO_NAVSTART, and asks to be run again).
 */
function lighthouse(url: string, out: string, desktop: boolean): Report | undefined {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      runLighthouse(url, out, desktop);
      return JSON.parse(readFileSync(out, 'utf8')) as Report;
    } catch {
      console.log(`  (attempt ${attempt} failed)`);
    }
  }
  return undefined;
}

function runLighthouse(url: string, out: string, desktop: boolean): void {
  execFileSync(
    process.execPath,
    [
      LIGHTHOUSE,
      url,
      '--quiet',
      '--output=json',
      `--output-path=${out}`,
      `--only-categories=${CATEGORIES.join(',')}`,
      '--chrome-flags=--headless --no-sandbox --disable-gpu --disable-background-networking',
      ...(desktop ? ['--preset=desktop'] : []),
    ],
    { env: { ...process.env, CHROME_PATH: '/usr/bin/chromium' }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

/** Audits that lost points, for the reader of the figures. */
function failing(r: Report): string[] {
  return Object.entries(r.audits)
    .filter(([, a]) => a.score !== null && a.score < 1 && (a.scoreDisplayMode === 'binary' || a.scoreDisplayMode === 'numeric' || a.scoreDisplayMode === 'metricSavings'))
    .map(([id, a]) => `${id} ${Math.round(a.score! * 100)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureDirs();
  const scale = scaleArg();
  const runs = Number(arg('runs', '3'));
  const dir = join(OUT, 'lighthouse');
  mkdirSync(dir, { recursive: true });
  header(`Lighthouse 12.2.3, ${scale}× index, median of ${runs} runs (load average at start ${loadavg()[0].toFixed(1)})`);
  const srv = await startServer(indexDir(scale));
  if (!srv.ok) throw new Error(`serve failed: ${srv.error}`);
  const enc = encodeURIComponent;
  const base = `http://127.0.0.1:${srv.port}`;
  const doc = ((await (await fetch(`${base}/api/search?q=${enc('أسعار النفط')}&limit=1`)).json()) as { hits: { id: string }[] }).hits[0].id;
  const pages: [string, string][] = [
    ['results', `/?q=${enc('أسعار النفط')}`],
    ['home', '/'],
    ['document', `/doc/${enc(doc)}?q=${enc('أسعار النفط')}`],
  ];
  const rows: (string | number)[][] = [['page', 'settings', ...CATEGORIES, 'LCP ms', 'TBT ms', 'CLS']];
  try {
    for (const [name, path] of pages) {
      for (const desktop of [false, true]) {
        const reports: Report[] = [];
        for (let i = 0; i < runs; i++) {
          const r = lighthouse(base + path, join(dir, `${name}-${desktop ? 'desktop' : 'mobile'}-${i + 1}.json`), desktop);
          if (r) reports.push(r);
        }
        if (reports.length === 0) {
          console.log(`${name}, ${desktop ? 'desktop' : 'mobile'}: every run failed`);
          continue;
        }
        const score = (c: string) => Math.round(100 * median(reports.map((r) => r.categories[c].score ?? 0)));
        const metric = (id: string, d = 0) => median(reports.map((r) => r.audits[id].numericValue ?? NaN)).toFixed(d);
        const scores = CATEGORIES.map((c) => score(c));
        rows.push([name, `${desktop ? 'desktop' : 'mobile (default)'}${reports.length < runs ? ` (${reports.length} runs)` : ''}`, ...scores, metric('largest-contentful-paint'), metric('total-blocking-time'), metric('cumulative-layout-shift', 3)]);
        const lost = [...new Set(reports.flatMap(failing))];
        console.log(`${name}, ${desktop ? 'desktop' : 'mobile'}: ${scores.join(' / ')}${lost.length ? `; audits below 100: ${lost.join(', ')}` : ''}`);
        if (name === 'results') CATEGORIES.forEach((c, i) => scores[i] < TARGETS[c] && console.log(`  below target: ${c} ${scores[i]} < ${TARGETS[c]}`));
      }
    }
  } finally {
    await srv.stop();
  }
  console.log('\n' + table(rows));
  console.log(`\nload average at the end ${loadavg()[0].toFixed(1)}; reports in ${dir}`);
}
