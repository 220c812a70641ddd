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
  /** The file will not be finished (its upload was aborted): drop whatever is held elsewhere for it. */
  discard?(): void;
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

/** Below this many bytes a copy loop beats Buffer#copy (measured on the benchmark's cells). */
const SHORT_COPY = 48;

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
    if (text.length < SHORT_COPY * 2) {
      // A row's head (uuid, timestamp, punctuation): a loop beats Buffer#write's native call.
      const buf = this.buf;
      let at = this.length;
      for (let i = 0; i < text.length; i++) buf[at++] = text.charCodeAt(i);
      this.length = at;
    } else {
      this.length += this.buf.write(text, this.length, 'latin1');
    }
    return this;
  }

  /** An integer's decimal digits (epoch milliseconds, for one), without making a string of it. */
  addInteger(n: number): this {
    if (!Number.isSafeInteger(n)) return this.addAscii(String(n));
    this.reserve(17);
    const buf = this.buf;
    if (n < 0) {
      buf[this.length++] = 0x2d;
      n = -n;
    }
    let digits = 1;
    for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    let at = this.length + digits;
    this.length = at;
    do {
      buf[--at] = 0x30 + (n % 10);
      n = Math.floor(n / 10);
    } while (n > 0);
    return this;
  }

  /** One ASCII byte (a delimiter): no string, no encoder call. */
  addByte(byte: number): this {
    this.reserve(1);
    this.buf[this.length++] = byte;
    return this;
  }

  addBytes(bytes: Buffer): this {
    return this.addRange(bytes, 0, bytes.length);
  }

  /** Bytes start..end of `src`, without making a subarray of them. */
  addRange(src: Buffer, start: number, end: number): this {
    this.reserve(end - start);
    if (end - start < SHORT_COPY) {
      // Short values (most cells) copy faster in a loop than through Buffer#copy's native call.
      const buf = this.buf;
      let at = this.length;
      for (let i = start; i < end; i++) buf[at++] = src[i]!;
      this.length = at;
    } else {
      this.length += src.copy(this.buf, this.length, start, end);
    }
    return this;
  }

  /** A CSV cell from bytes (RFC 4180): quoted, its quotes doubled, when it holds `"`, `,`, CR or LF. */
  addCsvCell(bytes: Buffer): this {
    return this.addCsvRange(bytes, 0, bytes.length);
  }

  /** addCsvCell for bytes start..end of `src`. */
  addCsvRange(src: Buffer, start: number, end: number): this {
    if (end === start) return this.addByte(0x22).addByte(0x22);
    // Look for a byte that needs quoting (one table load per byte), then copy: long cells (text)
    // go through Buffer#copy rather than a byte-by-byte loop.
    let i = start;
    while (i < end && CSV_SPECIAL[src[i]!] === 0) i++;
    if (i === end) return this.addRange(src, start, end);
    return this.addByte(0x22).addCsvQuoted(src, start, end).addByte(0x22);
  }

  /**
   * The inside of a quoted CSV cell: bytes start..end of `src` with each quote doubled. For a
   * cell written in parts between an opening and a closing quote the caller adds.
   */
  addCsvQuoted(src: Buffer, start: number, end: number): this {
    let from = start;
    for (let q = src.indexOf(0x22, start); q !== -1 && q < end; q = src.indexOf(0x22, q + 1)) {
      this.addRange(src, from, q + 1).addByte(0x22);
      from = q + 1;
    }
    return this.addRange(src, from, end);
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

/** Bytes that make a CSV cell quoted: the quote, the comma, CR and LF. */
const CSV_SPECIAL = new Uint8Array(256);
for (const c of [0x22, 0x2c, 0x0a, 0x0d]) CSV_SPECIAL[c] = 1;
