import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** A batch of one stream's records for a worker to turn into the raw bytes of one Avro block. */
export interface EncodeBatch {
  kind: 'batch';
  job: number;
  schemaId: number;
  /** The records' data, their JSON one after another; record r ends at ends[r]. */
  json: Uint8Array;
  ends: Int32Array;
  /** Every row's _airbyte_ab_id (36 characters each), joined. */
  abIds: string;
  emittedAts: Float64Array;
}

export type EncodeMessage = { kind: 'schema'; id: number; avroSchema: unknown } | EncodeBatch;

export interface EncodeResult {
  job: number;
  /** The encoded records, uncompressed: the block's data before the codec. */
  block: Uint8Array;
  count: number;
  /** Values that did not fit their declared type, by field path. */
  mismatches: [string, number][];
}

interface Pending {
  resolve: (r: EncodeResult) => void;
  reject: (e: Error) => void;
}

/**
 * Avro encoding on worker threads, a block at a time.
 *
 * Why: Avro's per-record work (JSON.parse, conversion by Airbyte's rules, avsc's encoding) was
 * all on the main thread, which left the second core to a codec that needs a fraction of it. Avro
 * blocks are independent of each other given the schema and the file's sync marker, so each batch
 * of records can be encoded anywhere and the blocks joined in order; the main thread only scans
 * each line's envelope, routes it and frames the blocks (AvroWriter keeps the order, OpenFile
 * bounds how many are pending).
 *
 * One worker per core but one, which the main thread keeps (on two cores, a second worker
 * measured no faster, 8.3-9.3 s against 8.6-8.7 s per 200 MB, and 15-20 MB larger). Workers
 * start on first use and do not keep the process alive while idle.
 */
class AvroEncodeWorkers {
  private readonly slots: Slot[] = [];
  private nextJob = 0;
  private nextSchema = 0;

  constructor(private readonly size: number) {}

  /** Registers a converted schema; batches name it by the returned id. */
  schemaId(): number {
    return this.nextSchema++;
  }

  encode(avroSchema: unknown, batch: Omit<EncodeBatch, 'kind' | 'job'>): Promise<EncodeResult> {
    const slot = this.pick();
    if (!slot.schemas.has(batch.schemaId)) {
      slot.worker.postMessage({ kind: 'schema', id: batch.schemaId, avroSchema } satisfies EncodeMessage);
      slot.schemas.add(batch.schemaId);
    }
    const job = this.nextJob++;
    return new Promise<EncodeResult>((resolve, reject) => {
      slot.pending.set(job, { resolve, reject });
      if (slot.pending.size === 1) slot.worker.ref();
      // The batch's JSON moves to the worker rather than being copied (and lingering here until
      // a collection: the main thread makes little garbage, so external memory piles up).
      const own = batch.json.byteOffset === 0 && batch.json.byteLength === batch.json.buffer.byteLength;
      slot.worker.postMessage({ kind: 'batch', job, ...batch } satisfies EncodeMessage, own ? [batch.json.buffer as ArrayBuffer] : []);
    });
  }

  /** The worker with the fewest batches queued, started if there is room for one more. */
  private pick(): Slot {
    let best: Slot | undefined;
    for (const s of this.slots) if (!best || s.pending.size < best.pending.size) best = s;
    if (best && (best.pending.size === 0 || this.slots.length >= this.size)) return best;
    const slot = startWorker(() => this.slots.splice(this.slots.indexOf(slot), 1));
    this.slots.push(slot);
    return slot;
  }
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** The schema ids this worker has compiled. */
  schemas: Set<number>;
}

/**
 * The worker's script: compiled next to this file. Under the test runner this module is the
 * TypeScript source, which a worker cannot load, so the build's copy is used (`npm test` builds
 * first).
 */
function workerScript(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts')
    ? new URL('../../../dist/format/avro/avro-encode-worker.js', here)
    : new URL('./avro-encode-worker.js', here);
}

function startWorker(onExit: () => void): Slot {
  const worker = new Worker(workerScript(), { name: 'avro-encode' });
  worker.unref();
  const slot: Slot = { worker, pending: new Map(), schemas: new Set() };
  worker.on('message', (m: EncodeResult & { error?: string }) => {
    const job = slot.pending.get(m.job);
    if (!job) return;
    slot.pending.delete(m.job);
    if (slot.pending.size === 0) worker.unref();
    if (m.error !== undefined) job.reject(new Error(`Avro encoding failed: ${m.error}`));
    else job.resolve(m);
  });
  const failAll = (err: Error) => {
    onExit();
    for (const job of slot.pending.values()) job.reject(err);
    slot.pending.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the Avro encoding worker exited (code ${code})`)));
  return slot;
}

export const avroEncodeWorkers = new AvroEncodeWorkers(Math.max(1, availableParallelism() - 1));
