import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet';
import { compileRecord, type MismatchCounter, type RecordConverter, type RowMeta } from '../avro/avro-values.js';
import type { AvroRecordSchema } from '../avro/json-schema-to-avro.js';
import { parquetColumns, type ParquetColumn } from './parquet-schema.js';
import type { ParquetCodecName } from './parquet-codecs.js';

/** What a row group's metadata holds: hyparquet-writer's footer entries for it. */
export type RowGroupMeta = ParquetWriter['row_groups'][number];
/** A column chunk's page indexes, which the footer writes after the last row group. */
export type ChunkIndexes = ParquetWriter['pendingIndexes'][number];

/** What a Parquet file's encoder needs besides its schema: the format's settings. */
export interface ParquetEncoding {
  codec: ParquetCodecName;
  compressors: Record<string, (input: Uint8Array) => Uint8Array>;
  /** page_size_kb */
  pageBytes: number;
  /** dictionary_page_size_kb: the cap on a column chunk's dictionary. */
  dictionaryBytes: number;
  /** dictionary_encoding */
  dictionary: boolean;
}

/** A stream's schema compiled once: its columns and the converter both typed formats share. */
export class ParquetLayout {
  readonly columns: ParquetColumn[];
  readonly schema: SchemaElement[];
  readonly convert: RecordConverter;

  constructor(avroSchema: AvroRecordSchema) {
    this.columns = parquetColumns(avroSchema);
    this.schema = parquetSchema(this.columns);
    // Unions of null and one type unwrapped: parquetColumns maps them as optional columns.
    this.convert = compileRecord(avroSchema, 'plain');
  }
}

/** The file's schema elements: the root, then every column's, depth-first. */
export function parquetSchema(columns: ParquetColumn[]): SchemaElement[] {
  return [{ name: 'root', num_children: columns.length }, ...columns.flatMap((c) => c.elements)];
}

/** One encoded row group: its bytes as if the file began with them, and its footer entries. */
export interface EncodedRowGroup {
  bytes: Uint8Array;
  meta: RowGroupMeta;
  indexes: ChunkIndexes[];
}

/**
 * The rows of one row group, converted and buffered as columns, then encoded with hyparquet-writer
 * (pages, dictionaries, statistics, the page codec). It runs on a worker thread
 * (parquet-encode-worker.ts); the row group's offsets are relative to its first byte, and the main
 * thread, which knows where it lands in the file, moves them there (ParquetFooter).
 */
export class RowGroupEncoder {
  private readonly columnValues: unknown[][];

  constructor(
    private readonly layout: ParquetLayout,
    private readonly encoding: ParquetEncoding,
  ) {
    this.columnValues = layout.columns.map(() => []);
  }

  get rows(): number {
    return this.columnValues[0]?.length ?? 0;
  }

  /** Buffers one record. */
  add(data: Record<string, unknown>, meta: RowMeta, mismatch: MismatchCounter): void {
    const { columns, convert } = this.layout;
    const value = convert(data, mismatch, meta);
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i]!;
      this.columnValues[i]!.push(column.map(value[column.name] ?? null, mismatch, column.name));
    }
  }

  encode(): EncodedRowGroup {
    const writer = new ByteWriter(1024 * 1024);
    const parquet = new ParquetWriter({
      writer,
      schema: this.layout.schema,
      codec: this.encoding.codec,
      compressors: this.encoding.compressors,
      createdBy: 'destination-s3',
    });
    // The writer starts every file with the "PAR1" magic; this one holds a row group only.
    writer.index = 0;
    writer.offset = 0;
    void parquet.write({
      columnData: this.layout.columns.map((c, i) => ({
        name: c.name,
        data: this.columnValues[i]!,
        ...(this.encoding.dictionary ? {} : { encoding: 'PLAIN' as const }),
      })),
      rowGroupSize: this.rows,
      pageSize: this.encoding.pageBytes,
      dictionarySize: this.encoding.dictionaryBytes,
    });
    const meta = parquet.row_groups[0]!;
    const indexes = parquet.pendingIndexes;
    ownBytes(meta);
    ownBytes(indexes);
    return { bytes: new Uint8Array(writer.getBuffer()), meta, indexes };
  }
}

/**
 * Replaces every byte array in the metadata that is a view of a larger buffer with a copy of its
 * own bytes. Statistics of byte-array columns are views of the values (uuids live in 64 KB slabs),
 * and sending a view to another thread copies its whole buffer: the footer kept every row group's
 * slabs until the file ended, tens of MB over a large file.
 */
function ownBytes(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  const entries = value as Record<string, unknown>;
  for (const key of Object.keys(entries)) {
    const v = entries[key];
    if (v instanceof Uint8Array) {
      if (v.byteLength !== v.buffer.byteLength) entries[key] = v.slice();
    } else if (typeof v === 'object' && v !== null && !ArrayBuffer.isView(v)) {
      ownBytes(v);
    }
  }
}
