/** The entry of a chunk worker thread (chunk-worker.ts): its setup comes as workerData, chunks as messages. */
import { parentPort, workerData } from 'node:worker_threads';
import { ChunkWorker, type ToWorker, type WorkerSetup } from './chunk-worker.js';

const port = parentPort!;
const worker = new ChunkWorker(workerData as WorkerSetup, (m) => port.postMessage(m));
port.on('message', (m: ToWorker) => worker.handle(m));
