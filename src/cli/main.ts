#!/usr/bin/env node
/**
 * The `fahras` command: index (or update), delete, compact, search, eval, serve, start.
 * Exit codes: 0 success, 1 the work failed (bad index, unreadable input…), 2 usage error.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { asFahrasError, ERROR_KINDS, EXIT_USAGE } from '../common/errors.js';
import { DEFAULT_INDEX } from '../common/defaults.js';
import { BUILD_MAX_THREADS, MAX_SERVING_PROCESSES, CLI_MAX_HITS, CLI_MAX_MESSAGE_CHARACTERS, CLI_MAX_OFFSET, UPDATE_BATCH_DOCUMENTS } from '../common/limits.js';
import { escapeControls, excerpt } from '../common/printable.js';

// Each command's module (and the web server's) loads only when that command runs.
const runIndex = async (...a: Parameters<typeof import('./index-command.js').runIndex>) => (await import('./index-command.js')).runIndex(...a);
const runSearch = async (...a: Parameters<typeof import('./search-command.js').runSearch>) => (await import('./search-command.js')).runSearch(...a);
const runEval = async (...a: Parameters<typeof import('./eval-command.js').runEval>) => (await import('./eval-command.js')).runEval(...a);
const runServe = async (...a: Parameters<typeof import('./serve-command.js').runServe>) => (await import('./serve-command.js')).runServe(...a);
const runDelete = async (...a: Parameters<typeof import('./delete-command.js').runDelete>) => (await import('./delete-command.js')).runDelete(...a);
const runCompact = async (...a: Parameters<typeof import('./compact-command.js').runCompact>) => (await import('./compact-command.js')).runCompact(...a);
const runStart = async (...a: Parameters<typeof import('./serve-command.js').runStart>) => (await import('./serve-command.js')).runStart(...a);

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\s*-?\d+\s*$/.test(value) || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

/** The engine flags of index, search, serve and start (credentials only through the environment: a command line is visible to every user of the machine). */
function withEngine(c: Command): Command {
  return c
    .addOption(new Option('--engine <engine>', 'what holds the index: the local folder or an OpenSearch cluster (env FAHRAS_ENGINE)').choices(['local', 'opensearch']))
    .option('--opensearch-url <urls>', 'the cluster\'s node URLs, comma-separated (env FAHRAS_OPENSEARCH_URL)')
    .option('--opensearch-index <name>', 'the alias of the index in the cluster (env FAHRAS_OPENSEARCH_INDEX, default fahras)');
}

/** --wait: how long a command that writes an index waits for another process writing it. */
const waitOption = () => new Option('--wait <seconds>', 'how long to wait for another process writing the index').argParser(integer(0, 3600)).default(10);

/** --processes: serving processes sharing the port, each with the index open. */
const processesOption = () => new Option('--processes <n>', 'processes answering on the port, each with the index in memory (env FAHRAS_PROCESSES, default 1)').argParser(integer(1, MAX_SERVING_PROCESSES));

