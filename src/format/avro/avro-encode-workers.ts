import { Worker } from 'node:worker_threads';
import { WorkerPool, type WorkerReply } from '../worker-pool.js';
import type { RecordBatch } from '../record-batch.js';
import type { AvroCodecConfig } from './avro-codecs.js';

/** A batch of one stream's records for a worker to turn into the data of one Avro block, compressed. */
export interface EncodeBatch extends RecordBatch {
  kind: 'batch';
  /** The request's id, which the reply carries back. */
  id: number;
  schemaId: number;
}

export type EncodeMessage = { kind: 'schema'; id: number; avroSchema: unknown; codec: AvroCodecConfig } | EncodeBatch;

export interface EncodeResult extends WorkerReply {
  /** The encoded records, compressed by the file's codec: the block's data as the file holds it. */
  block: Uint8Array;
  count: number;
  /** Values that did not fit their declared type, by field path. */
  mismatches: [string, number][];
}

/**
 * Avro encoding on worker threads, a block at a time.
 *
 * Why: Avro's per-record work (JSON.parse, Airbyte's conversion, avsc's encoding) was all on the
 * main thread, which left the second core to a codec that needs a fraction of it. Avro blocks are
 * independent of each other given the schema and the file's sync marker, so each batch of records
 * can be encoded and compressed anywhere and the blocks joined in order; the main thread only
 * scans each line's envelope, routes it and frames the blocks (AvroWriter keeps the order,
 * OpenFile bounds how many are pending).
 *
 * One worker per core but one, which the main thread keeps (on two cores, a second worker
 * measured no faster, 8.3-9.3 s against 8.6-8.7 s per 200 MB, and 15-20 MB larger).
 */
const pool = new WorkerPool('Avro encoding', () => ({
  worker: new Worker(workerScript(), { name: 'avro-encode' }),
  /** The schema ids this worker has compiled. */
  state: new Set<number>(),
}));
let nextSchema = 0;

export const avroEncodeWorkers = {
  /** Starts a worker before the first batch (see WorkerPool.prestart). */
  prestart(): void {
    pool.prestart();
  },

  /** An id for a converted schema; each worker compiles it once, with its first batch of it. */
  schemaId(): number {
    return nextSchema++;
  },

  encode(avroSchema: unknown, codec: AvroCodecConfig, batch: Omit<EncodeBatch, 'kind' | 'id'>): Promise<EncodeResult> {
    return pool.request<EncodeResult>((to, id) => {
      if (!to.state.has(batch.schemaId)) {
        to.worker.postMessage({ kind: 'schema', id: batch.schemaId, avroSchema, codec } satisfies EncodeMessage);
        to.state.add(batch.schemaId);
      }
      // The batch's JSON moves to the worker rather than being copied (and lingering here until
      // a collection: the main thread makes little garbage, so external memory piles up).
      const own = batch.json.byteOffset === 0 && batch.json.byteLength === batch.json.buffer.byteLength;
      to.worker.postMessage({ kind: 'batch', id, ...batch } satisfies EncodeMessage, own ? [batch.json.buffer as ArrayBuffer] : []);
    });
  },
};

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
