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

/**
 * Accumulates a file's output and hands it out as ~CHUNK_BYTES Buffers. Text is encoded straight
 * into the chunk and bytes are copied in, so a row costs one pass (no join, no second copy).
 */
export class ByteChunker {
  private buf = Buffer.allocUnsafeSlow(CHUNK_BYTES + CHUNK_BYTES / 4);
  private length = 0;

  /** Whether a full chunk is ready for take(). */
  get full(): boolean {
    return this.length >= CHUNK_BYTES;
  }

  /** UTF-8 text. */
  addText(text: string): this {
    // Three bytes per UTF-16 unit is UTF-8's worst case (a surrogate pair: 4 bytes for 2 units).
    this.reserve(text.length * 3);
    this.length += this.buf.write(text, this.length, 'utf8');
    return this;
  }

  /** Text known to be ASCII (ids, numbers, punctuation): a byte per character, no UTF-8 encoder. */
  addAscii(text: string): this {
    this.reserve(text.length);
    this.length += this.buf.write(text, this.length, 'latin1');
    return this;
  }

  addBytes(bytes: Buffer): this {
    this.reserve(bytes.length);
    this.length += bytes.copy(this.buf, this.length);
    return this;
  }

  /** A CSV cell from bytes (RFC 4180): quoted, its quotes doubled, when it holds `"`, `,`, CR or LF. */
  addCsvCell(bytes: Buffer): this {
    if (bytes.length === 0) return this.addAscii('""');
    if (!needsCsvQuotes(bytes)) return this.addBytes(bytes);
    let quotes = 0;
    for (let q = bytes.indexOf(0x22); q !== -1; q = bytes.indexOf(0x22, q + 1)) quotes++;
    this.reserve(bytes.length + quotes + 2);
    const buf = this.buf;
    buf[this.length++] = 0x22;
    let start = 0;
    for (let q = bytes.indexOf(0x22); q !== -1; q = bytes.indexOf(0x22, q + 1)) {
      this.length += bytes.copy(buf, this.length, start, q + 1);
      buf[this.length++] = 0x22;
      start = q + 1;
    }
    this.length += bytes.copy(buf, this.length, start);
    buf[this.length++] = 0x22;
    return this;
  }

  /** The output so far (empty if none), and a fresh chunk for what follows. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.length);
    this.buf = Buffer.allocUnsafeSlow(CHUNK_BYTES + CHUNK_BYTES / 4);
    this.length = 0;
    return out;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buf.length) return;
    // A row larger than what is left: grow once to fit it (records may be up to 64 MiB).
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.length + bytes));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }
}

function needsCsvQuotes(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x22 || c === 0x2c || c === 0x0a || c === 0x0d) return true;
  }
  return false;
}
