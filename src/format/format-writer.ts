import type { OutputRow } from '../transform/output-row.js';

/**
 * The format seam: rows in, bytes out. A writer knows nothing of S3, compression or file sizes;
 * it batches its output into chunks of about CHUNK_BYTES so the layers below see few large writes.
 */
export interface FormatWriter {
  /** Encodes one row. Returns a chunk when enough output has accumulated, else undefined. */
  write(row: OutputRow): Buffer | undefined;
  /** Returns every byte still buffered, plus any trailer the format needs; the file is complete after it. */
  finish(): Buffer;
}

export interface FormatWriterFactory {
  /** The file extension without compression, e.g. ".jsonl". */
  readonly extension: string;
  /** A writer for one new file of one stream. */
  create(): FormatWriter;
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
