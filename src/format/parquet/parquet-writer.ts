import type { OutputRow } from '../../transform/output-row.js';
import type { Chunk, FormatWriter, FormatWriterFactory } from '../format-writer.js';
import { RecordBatcher } from '../record-batch.js';
import { jsonSchemaToAvro, type AvroRecordSchema } from '../avro/json-schema-to-avro.js';
import { parquetColumns, type ParquetColumn } from './parquet-schema.js';
import type { ParquetCodecName } from './parquet-codecs.js';
import type { RowGroupPool } from './row-group-pool.js';
import { parquetEncodeWorkers, ParquetWorkerRowGroup, type ParquetRowsMessage, type ParquetRowsReply } from './parquet-encode-workers.js';
import { parquetSchema } from './row-group-encoder.js';
import { ParquetFooter } from './parquet-footer.js';

/**
 * JSON handed to a worker per batch, as for Avro blocks: large enough that messages are few,
 * small enough that the batches in flight (MAX_UNANSWERED) hold little memory.
 */
const BATCH_JSON_BYTES = 128 * 1024;
const EMPTY = Buffer.alloc(0);
/**
 * Batches a file may have unanswered before its writer waits: enough to keep a worker busy while
 * the main thread scans ahead, few enough that the JSON waiting in workers' queues stays small
 * (16 x 128 KB).
 */
const MAX_UNANSWERED = 16;

export interface ParquetOptions {
  codec: ParquetCodecName;
  /** block_size_mb: a row group is written once the buffered rows reach about this size. */
  rowGroupBytes: number;
  /** page_size_kb */
  pageBytes: number;
  /** dictionary_page_size_kb: the cap on a column chunk's dictionary. */
  dictionaryBytes: number;
  /** dictionary_encoding */
  dictionary: boolean;
  /** Shared by every Parquet file of the sync: bounds the rows buffered for row groups. */
  pool: RowGroupPool;
}

/**
 * Parquet files, one row group at a time. The encoding itself (parse, conversion, columns,
 * hyparquet-writer, the page codec) runs on worker threads, each row group on the worker that
 * gathers its rows (parquet-encode-workers.ts); this side batches the records' JSON for them,
 * decides where a row group ends, by the rows' JSON size (at block_size_mb, or earlier when all
 * open Parquet files together reach the sync's budget, RowGroupPool, so memory is bounded by row
 * groups, not files), and places the encoded row groups in order, then the footer (ParquetFooter).
 */
export class ParquetWriterFactory implements FormatWriterFactory {
  readonly extension = '.parquet';
  readonly typeMismatches = new Map<string, number>();
  readonly columns: ParquetColumn[];
  private readonly schema: AvroRecordSchema;
  private readonly layoutId = parquetEncodeWorkers.layoutId();

  constructor(jsonSchema: unknown, streamName: string, namespace: string | null | undefined, private readonly options: ParquetOptions) {
    this.schema = jsonSchemaToAvro(jsonSchema, streamName, namespace);
    // Built here too so that a schema Parquet cannot map fails before any record is read.
    this.columns = parquetColumns(this.schema);
  }

  create(): FormatWriter {
    const { codec, pageBytes, dictionaryBytes, dictionary } = this.options;
    const layout = { avroSchema: this.schema, codec, pageBytes, dictionaryBytes, dictionary };
    return new ParquetFileWriter(
      () => new ParquetWorkerRowGroup(this.layoutId, layout),
      new ParquetFooter(parquetSchema(this.columns), codec),
      this.options,
      (reply) => {
        for (const [path, n] of reply.mismatches) this.typeMismatches.set(path, (this.typeMismatches.get(path) ?? 0) + n);
      },
    );
  }
}

