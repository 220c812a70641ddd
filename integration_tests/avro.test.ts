import { describe, expect, it } from 'vitest';
import { runConnector, ofType } from '../test/support/run-connector.js';
import { record, UUID_V4 } from '../test/support/messages.js';
import { listKeys, newBucket, readBackFile, workDir, writeConfig, writeJson } from './support/s3.js';
import { data, expected, properties } from './support/typed-stream.js';

const CODECS = [
  [{ codec: 'no compression' }, 'null'],
  [{ codec: 'Deflate', compression_level: 6 }, 'deflate'],
  [{ codec: 'bzip2' }, 'bzip2'],
  [{ codec: 'xz', compression_level: 6 }, 'xz'],
  [{ codec: 'zstandard', compression_level: 3, include_checksum: true }, 'zstandard'],
  [{ codec: 'snappy' }, 'snappy'],
] as const;

describe('Avro', () => {
  it.each(CODECS)('writes %j blocks that fastavro reads back value for value', async (codec, codecName) => {
    const bucket = await newBucket('avro');
    const dir = workDir();
    const config = writeConfig(dir, bucket, { format: { format_type: 'Avro', compression_codec: codec } });
    const catalog = writeJson(dir, 'catalog.json', {
      streams: [{ stream: { name: 'typed rows', namespace: 'my-db', json_schema: { type: 'object', properties } }, destination_sync_mode: 'append' }],
    });
    const n = 2500; // several blocks of ~256 KB
    const run = await runConnector(['write', '--config', config, '--catalog', catalog], {
      stdin: Array.from({ length: n }, (_, i) => record('typed rows', data(i), { namespace: 'my-db' })).join('\n'),
    });
    expect(run.code, run.stdout).toBe(0);
    const warning = ofType(run, 'LOG').find((m) => m.log.level === 'WARN');
    expect(warning?.log.message).toBe('my-db.typed rows: 1 value(s) did not match their declared type and were written as null: bad_int (1)');

    const [key] = await listKeys(bucket);
    expect(key).toMatch(/^out\/my-db\/typed_rows\/\d{4}_\d{2}_\d{2}_\d+_0\.avro$/);
    const file = await readBackFile(bucket, key!, 'avro');
    expect(file.codec).toBe(codecName);
    // fastavro reports the record's full name: namespace my_db, name typed_rows.
    expect(file.schema).toMatchObject({ type: 'record', name: 'my_db.typed_rows', doc: '_airbyte_original_name:typed rows' });
    expect(file.rows).toHaveLength(n);
    file.rows.forEach((row, i) => {
      const { _airbyte_ab_id, ...rest } = row;
      expect(_airbyte_ab_id).toMatch(UUID_V4);
      expect(rest).toEqual(expected(i));
    });
  });

  it('refuses an out-of-range codec level with a config_error', async () => {
    const bucket = await newBucket('avro-level');
    const dir = workDir();
    const config = writeConfig(dir, bucket, { format: { format_type: 'Avro', compression_codec: { codec: 'xz', compression_level: 12 } } });
    const run = await runConnector(['write', '--config', config, '--catalog', writeJson(dir, 'c.json', { streams: [{ stream: { name: 's', json_schema: {} } }] })], { stdin: '' });
    expect(run.code).toBe(1);
    expect(run.messages.find((m) => m.type === 'TRACE')!.trace.error).toMatchObject({
      failure_type: 'config_error',
      message: expect.stringMatching(/format.compression_codec.compression_level must be <= 9/),
    });
  });
});

describe('Avro zstandard frames', () => {
  it('carry a content checksum that an independent decoder verifies, and rejects when corrupted', async () => {
    const { avroCodec } = await import('../src/format/avro/avro-codecs.js');
    const { execFileSync } = await import('node:child_process');
    const codec = await avroCodec({ codec: 'zstandard', compression_level: 3, include_checksum: true });
    const block = Buffer.from('checksummed block '.repeat(5000));
    const frame = (await codec.compress(block)) as Buffer;
    const decode = (bytes: Buffer) =>
      execFileSync('python3', ['-c', 'import sys\ntry:\n from compression import zstd\nexcept ImportError:\n from backports import zstd\nsys.stdout.buffer.write(zstd.decompress(sys.stdin.buffer.read()))'], { input: bytes, stdio: ['pipe', 'pipe', 'pipe'] });
    expect(decode(frame).equals(block)).toBe(true);
    const corrupted = Buffer.from(frame);
    corrupted[corrupted.length - 1] = corrupted[corrupted.length - 1]! ^ 0xff;
    expect(() => decode(corrupted)).toThrow();
  });
});
