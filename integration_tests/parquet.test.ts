import { describe, expect, it } from 'vitest';
import { runConnector, ofType } from '../test/support/run-connector.js';
import { record, UUID_V4 } from '../test/support/messages.js';
import { listKeys, newBucket, readBackFile, workDir, writeConfig, writeJson } from './support/s3.js';
import { data, expected, properties } from './support/typed-stream.js';

async function writeTyped(format: Record<string, unknown>, n: number) {
  const bucket = await newBucket('parquet');
  const dir = workDir();
  const config = writeConfig(dir, bucket, { format: { format_type: 'Parquet', ...format } });
  const catalog = writeJson(dir, 'catalog.json', {
    streams: [{ stream: { name: 'typed rows', namespace: 'my-db', json_schema: { type: 'object', properties } }, destination_sync_mode: 'append' }],
  });
  const run = await runConnector(['write', '--config', config, '--catalog', catalog], {
    stdin: Array.from({ length: n }, (_, i) => record('typed rows', data(i), { namespace: 'my-db' })).join('\n'),
  });
  return { bucket, run, keys: await listKeys(bucket) };
}

/** What a reader shows of the typed stream: time columns are UTC-adjusted, which DuckDB shows with a zone. */
function expectRows(rows: Record<string, any>[], n: number): void {
  expect(rows).toHaveLength(n);
  rows.forEach((row, i) => {
    const { _airbyte_ab_id, wake, ...rest } = row;
    const { wake: expectedWake, ...expectedRest } = expected(i);
    expect(String(_airbyte_ab_id)).toMatch(UUID_V4);
    expect(String(wake).replace(/\+00:00$/, '')).toBe(expectedWake);
    expect(rest).toEqual(expectedRest);
  });
}

describe('Parquet', () => {
  it.each(['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'BROTLI', 'ZSTD'])(
    'writes %s row groups that pyarrow and DuckDB read back value for value',
    async (codec) => {
      const n = 4000; // about 1.6 MB of rows: two row groups or more at block_size_mb 1
      const { bucket, run, keys } = await writeTyped({ compression_codec: codec, block_size_mb: 1 }, n);
      expect(run.code, run.stdout).toBe(0);
      expect(ofType(run, 'LOG').find((m) => m.log.level === 'WARN')?.log.message).toBe(
        'my-db.typed rows: 1 value(s) did not match their declared type and were written as null: bad_int (1)',
      );
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatch(/^out\/my-db\/typed_rows\/\d{4}_\d{2}_\d{2}_\d+_0\.parquet$/);
      const arrow = await readBackFile(bucket, keys[0]!, 'parquet-pyarrow');
      expect(arrow.row_groups).toBeGreaterThanOrEqual(2);
      expect(arrow.codecs).toEqual([codec]);
      expect(arrow.dictionary_pages).toBeGreaterThan(0);
      expectRows(arrow.rows, n);
      expectRows((await readBackFile(bucket, keys[0]!, 'parquet-duckdb')).rows, n);
    },
  );

  it('writes no dictionary pages when dictionary_encoding is off', async () => {
    const { bucket, run, keys } = await writeTyped({ compression_codec: 'SNAPPY', dictionary_encoding: false }, 300);
    expect(run.code).toBe(0);
    const arrow = await readBackFile(bucket, keys[0]!, 'parquet-pyarrow');
    expect(arrow.dictionary_pages).toBe(0);
    expectRows(arrow.rows, 300);
  });

  it('writes ZSTD files for several interleaved streams in one sync that DuckDB and pyarrow read back', async () => {
    // Each stream sets up its codec on the encoding worker, where zstd loaded more than once left
    // pages no reader could decompress (the unit test in test/format/parquet reproduces that race;
    // this checks the files of a multi-stream sync with engines that did not write them).
    const bucket = await newBucket('parquet');
    const dir = workDir();
    const config = writeConfig(dir, bucket, { format: { format_type: 'Parquet', compression_codec: 'ZSTD', block_size_mb: 1 } });
    const names = ['first', 'second', 'third'];
    const catalog = writeJson(dir, 'catalog.json', {
      streams: names.map((name) => ({ stream: { name, namespace: 'my-db', json_schema: { type: 'object', properties } }, destination_sync_mode: 'append' })),
    });
    const n = 3000;
    const run = await runConnector(['write', '--config', config, '--catalog', catalog], {
      stdin: Array.from({ length: 3 * n }, (_, i) => record(names[i % 3]!, data(Math.floor(i / 3)), { namespace: 'my-db' })).join('\n'),
    });
    expect(run.code, run.stdout).toBe(0);
    const keys = await listKeys(bucket);
    expect(keys).toHaveLength(3);
    for (const key of keys) {
      const arrow = await readBackFile(bucket, key, 'parquet-pyarrow');
      expect(arrow.codecs).toEqual(['ZSTD']);
      expect(arrow.row_groups).toBeGreaterThanOrEqual(2);
      expectRows(arrow.rows, n);
      expectRows((await readBackFile(bucket, key, 'parquet-duckdb')).rows, n);
    }
  });

  it.each(['LZO', 'LZ4'])('refuses %s with a config_error naming the codecs that work, writing nothing', async (codec) => {
    const { run, keys } = await writeTyped({ compression_codec: codec }, 1);
    expect(run.code).toBe(1);
    expect(run.messages.find((m) => m.type === 'TRACE')!.trace.error).toMatchObject({
      failure_type: 'config_error',
      message: expect.stringMatching(new RegExp(`Parquet codec ${codec} cannot be written.*Choose SNAPPY, ZSTD, GZIP, BROTLI or UNCOMPRESSED`)),
    });
    expect(keys).toEqual([]);
  });
});