class ParquetFileWriter implements FormatWriter {
  /** The records of the batch being gathered. */
  private readonly batch = new RecordBatcher();
  /** The JSON size of the current row group's rows, this batch included. */
  private rowGroupBytes = 0;
  /** The current row group (on the worker gathering it), from its first row. */
  private rowGroup: ParquetWorkerRowGroup | undefined;
  /** Settles once every row group sent so far is placed: placing goes in file order. */
  private placed: Promise<Buffer> = Promise.resolve(EMPTY);
  /** The answers (mismatch counts) to the current row group's batches sent so far. */
  private gathered: Promise<void>[] = [];
  /** Batches and row groups sent and not yet answered. */
  private readonly unanswered = new Set<Promise<void>>();

  constructor(
    private readonly startRowGroup: () => ParquetWorkerRowGroup,
    private readonly footer: ParquetFooter,
    private readonly options: ParquetOptions,
    private readonly counted: (reply: ParquetRowsReply) => void,
  ) {}

  write(row: OutputRow): Chunk | undefined {
    const bytes = this.batch.add(row);
    // The encoded size is not known before encoding; the records' JSON size is a close, high
    // estimate of what the typed columns hold.
    this.rowGroupBytes += bytes;
    const rowGroup = (this.rowGroup ??= this.startRowGroup());
    const poolFull = this.options.pool.add(rowGroup, bytes);
    if (poolFull || this.rowGroupBytes >= this.options.rowGroupBytes) return this.encode();
    return this.batch.bytes >= BATCH_JSON_BYTES ? this.gather() : undefined;
  }

  finish(): Chunk {
    // A row group still gathering on a worker must be encoded even when no rows wait here.
    const last = this.rowGroup ? this.encode() : this.placed.then(() => EMPTY);
    return last.then((rowGroup) => Buffer.concat([rowGroup, this.footer.finish()]));
  }

  discard(): void {
    if (!this.rowGroup) return;
    this.options.pool.release(this.rowGroup);
    this.rowGroup.discard();
  }

  /**
   * Sends the gathered records to the current row group's worker, to add to it. No chunk comes
   * back, so the main thread goes on while the worker converts them (a chunk would wait in
   * OpenFile's ordered queue behind the row group being encoded before it); a promise comes back
   * only when too many batches are unanswered, to wait for the oldest.
   */
  private gather(): Chunk | undefined {
    const reply = this.post('buffer');
    const counted = reply.then((r) => this.counted(r));
    // A failure is taken up by the row group's encoding (and fails this file); not unhandled meanwhile.
    counted.catch(() => undefined);
    this.gathered.push(counted);
    if (this.unanswered.size < MAX_UNANSWERED) return undefined;
    return Promise.race(this.unanswered).then(() => EMPTY);
  }

  /**
   * Sends the last records of the current row group and has the worker encode it. Resolves with
   * the row group's bytes, placed in file order, once it and every batch before it are answered.
   */
  private encode(): Promise<Buffer> {
    const rowGroup = this.rowGroup!;
    const reply = this.post('encode');
    const batches = Promise.all(this.gathered);
    this.gathered = [];
    // The next row group starts afresh, on whichever worker is least busy then. This one's rows
    // are held until the worker has encoded them, and count against the pool until then.
    this.rowGroup = undefined;
    this.rowGroupBytes = 0;
    void reply.then(
      () => this.options.pool.release(rowGroup),
      () => this.options.pool.release(rowGroup),
    );
    batches.catch(() => undefined);
    const placed = this.placed.then(async () => {
      await batches;
      const { group, ...counts } = await reply;
      this.counted(counts);
      return this.footer.place(group!);
    });
    this.placed = placed;
    return placed;
  }

  private post(then: ParquetRowsMessage['then']): Promise<ParquetRowsReply> {
    const reply = this.rowGroup!.send({ ...this.batch.take(), then });
    const answered = reply.then(
      () => undefined,
      () => undefined,
    );
    this.unanswered.add(answered);
    void answered.then(() => this.unanswered.delete(answered));
    return reply;
  }
}
