import type { CatalogStream } from '../catalog/configured-catalog.js';
import type { ConnectorConfig } from '../config/connector-config.js';
import { ConfigError } from '../errors.js';
import { compressorFor, type Compressor } from './compression.js';
import type { FormatWriterFactory } from './format-writer.js';

export interface OutputFormat {
  /** The format writer of one stream. */
  writerFor(stream: CatalogStream): FormatWriterFactory;
  /** The file-level compressor: gzip or none for the text formats; Avro and Parquet compress inside. */
  compressor: Compressor;
  /** Whether the writers take a scanned record's data members (scannedMembers): the scan then notes them. */
  readsScannedMembers: boolean;
}

const KB = 1024;
const MB = 1024 * 1024;

/**
 * Resolves the configured format once per sync: codecs are checked before any write.
 * `parquetMemoryBytes` bounds the rows all Parquet files buffer together (see RowGroupPool).
 *
 * Only the configured format's modules are loaded (dynamic imports), and its encoding worker is
 * started at once: loading every format and codec cost each sync about 0.2 s of startup on the
 * main thread, and a worker started on the first batch kept the main thread waiting for it.
 */
export async function outputFormat(config: ConnectorConfig, parquetMemoryBytes = 6 * MB): Promise<OutputFormat> {
  const format = config.format;
  switch (format.kind) {
    case 'jsonl': {
      const { JsonlWriterFactory } = await import('./jsonl-writer.js');
      return {
        writerFor: () => new JsonlWriterFactory(format.flattening),
        compressor: await compressorFor(format.compression),
        readsScannedMembers: false,
      };
    }
    case 'csv': {
      const { CsvWriterFactory } = await import('./csv-writer.js');
      return {
        writerFor: (s) => new CsvWriterFactory(format.flattening, s.jsonSchema),
        compressor: await compressorFor(format.compression),
        // Root-level rows take their cells from the members the scan noted.
        readsScannedMembers: format.flattening === 'root',
      };
    }
    case 'avro': {
      const [{ avroCodecChoice }, { AvroWriterFactory }, { avroEncodeWorkers }] = await Promise.all([
        import('./avro/avro-codecs.js'),
        import('./avro/avro-writer.js'),
        import('./avro/avro-encode-workers.js'),
      ]);
      // Checked here; the encoding workers load the codec itself.
      const codec = avroCodecChoice(format.codec);
      avroEncodeWorkers.prestart();
      return {
        writerFor: (s) => new AvroWriterFactory(s.jsonSchema, s.descriptor.name, s.descriptor.namespace, codec),
        compressor: await compressorFor({ kind: 'none' }),
        readsScannedMembers: false,
      };
    }
    case 'parquet': {
      const o = format.options;
      const [{ parquetCodecName }, { ParquetWriterFactory }, { RowGroupPool }, { parquetEncodeWorkers }] = await Promise.all([
        import('./parquet/parquet-codecs.js'),
        import('./parquet/parquet-writer.js'),
        import('./parquet/row-group-pool.js'),
        import('./parquet/parquet-encode-workers.js'),
      ]);
      // Checked here; the encoding workers load the codec itself (a codec's functions cannot be sent).
      const codec = parquetCodecName(String(o.compression_codec ?? 'UNCOMPRESSED'));
      const size = (field: string, fallback: number, unit: number) => {
        const v = o[field] ?? fallback;
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
          throw new ConfigError(`format.${field} must be a positive integer (got ${JSON.stringify(v)}).`);
        }
        return v * unit;
      };
      const options = {
        codec,
        rowGroupBytes: size('block_size_mb', 128, MB),
        pageBytes: size('page_size_kb', 1024, KB),
        dictionaryBytes: size('dictionary_page_size_kb', 1024, KB),
        dictionary: o.dictionary_encoding !== false,
        pool: new RowGroupPool(parquetMemoryBytes),
      };
      size('max_padding_size_mb', 8, MB); // validated; see the README for why it has no effect on S3
      parquetEncodeWorkers.prestart();
      return {
        writerFor: (s) => new ParquetWriterFactory(s.jsonSchema, s.descriptor.name, s.descriptor.namespace, options),
        compressor: await compressorFor({ kind: 'none' }),
        readsScannedMembers: false,
      };
    }
  }
}
