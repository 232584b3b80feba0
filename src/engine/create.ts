/** The engine the settings choose. */
import type { Logger } from 'pino';
import type { SearchEngine } from './engine.js';
import { MERGE_MAX_DOCUMENTS } from '../common/limits.js';
import { LocalEngine } from './local.js';

export interface EngineSettings {
  /** The local index folder. */
  index: string;
  reloadPollMs?: number;
  watch?: boolean;
  closeDelayMs?: number;
  logger?: Logger;
  /** Segments of one size class merged after writes once there are this many; 0: only `fahras compact`. */
  mergeFactor?: number;
  /** How long a write waits for another process writing the index, ms. */
  writeLockWaitMs?: number;
}

export function createEngine(s: EngineSettings): SearchEngine {
  return new LocalEngine(s.index, {
    logger: s.logger,
    pollMs: s.reloadPollMs,
    watch: s.watch,
    closeDelayMs: s.closeDelayMs,
    mergePolicy: s.mergeFactor === undefined ? undefined : { mergeFactor: s.mergeFactor, maxMergeDocuments: MERGE_MAX_DOCUMENTS },
    lockWaitMs: s.writeLockWaitMs,
  });
}
