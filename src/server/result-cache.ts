/**
 * The search-result cache: answers to recent /api/search and page searches,
 * kept for identical requests. Entries belong to one loaded index; when the
 * index is swapped the cache starts empty, so a cached answer is always the
 * answer the live index would give. The API's serialized JSON is kept with
 * the result (encoded), so a repeated request costs neither a search nor a
 * stringify.
 */
import type { Searcher } from '../search/searcher.js';
import type { SearchResult } from '../search/types.js';

/** Least recently used dropped first, by entry count (a Map iterates in insertion order). */
export class LruCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const v = this.entries.get(key);
    if (v !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    if (this.capacity <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  clear(): void {
    this.entries.clear();
  }
}

export interface CachedSearch {
  result: SearchResult;
  /** The API body as UTF-8, without its opening brace and `took_ms`; filled by the first API request. */
  jsonTail?: Buffer;
}

export interface CacheStats {
  capacity: number;
  size: number;
  hits: number;
  misses: number;
}

/** Longer queries are answered but not kept: their keys would crowd the cache. */
const MAX_CACHED_QUERY = 256;

export class SearchCache {
  private readonly lru: LruCache<CachedSearch>;
  private owner: Searcher | undefined;
  hits = 0;
  misses = 0;

  constructor(capacity: number) {
    this.lru = new LruCache(capacity);
  }

  /**
   * The cached answer for `request` on `searcher`, or `run()`'s, which is then
   * kept. `request` must hold everything the answer depends on besides the
   * index. `hit` says which it was. Errors thrown by `run` are not cached.
   */
  lookup(searcher: Searcher, q: string, request: unknown, run: () => SearchResult): { entry: CachedSearch; hit: boolean } {
    if (this.lru.capacity <= 0 || q.length > MAX_CACHED_QUERY) return { entry: { result: run() }, hit: false };
    if (searcher !== this.owner) {
      this.lru.clear();
      this.owner = searcher;
    }
    const key = JSON.stringify(request);
    const found = this.lru.get(key);
    if (found) {
      this.hits++;
      return { entry: found, hit: true };
    }
    this.misses++;
    const entry: CachedSearch = { result: run() };
    this.lru.set(key, entry);
    return { entry, hit: false };
  }

  stats(): CacheStats {
    return { capacity: this.lru.capacity, size: this.lru.size, hits: this.hits, misses: this.misses };
  }
}
