import { Worker } from 'node:worker_threads';
import { WorkerPool, type PoolWorker, type WorkerReply } from '../worker-pool.js';
import type { ParquetCodecName } from './parquet-codecs.js';
import type { EncodedRowGroup } from './row-group-encoder.js';
import type { RecordBatch } from '../record-batch.js';

/** A stream's schema and the format's settings, sent to a worker before its first rows of the stream. */
export interface ParquetLayoutMessage {
  kind: 'layout';
  id: number;
  avroSchema: unknown;
  codec: ParquetCodecName;
  pageBytes: number;
  dictionaryBytes: number;
  dictionary: boolean;
}

/**
 * Records of one row group: the worker converts them into the row group's buffered columns, then,
 * as `then` says, waits for more or encodes the row group (and forgets it).
 */
export interface ParquetRowsMessage extends RecordBatch {
  kind: 'rows';
  id: number;
  group: number;
  layout: number;
  then: 'buffer' | 'encode';
}

/** A row group that will not be encoded (its file's upload was aborted): the worker drops its rows. */
export interface ParquetDiscardMessage {
  kind: 'discard';
  group: number;
}

export type ParquetWorkerMessage = ParquetLayoutMessage | ParquetRowsMessage | ParquetDiscardMessage;

export interface ParquetRowsReply extends WorkerReply {
  /** The encoded row group, after `then: 'encode'`. */
  group?: EncodedRowGroup;
  /** Values that did not fit their declared type, by field path. */
  mismatches: [string, number][];
}

type Layout = Omit<ParquetLayoutMessage, 'kind' | 'id'>;

/**
 * Parquet encoding on worker threads.
 *
 * Why: every record's Parquet work (JSON.parse, Airbyte's conversion, column values, then
 * hyparquet's encoding and the page codec) ran on the main thread, three quarters of its time,
 * while the second core idled. Unlike Avro blocks, a row group is columns across many records, so
 * each row group's rows are gathered on one worker (chosen when the row group starts: the one
 * owing the fewest answers) and encoded there with offsets relative to its first byte; the main
 * thread scans lines, routes them, decides where row groups end (it knows their JSON size, for
 * block_size_mb and the sync-wide RowGroupPool), places the row groups in file order and writes
 * the footer (ParquetFooter). Row groups of one file may be encoded on different workers at once.
 *
 * One worker per core but one, which the main thread keeps. On two cores the main thread is idle
 * about half the time, yet a second worker measured slower (60 MB: 5.8-5.9 s against 5.3 s, 2 s
 * more CPU, 320-330 MB RSS against 280): with more cores, a stream's row groups spread over them.
 */
const pool = new WorkerPool('Parquet encoding', () => ({
  // A young generation of 12 MB instead of V8's default: the row groups' values outlive it anyway,
  // and the smaller nursery kept 200 MB of the benchmark's records at 257-266 MB of RSS against
  // 275-292 MB, for 3-7% more time (12.9-13.2 s against 12.1-12.7 s). Measured again once
  // snappy's pages were freed (format/snappy.ts): 24 or 32 MB is 5-10% faster, but peaks came
  // within a few MB of 300 MB (Parquet uncompressed at 200 MB, snappy at 1 GB), so 12 MB stays.
  worker: new Worker(workerScript(), { name: 'parquet-encode', resourceLimits: { maxYoungGenerationSizeMb: 12 } }),
  /** The layout ids this worker has compiled. */
  state: new Set<number>(),
}));
let nextLayout = 0;
let nextGroup = 0;

/** One row group's side of the conversation: every batch goes to the worker holding its rows. */
export class ParquetWorkerRowGroup {
  private readonly group = nextGroup++;
  private readonly to: PoolWorker<Set<number>> = pool.assign();

  constructor(
    private readonly layoutId: number,
    private readonly layout: Layout,
  ) {}

  send(rows: Omit<ParquetRowsMessage, 'kind' | 'id' | 'group' | 'layout'>): Promise<ParquetRowsReply> {
    return pool.request<ParquetRowsReply>((to, id) => {
      if (!to.state.has(this.layoutId)) {
        to.worker.postMessage({ kind: 'layout', id: this.layoutId, ...this.layout } satisfies ParquetWorkerMessage);
        to.state.add(this.layoutId);
      }
      // The batch's JSON moves to the worker rather than being copied.
      const own = rows.json.byteOffset === 0 && rows.json.byteLength === rows.json.buffer.byteLength;
      const message: ParquetWorkerMessage = { kind: 'rows', id, group: this.group, layout: this.layoutId, ...rows };
      to.worker.postMessage(message, own ? [rows.json.buffer as ArrayBuffer] : []);
    }, this.to);
  }

  discard(): void {
    this.to.worker.postMessage({ kind: 'discard', group: this.group } satisfies ParquetWorkerMessage);
  }
}

export const parquetEncodeWorkers = {
  /** Starts a worker before the first rows (see WorkerPool.prestart). */
  prestart(): void {
    pool.prestart();
  },

  /** An id for a stream's layout; each worker compiles it once, with its first rows of it. */
  layoutId(): number {
    return nextLayout++;
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
    ? new URL('../../../dist/format/parquet/parquet-encode-worker.js', here)
    : new URL('./parquet-encode-worker.js', here);
}
