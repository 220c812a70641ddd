import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';

/** Replies a pool's workers post: `id` answers the request of that id; `error` means it failed. */
export interface WorkerReply {
  id: number;
  error?: string;
}

/** A started worker, the requests it has not answered yet, and what the pool's user keeps per worker. */
export interface PoolWorker<State> {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve: (reply: WorkerReply) => void; reject: (err: Error) => void }>;
  readonly state: State;
}

/**
 * Worker threads that answer requests, for the codecs and encoders that run off the main thread
 * (deflate-workers.ts, avro/avro-encode-workers.ts). A request goes to the worker with the fewest
 * unanswered ones, a new worker starting while there is room; a reply is matched to its request
 * by id, so a worker may answer out of order (the Avro worker's deflate finishes on the thread
 * pool). Workers keep the process alive only while they owe an answer, and a worker that dies
 * fails its pending requests (the file they belong to then fails, and the sync with it).
 *
 * Size: one worker per core but one by default, which the main thread keeps.
 */
export class WorkerPool<State> {
  private readonly workers: PoolWorker<State>[] = [];
  private nextId = 0;

  constructor(
    /** What the workers do, for error messages: "deflate", "Avro encoding". */
    private readonly task: string,
    private readonly start: () => { worker: Worker; state: State },
    private readonly size = Math.max(1, availableParallelism() - 1),
  ) {}

  /**
   * Sends a request: `send` posts it to the chosen worker (with anything that worker must be
   * told first) under the given id. Resolves with the worker's reply. `to` is a worker from
   * assign(), for requests that must reach the worker holding their state.
   */
  request<Reply extends WorkerReply>(send: (to: PoolWorker<State>, id: number) => void, to = this.pick()): Promise<Reply> {
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      // A worker assigned earlier may have died since; its state (a file's rows) died with it.
      if (!this.workers.includes(to)) {
        reject(new Error(`${this.task} failed on a worker thread: the worker stopped before this request`));
        return;
      }
      to.pending.set(id, { resolve: resolve as (reply: WorkerReply) => void, reject });
      if (to.pending.size === 1) to.worker.ref();
      send(to, id);
    });
  }

  /**
   * Starts the first worker now, so that it loads its code while the main thread still prepares
   * the sync (S3 round trips, config): started on the first request instead, the main thread
   * waited about 0.2 s for the Avro worker's first reply. An idle worker does not keep the
   * process alive.
   */
  prestart(): void {
    if (this.workers.length === 0) this.workers.push(this.launch());
  }

  /**
   * A worker for a series of requests that must all go to it (a Parquet file, whose buffered row
   * group lives on that worker): the one with the fewest unanswered requests, as for any request.
   */
  assign(): PoolWorker<State> {
    return this.pick();
  }

  private pick(): PoolWorker<State> {
    let best: PoolWorker<State> | undefined;
    for (const w of this.workers) if (!best || w.pending.size < best.pending.size) best = w;
    if (best && (best.pending.size === 0 || this.workers.length >= this.size)) return best;
    const started = this.launch();
    this.workers.push(started);
    return started;
  }

  private launch(): PoolWorker<State> {
    const { worker, state } = this.start();
    const entry: PoolWorker<State> = { worker, pending: new Map(), state };
    worker.on('message', (reply: WorkerReply) => {
      const request = entry.pending.get(reply.id);
      if (!request) return;
      entry.pending.delete(reply.id);
      if (entry.pending.size === 0) worker.unref();
      if (reply.error !== undefined) request.reject(new Error(`${this.task} failed on a worker thread: ${reply.error}`));
      else request.resolve(reply);
    });
    const failAll = (err: Error) => {
      const at = this.workers.indexOf(entry);
      if (at !== -1) this.workers.splice(at, 1);
      for (const request of entry.pending.values()) request.reject(err);
      entry.pending.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`the ${this.task} worker exited (code ${code})`)));
    // After the listeners: adding a 'message' listener refs the worker again, and a prestarted
    // worker that never got a request kept a failed sync from exiting.
    worker.unref();
    return entry;
  }
}
