/**
 * What the browser tests of the search page share: Debian's Chromium, and the
 * check that the page the script shows is the page its address renders
 * without JavaScript (one renderer, the server's).
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** The areas of the search page that change with the query. */
export const AREAS = ['status', 'notice', 'facets', 'collapse', 'results', 'pager'] as const;

export interface Snapshot {
  title: string;
  areas: Record<string, string>;
  form: { q: string; mode: string; sort: string; from: string; to: string; source: string | null; collapse: string | null };
  /** Ids that more than one element of the page carries (none, or the script finds the wrong element). */
  duplicateIds: string[];
}

/** What the page shows: the areas that change with the query (the time in the status masked), the title and the form. */
export async function snapshot(p: Page): Promise<Snapshot> {
  const s = await p.evaluate((ids) => {
    const areas: Record<string, string> = {};
    for (const id of ids) areas[id] = document.getElementById(id)!.outerHTML;
    const value = (sel: string) => document.querySelector<HTMLInputElement | HTMLSelectElement>(sel)!.value;
    const hidden = (name: string) => document.querySelector<HTMLInputElement>(`#search-form input[name="${name}"]`)?.value ?? null;
    const seen = new Set<string>();
    const duplicateIds = new Set<string>();
    for (const e of document.querySelectorAll('[id]')) (seen.has(e.id) ? duplicateIds : seen).add(e.id);
    return {
      title: document.title,
      duplicateIds: [...duplicateIds],
      areas,
      form: { q: value('#q'), mode: value('#mode'), sort: value('#sort'), from: value('#from'), to: value('#to'), source: hidden('source'), collapse: hidden('collapse') },
    };
  }, [...AREAS]);
  s.areas.status = s.areas.status.replace(/\([٠-٩٫.\d]+ مللي ثانية\)/, '(… مللي ثانية)');
  return s;
}

/** Waits until the script shows `expected` (an address) and has its pieces in place. */
export async function settled(p: Page, expected: (u: URL) => boolean): Promise<void> {
  await p.waitForURL(expected);
  await p.waitForFunction(() => !document.getElementById('results')!.hasAttribute('aria-busy'));
}

export async function typeInto(p: Page, text: string): Promise<void> {
  await p.locator('#q').click();
  await p.locator('#q').pressSequentially(text, { delay: 20 });
}

/** Pages of one server, with and without JavaScript, compared. */
export class Renderer {
  constructor(
    private readonly withJs: BrowserContext,
    private readonly withoutJs: BrowserContext,
    private readonly url: () => string,
  ) {}

  static async open(browser: Browser, url: () => string, viewport = { width: 1100, height: 800 }): Promise<Renderer> {
    const [withJs, withoutJs] = await Promise.all([browser.newContext({ locale: 'ar', viewport }), browser.newContext({ javaScriptEnabled: false, locale: 'ar', viewport })]);
    return new Renderer(withJs, withoutJs, url);
  }

  /** The page at `path` without JavaScript: the server's rendering alone. */
  async loadedWithoutJs(path: string): Promise<Snapshot> {
    const p = await this.withoutJs.newPage();
    try {
      await p.goto(new URL(path, this.url()).href);
      return await snapshot(p);
    } finally {
      await p.close();
    }
  }

  /** Runs `fn` on a page with JavaScript; fails on any script error or CSP violation. */
  async withPage(fn: (p: Page) => Promise<void>): Promise<void> {
    const p = await this.withJs.newPage();
    const problems: string[] = [];
    p.on('pageerror', (e) => problems.push(e.message));
    p.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(m.text());
    });
    try {
      await fn(p);
      expect(problems).toEqual([]);
    } finally {
      await p.close();
    }
  }

  /** The JavaScript page now shows exactly what loading its address without JavaScript shows. */
  async expectSameAsLoaded(p: Page): Promise<Snapshot> {
    const shown = await snapshot(p);
    expect(shown).toEqual(await this.loadedWithoutJs(p.url()));
    expect(shown.duplicateIds).toEqual([]);
    return shown;
  }

  /** From the home page, types `q`; what the script then shows, checked against loading its address. */
  async typedFromHome(p: Page, q: string): Promise<Snapshot> {
    await p.goto(this.url() + '/');
    await typeInto(p, q);
    await settled(p, (u) => u.searchParams.get('q') === q);
    return this.expectSameAsLoaded(p);
  }

  /** Clicks `selector` (a link the script follows in place) and waits for the address it leads to; the page then is what that address renders. */
  async follow(p: Page, selector: string, expected: (u: URL) => boolean): Promise<Snapshot> {
    await p.locator(selector).first().click();
    await settled(p, expected);
    return this.expectSameAsLoaded(p);
  }

  async close(): Promise<void> {
    await Promise.all([this.withJs.close(), this.withoutJs.close()]);
  }
}
