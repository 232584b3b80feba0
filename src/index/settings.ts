/** The fingerprint of analysis settings an index was built with. */
import { createHash } from 'node:crypto';
import type { Analyzer } from '../analysis/pipeline.js';

export function settingsHash(analyzer: Analyzer): string {
  return createHash('sha256').update(analyzer.fingerprint()).digest('hex').slice(0, 16);
}
