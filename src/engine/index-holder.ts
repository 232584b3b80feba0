/**
 * Holds the live Searcher and swaps in a new one when `fahras index` publishes a
 * new generation (CURRENT replaced) or on request (SIGHUP). Requests read
 * `holder.searcher` once and use it synchronously, so a swap never interrupts
 * one; the replaced Searcher is closed a few seconds later all the same.
 * A generation that fails to load is logged and skipped: the old one keeps serving.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from 'pino';
import { FahrasError } from '../common/errors.js';
import { CURRENT_FILE } from '../index/format.js';
import { currentName } from '../index/generations.js';
import { openIndex, type Searcher } from '../search/searcher.js';

const WATCH_DEBOUNCE_MS = 200;

export interface Loaded {
  searcher: Searcher;
  /** Content of CURRENT when it was loaded (the generation's folder name). */
  generation: string;
  loadedAt: Date;
}

export interface IndexHolderOptions {
  logger?: Logger;
  pollMs?: number;
  watch?: boolean;
  closeDelayMs?: number;
}

/** A reload asked for: answered by the first load that begins after it. */
interface ReloadRequest {
  /** Loads begun when it was asked. */
  after: number;
  force: boolean;
  rethrow: boolean;
  resolve: (swapped: boolean) => void;
  reject: (e: unknown) => void;
}

export class IndexHolder {
  private now: Loaded | undefined;
  private loading: Promise<void> | undefined;
  private requests: ReloadRequest[] = [];
  private loadsBegun = 0;
  private failed: string | undefined;
  private poller: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private readonly retiring = new Set<NodeJS.Timeout>();
  private readonly retired = new Set<Searcher>();
  private closed = false;
  /** Number of successful swaps after the first load. */
  reloads = 0;

  constructor(
    readonly dir: string,
    private readonly opts: IndexHolderOptions = {},
  ) {}

  get ready(): boolean {
    return this.now !== undefined;
  }

  get current(): Loaded | undefined {
    return this.now;
  }

  /** The live index; an `unavailable` error (503) until the first load succeeds. */
  loaded(): Loaded {
    if (!this.now) throw new FahrasError('The index is still loading; try again in a moment.', 'unavailable');
    return this.now;
  }

  /** The live Searcher; an `unavailable` error (503) until the first load succeeds. */
  live(): Searcher {
    return this.loaded().searcher;
  }

  /** The live Searcher; undefined until the first load succeeds. */
  get searcher(): Searcher | undefined {
    return this.now?.searcher;
  }

  /** First load: throws the IndexError when the index cannot be opened. */
  async load(): Promise<Loaded> {
    const ok = await this.reload(true, true);
    if (!ok || !this.now) throw new Error(`index at ${this.dir} could not be loaded`);
    return this.now;
  }

  /** Starts noticing new generations: fs.watch on the folder (debounced) and a poll of CURRENT. */
  startWatching(): void {
    if (this.closed) return;
    const pollMs = this.opts.pollMs ?? 1000;
    if (pollMs > 0 && !this.poller) {
      this.poller = setInterval(() => void this.reloadIfChanged(), pollMs);
      this.poller.unref();
    }
    if ((this.opts.watch ?? true) && !this.watcher) {
      try {
        this.watcher = watch(this.dir, { persistent: false }, (_event, name) => {
          if (name && name !== CURRENT_FILE) return;
          clearTimeout(this.debounce);
          this.debounce = setTimeout(() => void this.reloadIfChanged(), WATCH_DEBOUNCE_MS);
          this.debounce.unref();
        });
        this.watcher.on('error', (e) => {
          this.opts.logger?.warn({ err: e }, 'watching the index folder failed; polling only');
          this.watcher?.close();
          this.watcher = undefined;
        });
      } catch (e) {
        this.opts.logger?.warn({ err: e }, 'cannot watch the index folder; polling only');
      }
    }
  }

  /** Loads the index again when CURRENT names another generation than the live one. */
  async reloadIfChanged(): Promise<boolean> {
    const gen = currentName(this.dir);
    if (gen === undefined || gen === this.now?.generation || gen === this.failed) return false;
    return this.reload(false);
  }

  /**
   * Opens the index and swaps it in; resolves once a load that began after
   * this call has ended, so what was committed before the call is live (a
   * write's read-your-writes). `force` reloads even an unchanged generation
   * (SIGHUP). Loads run one at a time; one answers every call made before it
   * began, however many calls arrive meanwhile.
   */
  reload(force = true, rethrow = false): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise<boolean>((resolve, reject) => {
      this.requests.push({ after: this.loadsBegun, force, rethrow, resolve, reject });
      this.loading ??= this.loadWhileAsked().finally(() => (this.loading = undefined));
    });
  }

  private async loadWhileAsked(): Promise<void> {
    while (this.requests.length) {
      const n = ++this.loadsBegun;
      const asked = this.requests.filter((r) => r.after < n);
      this.requests = this.requests.filter((r) => r.after >= n);
      let swapped = false;
      let failure: unknown;
      try {
        swapped = this.closed ? false : await this.loadOnce(asked.some((r) => r.force), asked.some((r) => r.rethrow));
      } catch (e) {
        failure = e;
      }
      for (const r of asked) {
        if (failure === undefined) r.resolve(swapped);
        else if (r.rethrow) r.reject(failure);
        else r.resolve(false);
      }
    }
  }

  /** One load: throws (when asked to) or logs a generation that cannot be opened, and keeps the live one. */
  private async loadOnce(force: boolean, rethrow: boolean): Promise<boolean> {
    const before = currentName(this.dir);
    if (!force && before !== undefined && before === this.now?.generation) return false;
    // Let pending I/O and requests run before the (synchronous) open.
    await new Promise((r) => setImmediate(r));
    let searcher: Searcher;
    try {
      searcher = await openIndex(this.dir, undefined, undefined, this.now?.searcher);
    } catch (e) {
      this.failed = before;
      if (!rethrow) this.opts.logger?.error({ err: e, index: this.dir, generation: before }, 'new index failed to load; still serving the previous one');
      throw e;
    }
    if (this.closed) {
      searcher.close();
      return false;
    }
    // The generation opened is known, whatever CURRENT says by now (it only moves forward): it goes live.
    const old = this.now;
    this.now = { searcher, generation: searcher.index.generation, loadedAt: new Date() };
    this.failed = undefined;
    if (old) {
      this.reloads++;
      this.opts.logger?.info({ index: this.dir, generation: this.now.generation, documents: searcher.size }, 'index reloaded');
      this.retire(old.searcher);
    }
    return true;
  }

  private retire(s: Searcher): void {
    this.retired.add(s);
    const t = setTimeout(() => {
      this.retiring.delete(t);
      this.retired.delete(s);
      s.close();
    }, this.opts.closeDelayMs ?? 5000);
    t.unref();
    this.retiring.add(t);
  }

  /** Stops watching and closes every Searcher. */
  close(): void {
    this.closed = true;
    if (this.poller) clearInterval(this.poller);
    clearTimeout(this.debounce);
    this.watcher?.close();
    for (const t of this.retiring) clearTimeout(t);
    for (const s of this.retired) s.close();
    this.retiring.clear();
    this.retired.clear();
    this.now?.searcher.close();
    this.now = undefined;
  }
}
