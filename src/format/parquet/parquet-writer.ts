import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { OutputRow } from '../../transform/output-row.js';
import { jsonText } from '../../transform/json-text.js';
import type { FormatWriter, FormatWriterFactory } from '../format-writer.js';
import { jsonSchemaToAvro } from '../avro/json-schema-to-avro.js';
import { compileRecord, type RecordConverter } from '../avro/avro-values.js';
import { parquetColumns, type ParquetColumn } from './parquet-schema.js';
import type { ParquetCodecName } from './parquet-codecs.js';
import type { RowGroupPool } from './row-group-pool.js';

const SPILL_BYTES = 1024 * 1024;

export interface ParquetOptions {
  codec: ParquetCodecName;
  compressors: Record<string, (input: Uint8Array) => Uint8Array>;
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
 * Parquet files written with hyparquet-writer, one row group at a time: rows are buffered as
 * columns until they reach the row-group size, then encoded, compressed and handed on, so memory
 * is bounded by one row group, not by the file. The footer follows the last row group.
 */
export class ParquetWriterFactory implements FormatWriterFactory {
  readonly extension = '.parquet';
  readonly typeMismatches = new Map<string, number>();
  readonly columns: ParquetColumn[];
  private readonly convert: RecordConverter;

  constructor(jsonSchema: unknown, streamName: string, namespace: string | null | undefined, private readonly options: ParquetOptions) {
    const schema = jsonSchemaToAvro(jsonSchema, streamName, namespace);
    this.columns = parquetColumns(schema);
    this.convert = compileRecord(schema);
  }

  create(): FormatWriter {
    return new ParquetFileWriter(this.columns, this.convert, this.options, (path) =>
      this.typeMismatches.set(path, (this.typeMismatches.get(path) ?? 0) + 1),
    );
  }
}

class ParquetFileWriter implements FormatWriter {
  /** hyparquet-writer calls flush(), when a writer has one, after every row group. */
  private readonly bytes: ByteWriter & { flush?: () => void } = new ByteWriter();
  private readonly out: Buffer[] = [];
  private readonly parquet: ParquetWriter;
  private columnValues: unknown[][];
  private bufferedBytes = 0;

  constructor(
    private readonly columns: ParquetColumn[],
    private readonly convert: RecordConverter,
    private readonly options: ParquetOptions,
    private readonly mismatch: (path: string) => void,
  ) {
    // Every flush hands the encoded bytes on and empties the buffer; `offset` keeps counting,
    // which the footer's column-chunk offsets rely on.
    this.bytes.flush = () => {
      this.out.push(Buffer.from(new Uint8Array(this.bytes.buffer, 0, this.bytes.index)));
      this.bytes.index = 0;
    };
    this.bytes.finish = () => this.bytes.flush!();
    // Hand bytes on every megabyte, as hyparquet-writer's own file writer does, instead of growing
    // one buffer (by doubling, old and new alive during the copy) to a whole row group per file.
    const grow = this.bytes.ensure.bind(this.bytes);
    this.bytes.ensure = (size: number) => {
      if (this.bytes.index > SPILL_BYTES) this.bytes.flush!();
      grow(size);
    };
    this.parquet = new ParquetWriter({
      writer: this.bytes,
      schema: [{ name: 'root', num_children: columns.length }, ...columns.flatMap((c) => c.elements)],
      codec: options.codec,
      compressors: options.compressors,
      createdBy: 'destination-s3',
    });
    this.columnValues = columns.map(() => []);
  }

  write(row: OutputRow): Buffer | undefined {
    const value = this.convert(row.data, this.mismatch, row);
    for (let i = 0; i < this.columns.length; i++) {
      const column = this.columns[i]!;
      this.columnValues[i]!.push(column.map(value[column.name] ?? null, this.mismatch, column.name));
    }
    // The encoded size is not known before encoding; the JSON size of the record is a close,
    // slightly high estimate for typed columns.
    const bytes = estimateBytes(row.data);
    this.bufferedBytes += bytes;
    const poolFull = this.options.pool.add(this, bytes);
    return poolFull || this.bufferedBytes >= this.options.rowGroupBytes ? this.rowGroup() : undefined;
  }

  finish(): Buffer {
    const lastRowGroup = this.rowGroup();
    this.parquet.finish();
    return Buffer.concat([lastRowGroup, this.take()]);
  }

  private rowGroup(): Buffer {
    const rows = this.columnValues[0]?.length ?? 0;
    if (rows > 0) {
      void this.parquet.write({
        columnData: this.columns.map((c, i) => ({
          name: c.name,
          data: this.columnValues[i]!,
          ...(this.options.dictionary ? {} : { encoding: 'PLAIN' as const }),
        })),
        rowGroupSize: rows,
        pageSize: this.options.pageBytes,
        dictionarySize: this.options.dictionaryBytes,
      });
      this.columnValues = this.columns.map(() => []);
      this.bufferedBytes = 0;
      this.options.pool.release(this);
    }
    return this.take();
  }

  private take(): Buffer {
    const chunk = Buffer.concat(this.out);
    this.out.length = 0;
    return chunk;
  }
}

function estimateBytes(data: Record<string, unknown>): number {
  let n = 0;
  for (const key in data) {
    const v = data[key];
    n += key.length + (typeof v === 'string' ? v.length : typeof v === 'object' && v !== null ? jsonText(v).length : 8);
  }
  return n;
}
