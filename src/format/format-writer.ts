import type { OutputRow } from '../transform/output-row.js';

/**
 * The format seam: rows in, bytes out. A writer knows nothing of S3, compression or file sizes;
 * it batches its output into chunks of about CHUNK_BYTES so the layers below see few large writes.
 */
export interface FormatWriter {
  /**
   * Encodes one row. Returns a chunk when enough output has accumulated, else undefined. A chunk
   * may be a promise (a codec that compresses off the main thread); the caller awaits it before
   * the next write, so chunks stay in order.
   */
  write(row: OutputRow): Chunk | undefined;
  /** Returns every byte still buffered, plus any trailer the format needs; the file is complete after it. */
  finish(): Chunk;
}

export type Chunk = Buffer | Promise<Buffer>;

/** A writer whose output is always ready at once (the text formats). */
export interface SyncFormatWriter extends FormatWriter {
  write(row: OutputRow): Buffer | undefined;
  finish(): Buffer;
}

export interface FormatWriterFactory {
  /** The file extension without compression, e.g. ".jsonl". */
  readonly extension: string;
  /** A writer for one new file of one stream. */
  create(): FormatWriter;
  /**
   * Values that did not fit their declared type and were written as null, by field path; for
   * formats with typed columns (Avro, Parquet). Logged at the end of the sync.
   */
  readonly typeMismatches?: ReadonlyMap<string, number>;
}

/** About 256 KB per chunk: measured faster than multi-MB strings, which stress the GC. */
export const CHUNK_BYTES = 256 * 1024;

/** Accumulates string pieces and hands them out as ~CHUNK_BYTES Buffers. */
export class TextChunker {
  private parts: string[] = [];
  private length = 0;

  add(text: string): Buffer | undefined {
    this.parts.push(text);
    this.length += text.length;
    return this.length >= CHUNK_BYTES ? this.take() : undefined;
  }

  take(): Buffer {
    const out = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.length = 0;
    return out;
  }
}
