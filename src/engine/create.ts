/** The engine the settings choose: the local index folder, or an OpenSearch cluster. */
import type { Logger } from 'pino';
import type { EngineKind, OpenSearchSettings } from '../common/defaults.js';
import { FahrasError } from '../common/errors.js';
import type { SearchEngine } from './engine.js';
import { MERGE_MAX_DOCUMENTS } from '../common/limits.js';
import { LocalEngine, type LocalEngineOptions } from './local.js';
import { OpenSearchEngine } from './opensearch/engine.js';

export interface EngineSettings {
  /** Which engine answers (default local). */
  engine?: EngineKind;
  /** The local index folder. */
  index: string;
  /** The cluster, for the opensearch engine. */
  opensearch?: OpenSearchSettings;
  reloadPollMs?: number;
  watch?: boolean;
  closeDelayMs?: number;
  logger?: Logger;
  /** Segments of one size class merged after writes once there are this many; 0: only `fahras compact`. */
  mergeFactor?: number;
  /** How long a write waits for another process writing the index, ms. */
  writeLockWaitMs?: number;
  /** Local engine: writes committed by another process (LocalEngineOptions.commitVia). */
  commitVia?: LocalEngineOptions['commitVia'];
}

export function createEngine(s: EngineSettings): SearchEngine {
  if (s.engine === 'opensearch') {
    if (!s.opensearch) throw new FahrasError('the opensearch engine needs the address of the cluster: --opensearch-url URL[,URL…] or FAHRAS_OPENSEARCH_URL', 'usage');
    return new OpenSearchEngine(s.opensearch, { logger: s.logger });
  }
  return new LocalEngine(s.index, {
    logger: s.logger,
    pollMs: s.reloadPollMs,
    watch: s.watch,
    closeDelayMs: s.closeDelayMs,
    mergePolicy: s.mergeFactor === undefined ? undefined : { mergeFactor: s.mergeFactor, maxMergeDocuments: MERGE_MAX_DOCUMENTS },
    lockWaitMs: s.writeLockWaitMs,
    commitVia: s.commitVia,
  });
}

/** Where an engine's data lives, for messages: a folder, or an alias on a cluster (never credentials). */
export function describeEngine(engine: SearchEngine): string {
  if (engine instanceof LocalEngine) return engine.dir;
  if (engine instanceof OpenSearchEngine) return engine.describe();
  return engine.kind;
}
