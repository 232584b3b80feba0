/** The engine the settings choose. */
import type { Logger } from 'pino';
import type { SearchEngine } from './engine.js';
import { LocalEngine } from './local.js';

export interface EngineSettings {
  /** The local index folder. */
  index: string;
  reloadPollMs?: number;
  watch?: boolean;
  closeDelayMs?: number;
  logger?: Logger;
}

export function createEngine(s: EngineSettings): SearchEngine {
  return new LocalEngine(s.index, { logger: s.logger, pollMs: s.reloadPollMs, watch: s.watch, closeDelayMs: s.closeDelayMs });
}
