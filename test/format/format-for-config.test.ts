import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/catalog/configured-catalog.js';
import { parseConfig } from '../../src/config/load-config.js';
import { outputFormat } from '../../src/format/format-for-config.js';

const base = { s3_bucket_name: 'b', s3_bucket_path: 'p', s3_bucket_region: 'us-east-1' };
const [stream] = parseCatalog({
  streams: [{ stream: { name: 'users', json_schema: { type: 'object', properties: { id: { type: 'integer' } } } }, destination_sync_mode: 'append' }],
});

const formatOf = (format: Record<string, unknown>) => outputFormat(parseConfig({ ...base, format }));

describe('the output format of a config', () => {
  it.each([
    [{ format_type: 'JSONL' }, '.jsonl', '.gz'],
    [{ format_type: 'JSONL', compression: { compression_type: 'No Compression' } }, '.jsonl', ''],
    [{ format_type: 'CSV', flattening: 'Root level flattening', compression: { compression_type: 'GZIP' } }, '.csv', '.gz'],
    [{ format_type: 'Avro', compression_codec: { codec: 'snappy' } }, '.avro', ''],
    [{ format_type: 'Parquet', compression_codec: 'SNAPPY' }, '.parquet', ''],
  ])('writes %j as %s files with %j compression around them', async (format, extension, compression) => {
    const output = await formatOf(format);
    expect(output.writerFor(stream!).extension).toBe(extension);
    expect(output.compressor.extension).toBe(compression);
  });

  // Root-level CSV takes its cells from the members the record scan notes; noting them costs every
  // other format 5% of the scan, and a CSV writer not given them walks the data a second time.
  it('asks the record scan for the data members only for root-level CSV, the one writer that reads them', async () => {
    const asks = async (format: Record<string, unknown>) => (await formatOf(format)).readsScannedMembers;
    expect(await asks({ format_type: 'CSV', flattening: 'Root level flattening' })).toBe(true);
    expect(await asks({ format_type: 'CSV', flattening: 'No flattening' })).toBe(false);
    expect(await asks({ format_type: 'JSONL' })).toBe(false);
    expect(await asks({ format_type: 'Avro', compression_codec: { codec: 'no compression' } })).toBe(false);
    expect(await asks({ format_type: 'Parquet' })).toBe(false);
  });
});
