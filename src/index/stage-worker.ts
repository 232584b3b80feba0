/**
 * The thread that writes staged segments for a server (staging.ts,
 * WorkerStager): documents arrive in batches over messages, are analysed
 * and written into the staging folder they were given, and the segment's
 * entry goes back. One job at a time; its documents are acknowledged batch
 * by batch, so the sender holds back what this thread has not taken yet.
 */
import { parentPort } from 'node:worker_threads';
import { Analyzer } from '../analysis/pipeline.js';
import type { Document } from '../ingest/document.js';
import type { StageReply, StageRequest } from './staging.js';
import { writeSegment } from './segment-writer.js';

const port = parentPort!;
const analyzer = new Analyzer();

/** The documents of the job under way, as they arrive; `end` closes the stream, `abort` fails it. */
let waiting: ((batch: Document[] | null | Error) => void) | undefined;
let queued: (Document[] | null | Error)[] = [];

function deliver(item: Document[] | null | Error): void {
  if (waiting) {
    const w = waiting;
    waiting = undefined;
    w(item);
  } else queued.push(item);
}

async function* documents(): AsyncGenerator<Document> {
  for (;;) {
    const item = queued.length ? queued.shift()! : await new Promise<Document[] | null | Error>((r) => (waiting = r));
    if (item === null) return;
    if (item instanceof Error) throw item;
    yield* item;
    port.postMessage({ type: 'ack' } satisfies StageReply);
  }
}

port.on('message', (m: StageRequest) => {
  if (m.type === 'docs') deliver(m.docs);
  else if (m.type === 'end') deliver(null);
  else if (m.type === 'abort') deliver(new Error('stopped'));
  else {
    // A new job: nothing of the last one (which may have failed half-way) is delivered to it.
    queued = [];
    waiting = undefined;
    writeSegment(analyzer, m.dir, m.name, documents()).then(
      (entry) => port.postMessage({ type: 'done', entry } satisfies StageReply),
      (e: unknown) => port.postMessage({ type: 'failed', message: (e as Error).message } satisfies StageReply),
    );
  }
});
