/** Placeholder until the HTTP service lands: opens the index and reports readiness. */
import { openIndex } from '../search/searcher.js';

export interface ServerConfig {
  port: number;
  host: string;
  index: string;
}

export async function startServer(config: ServerConfig): Promise<void> {
  const s = await openIndex(config.index);
  process.stderr.write(`index ${config.index} holds ${s.size} documents; the HTTP service is not built yet\n`);
  s.close();
}
