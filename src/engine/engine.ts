/**
 * The engine seam: what answers searches, documents, suggestions and writes.
 * The local index (local.ts) and an OpenSearch cluster implement it alike;
 * the server, the CLI and the page talk to a SearchEngine and do not know
 * which one answers. Everything is asynchronous, as a remote engine is.
 */
import type { EngineKind } from '../common/defaults.js';
import type { BatchOutcome, CommitInfo, WriteOp } from '../index/writer.js';
import type { HighlightedDocument } from '../search/searcher.js';
import type { IndexStats, SearchOptions, SearchResult, StoredDocument, Suggestion } from '../search/types.js';

export type { BatchOutcome, CommitInfo, WriteOp } from '../index/writer.js';

export type { EngineKind } from '../common/defaults.js';

/** Whether the engine can answer now, and if not, why. */
export type EngineStatus = { ready: true; documents: number } | { ready: false; reason: string };

/** What an engine tells about itself (GET /api/stats). */
export interface EngineStats extends IndexStats {
  engine: EngineKind;
  /** What is being served: a generation of the local index, a physical index of the cluster. */
  generation: string;
  /** When it was loaded or last changed. */
  loadedAt: string;
  /** Segments (local) or shards (cluster) holding the documents. */
  segments?: number;
  /** Deleted documents still held until a merge drops them. */
  deleted?: number;
  /** When the last write was committed. */
  lastWrite?: string;
  [more: string]: unknown;
}

/** What a write did: each batch's outcome and the commit that made them visible. */
export interface WriteResult {
  outcomes: BatchOutcome[];
  commit: CommitInfo;
}

export interface SearchEngine {
  readonly kind: EngineKind;
  /**
   * Names the data answering now, and changes whenever it changes (a write,
   * a reload): answers kept for one version are never served for another.
   * Undefined until the engine is ready.
   */
  readonly version: string | undefined;
  /** Loads or connects; rejects with one clear error when it cannot start. */
  start(): Promise<void>;
  status(): EngineStatus;
  search(query: string, options?: SearchOptions): Promise<SearchResult>;
  getDocument(id: string): Promise<StoredDocument | undefined>;
  highlightDocument(id: string, query?: string): Promise<HighlightedDocument | undefined>;
  suggest(input: string, limit?: number): Promise<Suggestion[]>;
  stats(): Promise<EngineStats>;
  /**
   * Applies batches of puts and deletes, each whole or not at all; resolves
   * once they are durable and visible to the next search.
   */
  write(batches: readonly (readonly WriteOp[])[]): Promise<WriteResult>;
  /** Loads the data again (SIGHUP). */
  reload(): Promise<void>;
  close(): Promise<void>;
}
