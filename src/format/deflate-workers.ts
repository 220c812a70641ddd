import { Worker } from 'node:worker_threads';
import { WorkerPool, type WorkerReply } from './worker-pool.js';

export interface DeflateJob {
  input: Uint8Array;
  level: number;
  /** Primes the window with the input before this block (pigz's way of keeping matches across blocks). */
  dictionary?: Uint8Array;
  /** zlib's flush at the end of the block: Z_SYNC_FLUSH to continue later, Z_FINISH to end the stream. */
  finishFlush: number;
}

/**
 * Raw deflate on worker threads, for blocks compressed in parallel (ParallelGzip).
 *
 * Why workers and not zlib's async API on libuv's thread pool: each thread-pool job must be
 * started, and its result taken, by the main thread, which only does so between input chunks; a
 * busy main thread therefore left the compressing core idle (200 MB of JSONL: 7.4 s with one
 * thread-pool slot, 5.8 s with two, against 4.x s here). A worker takes its next block from its
 * own queue without waiting for the main thread, so encoding and compression overlap fully.
 *
 * One worker per core but one (the main thread keeps a core); they start on first use and do
 * not keep the process alive while idle.
 */
const pool = new WorkerPool('deflate', () => ({
  worker: new Worker(`(${workerMain.toString()})()`, { eval: true, name: 'deflate' }),
  state: undefined,
}));

export const deflateWorkers = {
  /** Starts a worker before the first block (see WorkerPool.prestart). */
  prestart(): void {
    pool.prestart();
  },

  async deflate(job: DeflateJob): Promise<Buffer> {
    const { output } = await pool.request<WorkerReply & { output: Uint8Array }>((to, id) => to.worker.postMessage({ id, ...job }));
    return Buffer.from(output.buffer, output.byteOffset, output.byteLength);
  },
};

/** The worker's code (CommonJS, run with eval): compress each block as it arrives, in order. */
function workerMain(): void {
  const { parentPort } = require('node:worker_threads') as typeof import('node:worker_threads');
  const zlib = require('node:zlib') as typeof import('node:zlib');
  parentPort!.on('message', (job: DeflateJob & { id: number }) => {
    try {
      const out = zlib.deflateRawSync(job.input, {
        level: job.level,
        dictionary: job.dictionary,
        finishFlush: job.finishFlush,
        // Room for all the output in one buffer (deflate grows incompressible input by ~0.03%).
        chunkSize: Math.max(zlib.constants.Z_MIN_CHUNK, job.input.length + (job.input.length >> 8) + 64),
      });
      // A fresh copy of just the output, moved (not copied again) to the main thread.
      const output = new Uint8Array(out);
      parentPort!.postMessage({ id: job.id, output }, [output.buffer]);
    } catch (err) {
      parentPort!.postMessage({ id: job.id, error: String(err) });
    }
  });
}

