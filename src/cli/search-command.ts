import { writeFileSync, renameSync } from 'node:fs';
import type { MatchMode, SearchResult } from '../search/types.js';
import { parseEngineFlags, resolveEngineSettings, type EngineKind } from '../common/config.js';
import { createEngine } from '../engine/create.js';
import type { SearchEngine } from '../engine/engine.js';
import { readQueries, runLine } from '../eval/trec.js';
import { parseDate } from '../index/dates.js';
import { FahrasError } from '../common/errors.js';
import { apiSearchResult } from '../server/api-json.js';
import { inert, markedText, snippetText } from './terminal.js';
import { escapeControls, printableJson } from '../common/printable.js';
import { DEFAULT_HIT_LIMIT, MAX_QUERY_LENGTH, RUN_DEPTH } from '../common/limits.js';

export interface SearchCommandOptions {
  index: string;
  limit?: number;
  offset: number;
  mode: MatchMode;
  source?: string;
  from?: string;
  to?: string;
  json: boolean;
  queries?: string;
  run?: string;
  engine?: EngineKind;
  opensearchUrl?: string;
  opensearchIndex?: string;
}


function printResult(r: SearchResult, offset: number, color: boolean): void {
  const lines = [`${r.total} result${r.total === 1 ? '' : 's'} (${r.took_ms.toFixed(1)} ms)`];
  if (r.didYouMean) lines.push(`did you mean: ${inert(r.didYouMean)}`);
  r.hits.forEach((h, i) => {
    if (h.damaged) {
      lines.push('', `${offset + i + 1}. [${inert(h.id)}, ${h.score.toFixed(2)}] cannot be read: its stored copy is damaged (fahras index rebuilds it)`);
      return;
    }
    const title = h.title ? markedText(h.title, h.highlights.title, color) : markedText(h.id, [], color);
    lines.push('', `${offset + i + 1}. ${title}  [${inert(h.id)}, ${h.score.toFixed(2)}]`, `   ${snippetText(h.snippet, color).replace(/\n+/g, ' ')}`);
  });
  process.stdout.write(lines.join('\n') + '\n');
}

async function writeRun(engine: SearchEngine, queriesFile: string, runFile: string, limit: number): Promise<number> {
  const lines: string[] = [];
  const queries = readQueries(queriesFile);
  for (const { qid, text } of queries) {
    const r = await engine.search(text, { limit, snippets: false });
    r.hits.forEach((h, i) => lines.push(runLine(qid, h.id, i + 1, h.score)));
  }
  const tmp = `${runFile}.tmp-${process.pid}`;
  writeFileSync(tmp, lines.join('\n') + (lines.length ? '\n' : ''));
  renameSync(tmp, runFile);
  return queries.length;
}

export async function runSearch(query: string | undefined, opts: SearchCommandOptions): Promise<void> {
  if (opts.queries && query !== undefined) throw new FahrasError('give either a query or --queries, not both', 'usage');
  if (!opts.queries && (query === undefined || query.trim() === '')) throw new FahrasError('nothing to search for: give a query, e.g. fahras search "الأمن الغذائي"', 'usage');
  if (opts.run && !opts.queries) throw new FahrasError('--run needs --queries', 'usage');
  if (opts.queries && !opts.run) throw new FahrasError('--queries needs --run <file> to write the run to', 'usage');
  for (const [k, v] of [['--from', opts.from], ['--to', opts.to]] as const) {
    if (v !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(v) || parseDate(v) === undefined)) throw new FahrasError(`${k} must be a calendar date like 2015-08-01`, 'invalid_parameter');
  }
  if (query !== undefined && query.length > MAX_QUERY_LENGTH) throw new FahrasError(`the query is too long (at most ${MAX_QUERY_LENGTH} characters)`, 'invalid_parameter');
  const chosen = resolveEngineSettings(parseEngineFlags(opts));
  // One search and out: no watching the folder for new generations, no health checks.
  const engine = createEngine({ ...chosen, index: opts.index, watch: false, reloadPollMs: 0 });
  try {
    await engine.start();
    if (opts.queries && opts.run) {
      const n = await writeRun(engine, opts.queries, opts.run, opts.limit ?? RUN_DEPTH);
      process.stderr.write(`wrote ${escapeControls(opts.run)} (${n} queries)\n`);
      return;
    }
    const r = await engine.search(query!, {
      limit: opts.limit ?? DEFAULT_HIT_LIMIT,
      offset: opts.offset,
      mode: opts.mode,
      filters: { source: opts.source, from: opts.from, to: opts.to },
    });
    // --json prints what the HTTP API answers (its highlighted HTML included).
    if (opts.json) process.stdout.write(printableJson(JSON.stringify(apiSearchResult(r), null, 2)) + '\n');
    else printResult(r, opts.offset, Boolean(process.stdout.isTTY));
  } finally {
    await engine.close();
  }
}
