import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

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
class DeflateWorkers {
  private readonly workers: WorkerSlot[] = [];

  constructor(private readonly size: number) {}

  deflate(job: DeflateJob): Promise<Buffer> {
    const slot = this.pick();
    return new Promise<Buffer>((resolve, reject) => {
      const id = slot.nextId++;
      slot.pending.set(id, { resolve, reject });
      if (slot.pending.size === 1) slot.worker.ref();
      slot.worker.postMessage({ id, ...job });
    });
  }

  /** The worker with the fewest blocks queued, started if there is room for one more. */
  private pick(): WorkerSlot {
    let best: WorkerSlot | undefined;
    for (const w of this.workers) if (!best || w.pending.size < best.pending.size) best = w;
    if (best && (best.pending.size === 0 || this.workers.length >= this.size)) return best;
    const slot = startWorker(() => this.workers.splice(this.workers.indexOf(slot), 1));
    this.workers.push(slot);
    return slot;
  }
}

interface WorkerSlot {
  worker: Worker;
  pending: Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>;
  nextId: number;
}

function startWorker(onExit: () => void): WorkerSlot {
  const worker = new Worker(`(${workerMain.toString()})()`, { eval: true, name: 'deflate' });
  worker.unref();
  const slot: WorkerSlot = { worker, pending: new Map(), nextId: 0 };
  worker.on('message', (m: { id: number; output?: Uint8Array; error?: string }) => {
    const job = slot.pending.get(m.id);
    if (!job) return;
    slot.pending.delete(m.id);
    if (slot.pending.size === 0) worker.unref();
    if (m.output) job.resolve(Buffer.from(m.output.buffer, m.output.byteOffset, m.output.byteLength));
    else job.reject(new Error(`deflate failed: ${m.error}`));
  });
  const failAll = (err: Error) => {
    onExit();
    for (const job of slot.pending.values()) job.reject(err);
    slot.pending.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the deflate worker exited (code ${code})`)));
  return slot;
}

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

export const deflateWorkers = new DeflateWorkers(Math.max(1, availableParallelism() - 1));
