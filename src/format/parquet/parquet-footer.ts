import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet';
import type { ParquetCodecName } from './parquet-codecs.js';
import type { EncodedRowGroup } from './row-group-encoder.js';

/**
 * The parts of a Parquet file that depend on where things land in it: the leading magic, each row
 * group placed at its offset (row groups are encoded on worker threads with offsets relative to
 * their own first byte), and the footer (page indexes, metadata, trailing magic) after the last.
 * hyparquet-writer's own ParquetWriter writes the magic and the footer, so the metadata is
 * exactly what it writes for a file it encodes whole.
 *
 * Safety: place() must see the row groups in file order, each once; the offsets it writes into
 * the metadata are where the bytes it returns start.
 */
export class ParquetFooter {
  private readonly bytes = new ByteWriter(64 * 1024);
  private readonly parquet: ParquetWriter;

  constructor(schema: SchemaElement[], codec: ParquetCodecName) {
    // Writes "PAR1" into `bytes`: the first bytes of the file, handed out with the first row group.
    this.parquet = new ParquetWriter({ writer: this.bytes, schema, codec, createdBy: 'destination-s3' });
  }

  /** The file's next bytes: the row group (after the leading magic, the first time). */
  place(group: EncodedRowGroup): Buffer {
    const head = this.take();
    const at = BigInt(this.bytes.offset);
    const { meta, indexes } = group;
    for (const chunk of meta.columns) {
      chunk.file_offset += at;
      const m = chunk.meta_data;
      if (!m) continue;
      m.data_page_offset += at;
      if (m.dictionary_page_offset !== undefined) m.dictionary_page_offset += at;
      if (m.index_page_offset !== undefined) m.index_page_offset += at;
    }
    indexes.forEach((index, i) => {
      for (const page of index.offsetIndex?.page_locations ?? []) page.offset += at;
      // One entry per column chunk, in the same order: the footer records the page indexes'
      // offsets on these chunks, which must be the metadata's own (a copy between threads may
      // not have kept them the same objects).
      index.chunk = meta.columns[i]!;
    });
    this.parquet.row_groups.push(meta);
    this.parquet.num_rows += meta.num_rows;
    this.parquet.pendingIndexes.push(...indexes);
    this.bytes.offset += group.bytes.byteLength;
    const body = Buffer.from(group.bytes.buffer, group.bytes.byteOffset, group.bytes.byteLength);
    return head.length > 0 ? Buffer.concat([head, body]) : body;
  }

  /** The rest of the file: page indexes, metadata, "PAR1" (and the leading magic of an empty file). */
  finish(): Buffer {
    void this.parquet.finish();
    return this.take();
  }

  private take(): Buffer {
    const out = Buffer.from(this.bytes.getBuffer());
    this.bytes.index = 0;
    return out;
  }
}
