/**
 * What the routes talk to: the engine (local index or OpenSearch cluster,
 * behind one interface) and the result cache shared by the API and the page.
 */
import { FahrasError } from '../common/errors.js';
import type { SearchEngine } from '../engine/engine.js';
import type { SearchOptions } from '../search/types.js';
import { SearchCache, type CachedSearch } from './result-cache.js';

export interface CachedAnswer {
  entry: CachedSearch;
  /** Whether the answer came from the cache. */
  hit: boolean;
}

export class SearchService {
  readonly cache: SearchCache;

  constructor(
    readonly engine: SearchEngine,
    cacheSize: number,
  ) {
    this.cache = new SearchCache(cacheSize);
  }

  /** Live documents, or an `unavailable` error (503) while the engine cannot answer. */
  documents(): number {
    const s = this.engine.status();
    if (!s.ready) throw new FahrasError(`The index is not available (${s.reason}); try again in a moment.`, 'unavailable');
    return s.documents;
  }

  /** `q` searched, answered from the cache when it can be. */
  async search(q: string, opts: SearchOptions): Promise<CachedAnswer> {
    this.documents();
    const version = this.engine.version!;
    const f = opts.filters;
    const key = [q, opts.limit, opts.offset, opts.mode, f?.source, f?.from, f?.to, opts.sort, opts.collapse, opts.correct];
    return this.cache.lookup(version, q, key, () => this.engine.search(q, opts), () => this.engine.version);
  }
}
