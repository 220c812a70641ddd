import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import type { Transform } from 'node:stream';
import type { Chunk, FormatWriter } from '../format/format-writer.js';

/** Chunks compressing off the main thread that may be pending before the writer waits. */
const MAX_QUEUED = 4;
import type { OutputRow } from '../transform/output-row.js';
import { ObjectUploader } from './object-uploader.js';

/**
 * One file being written: format writer -> compressor -> uploader. Rows go in synchronously; a
 * promise is returned only when the compressor asks the caller to wait (backpressure), so the hot
 * path allocates no promise per row.
 */
export class OpenFile {
  rows = 0;
  /** Uncompressed bytes produced by the format writer. */
  rawBytes = 0;
  /** Sequence number of the first row, for the checkpoint tracker. */
  readonly firstSeq: number;
  /** Sequence number of the latest row: the sync-wide open-file budget stages the least recent. */
  lastWrite: number;
  /** Ends this file early (set by its stream's roller); the sync-wide budget calls it. */
  stage: () => void = () => undefined;
  private readonly piped: Promise<void>;
  private queue: Promise<void> = Promise.resolve();
  /** The queue's links not yet settled, oldest first. */
  private readonly pending: Promise<void>[] = [];

  constructor(
    readonly key: string,
    private readonly writer: FormatWriter,
    private readonly compressor: Transform,
    private readonly uploader: ObjectUploader,
    firstSeq: number,
    /** Client-side encryption, between the compressor and the uploader, when configured. */
    cipher?: Transform,
  ) {
    this.firstSeq = firstSeq;
    this.lastWrite = firstSeq;
    this.piped = cipher ? pipeline(compressor, cipher, uploader) : pipeline(compressor, uploader);
    // Failures surface through write()/close(); this keeps an early one from being unhandled.
    this.piped.catch(() => undefined);
  }

  /** Compressed bytes in memory, waiting to become a multipart part. */
  get bufferedBytes(): number {
    return this.uploader.bufferedBytes;
  }

  /** Compressed bytes so far: what the roll threshold is compared with. */
  get compressedBytes(): number {
    return this.uploader.bytesReceived;
  }

  write(row: OutputRow): Promise<void> | undefined {
    this.rows++;
    const chunk = this.writer.write(row);
    if (chunk === undefined) return undefined;
    if (!(chunk instanceof Promise) && this.pending.length === 0) return this.push(chunk);
    return this.enqueue(chunk);
  }

  /**
   * A chunk still being compressed off the main thread (an Avro block) joins an ordered queue,
   * and the caller goes on encoding rows meanwhile: it waits only when MAX_QUEUED chunks are
   * pending, which bounds the memory they hold, and then only for the oldest, so the worker
   * always has the rest in hand. (Waiting for the whole queue left both threads idle by turns:
   * 1.1 s of the main thread's 8.2 s per 200 MB of Avro.) Chunks reach the compressor in order.
   */
  private enqueue(chunk: Chunk): Promise<void> | undefined {
    const link = this.queue.then(async () => {
      const ready = await chunk;
      await this.push(ready);
    });
    this.queue = link;
    this.pending.push(link);
    // Registered before any caller awaits the link, so the count is right when the caller resumes.
    const settled = () => void this.pending.shift();
    link.then(settled, settled);
    return this.pending.length >= MAX_QUEUED ? this.pending[0] : undefined;
  }

  private push(chunk: Buffer): Promise<void> | undefined {
    // A batch handed to a worker that keeps the rows (a Parquet row group still filling).
    if (chunk.length === 0) return undefined;
    this.rawBytes += chunk.length;
    if (this.compressor.write(chunk)) return undefined;
    return Promise.race([once(this.compressor, 'drain').then(() => undefined), this.piped]);
  }

  /** Ends the file and uploads its last part; the object is still invisible until commit(). */
  async finish(): Promise<void> {
    await this.queue;
    const tail = await this.writer.finish();
    this.rawBytes += tail.length;
    this.compressor.end(tail);
    await this.piped;
  }

  /** Why the record count could not be set as metadata after completion, if it could not. */
  get metadataFailure(): unknown {
    return this.uploader.metadataFailure;
  }

  /** For a file that waits staged for a later commit: see ObjectUploader.spill. */
  spill(): Promise<void> {
    return this.uploader.spill();
  }

  /** Makes the object visible, with its record count as metadata (ab-record-count). */
  commit(): Promise<void> {
    return this.uploader.commit({ 'ab-record-count': String(this.rows) });
  }

  abort(): Promise<void> {
    this.writer.discard?.();
    this.compressor.destroy();
    return this.uploader.abort();
  }
}