export function program(): Command {
  const p = new Command('fahras')
    .description('Arabic full-text search: build an index from documents, search it, serve it over HTTP.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    // Commander quotes what it was given (an unknown option, a bad value): shown, never acted on.
    .configureOutput({ outputError: (s, write) => write(escapeControls(s, true)) });

  withEngine(
    p
      .command('index')
      .description('Build an index from a folder or file of documents (.txt, .md, .json, .jsonl, optionally .gz): a local folder, or a new index in an OpenSearch cluster and its alias moved to it; with --update, add and replace documents in an existing local index.')
      .option('-i, --input <path>', 'folder or file of documents', 'seeds')
      .option('-o, --out <dir>', 'index folder to write (replaced atomically; local engine)', DEFAULT_INDEX)
      .option('--strict', 'stop at the first bad document instead of skipping it', false)
      .option('-q, --quiet', 'print only the summary', false)
      .option('--update', 'add the documents to the index at --out, replacing those with the same id; nothing else changes', false)
      .option('--batch <n>', `with --update: documents committed at a time (default ${UPDATE_BATCH_DOCUMENTS})`, integer(1, 1_000_000))
      .option('--threads <n>', 'worker threads analysing documents of a local build (default: one per core, up to 4; 0: none)', integer(0, BUILD_MAX_THREADS))
      .addOption(waitOption()),
  )
    .option('--shards <n>', 'primary shards of the new index (opensearch)', integer(1, 1024))
    .option('--replicas <n>', 'replicas of each shard (opensearch; default 1 on a cluster of two data nodes or more, else 0)', integer(0, 16))
    .option('--keep <n>', 'earlier builds kept for rollback (opensearch)', integer(0, 100), 1)
    .action(runIndex);

  p.command('delete')
    .description('Delete documents by id from an index; ids it does not hold are counted as not found.')
    .argument('[ids...]', 'ids of the documents to delete')
    .option('--index <dir>', 'index folder', DEFAULT_INDEX)
    .option('--ids-file <file>', 'also delete the ids of this file, one a line (- reads standard input)')
    .option('-q, --quiet', 'print only the summary', false)
    .addOption(waitOption())
    .action(runDelete);

  p.command('compact')
    .description('Merge every segment of an index into one and drop its deleted documents (answers stay the same).')
    .option('--index <dir>', 'index folder', DEFAULT_INDEX)
    .addOption(waitOption())
    .action(runCompact);

  withEngine(p.command('search'))
    .description('Search an index: one query from the command line, or a whole query file into a TREC run file.')
    .argument('[query]', 'the query: words, "a phrase", -excluded, prefix*')
    .option('--index <dir>', 'index folder', DEFAULT_INDEX)
    .option('-n, --limit <n>', 'results to show (run files: hits per query)', integer(1, CLI_MAX_HITS))
    .option('--offset <n>', 'results to skip', integer(0, CLI_MAX_OFFSET), 0)
    .addOption(new Option('--mode <mode>', 'any word (ranked OR) or all words').choices(['any', 'all']).default('any'))
    .option('--source <source>', 'only documents with this source')
    .option('--from <date>', 'only documents dated on or after YYYY-MM-DD')
    .option('--to <date>', 'only documents dated on or before YYYY-MM-DD')
    .option('--json', 'print the result as JSON', false)
    .option('--queries <file>', 'a qid<TAB>query file to run instead of one query')
    .option('--run <file>', 'with --queries: write a TREC run file here')
    .action(runSearch);

  p.command('eval')
    .description('Index a test collection, run its queries and print MRR@10, Recall@10, Recall@100, nDCG@10, MAP@10.')
    .requiredOption('--docs <file>', 'documents (.jsonl with id, title, text)')
    .requiredOption('--queries <file>', 'qid<TAB>question lines')
    .requiredOption('--qrels <file>', 'TREC qrels: qid 0 docid relevance')
    .option('--run <file>', 'also write the TREC run file here')
    .option('--json', 'print the metrics as JSON', false)
    .action(runEval);

  withEngine(p.command('serve'))
    .description('Serve the search API and page over HTTP.')
    .option('--port <n>', 'port (env PORT)', integer(0, 65535))
    .option('--host <host>', 'address to listen on (env HOST)')
    .option('--index <dir>', 'index folder (env FAHRAS_INDEX)')
    .addOption(processesOption())
    .action(runServe);

  withEngine(p.command('start'))
    .description('Serve, first building the index from seeds/ when it is missing or unreadable.')
    .option('--port <n>', 'port (env PORT)', integer(0, 65535))
    .option('--host <host>', 'address to listen on (env HOST)')
    .option('--index <dir>', 'index folder (env FAHRAS_INDEX)')
    .option('--seeds <dir>', 'documents to index when needed', 'seeds')
    .addOption(processesOption())
    .action(runStart);

  return p;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return EXIT_USAGE;
    }
    const err = asFahrasError(e);
    process.stderr.write(`fahras: ${excerpt(err.message, CLI_MAX_MESSAGE_CHARACTERS)}\n`);
    return ERROR_KINDS[err.kind].exitCode;
  }
}

// `serve` keeps the process alive through its listening socket; other commands end when their work does.
process.exitCode = await main(process.argv.slice(2));
