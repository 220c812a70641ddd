import { describe, expect, it } from 'vitest';
import { runConnector, ofType, traceError } from '../test/support/run-connector.js';
import { catalogOf, record, streamState, UUID_V4 } from '../test/support/messages.js';
import { head, listKeys, newBucket, openMultipartUploads, readBack, s3Env, workDir, writeConfig, writeJson, writeText } from './support/s3.js';
import { FaultProxy } from './support/fault-proxy.js';


function users(n: number, from = 0): { data: Record<string, unknown>; emittedAt: number }[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return {
      data: {
        id: i,
        name: i % 7 === 0 ? `Zoë "${i}", ünïcode 🚀` : `user-${i}`,
        score: i % 5 === 0 ? null : i * 1.5,
        active: i % 2 === 0,
        address: { city: i % 3 === 0 ? 'Kraków' : 'Lyon', lines: ['a', `line\n${i}`] },
        note: i % 11 === 0 ? '' : `n${i}`,
      },
      emittedAt: 1_700_000_000_000 + i,
    };
  });
}

describe('write', () => {
  it('writes every record of every stream as gzipped JSONL under Airbyte’s default path', async () => {
    const bucket = await newBucket('jsonl');
    const dir = workDir();
    const config = writeConfig(dir, bucket);
    const catalog = writeJson(dir, 'catalog.json', catalogOf([{ name: 'users', namespace: 'public' }, { name: 'orders' }]));
    const u = users(1500);
    const lines: string[] = [];
    u.forEach((r, i) => {
      lines.push(record('users', r.data, { namespace: 'public', emittedAt: r.emittedAt }));
      if (i % 3 === 0) lines.push(record('orders', { order: i, total: i / 100 }));
      if (i % 500 === 499) lines.push(streamState('users', i, 'public'));
    });
    lines.push(streamState('orders', 'done'));
    const started = Date.now();
    const run = await runConnector(['write', '--config', config, '--catalog', catalog], { stdin: lines.join('\n') + '\n' });
    expect(run.code, run.stdout + run.stderr).toBe(0);

    const keys = await listKeys(bucket);
    expect(keys).toHaveLength(2);
    const [ordersKey, usersKey] = keys as [string, string];
    const pattern = (folder: string) => new RegExp(`^out/${folder}/(\\d{4})_(\\d{2})_(\\d{2})_(\\d+)_0\\.jsonl\\.gz$`);
    expect(usersKey).toMatch(pattern('public/users'));
    expect(ordersKey).toMatch(pattern('orders'));
    const epoch = Number(pattern('public/users').exec(usersKey)![4]);
    expect(epoch).toBeGreaterThanOrEqual(started - 1000);
    expect(epoch).toBeLessThanOrEqual(Date.now());

    const rows = await readBack(bucket, usersKey, 'jsonl');
    expect(rows).toHaveLength(1500);
    expect(rows.map((r) => r._airbyte_data)).toEqual(u.map((r) => r.data));
    expect(rows.map((r) => r._airbyte_emitted_at)).toEqual(u.map((r) => r.emittedAt));
    expect(rows.every((r) => UUID_V4.test(r._airbyte_ab_id))).toBe(true);
    expect(new Set(rows.map((r) => r._airbyte_ab_id)).size).toBe(1500);
    expect(Object.keys(rows[0]!)).toEqual(['_airbyte_ab_id', '_airbyte_emitted_at', '_airbyte_data']);
    expect(await readBack(bucket, ordersKey, 'jsonl')).toHaveLength(500);

    const states = ofType(run, 'STATE').map((m) => m.state);
    expect(states.map((s) => s.stream.stream_state.cursor)).toEqual([499, 999, 1499, 'done']);
    expect(states.map((s) => s.destinationStats.recordCount)).toEqual([500, 500, 500, 500]);
    expect(ofType(run, 'LOG').at(-1)!.log.message).toMatch(/^summary: 2000 records/);
    expect(await openMultipartUploads(bucket)).toEqual([]);
  });

  it('writes root-level flattened CSV that an independent CSV reader reads back value for value', async () => {
    const bucket = await newBucket('csv');
    const dir = workDir();
    const config = writeConfig(dir, bucket, {
      format: { format_type: 'CSV', flattening: 'Root level flattening', compression: { compression_type: 'No Compression' } },
    });
    const properties = { id: { type: 'integer' }, name: { type: 'string' }, score: { type: 'number' }, active: { type: 'boolean' }, address: { type: 'object' } };
    const catalog = writeJson(dir, 'catalog.json', catalogOf([{ name: 'users', properties }]));
    const u = users(300);
    const run = await runConnector(['write', '--config', config, '--catalog', catalog], {
      stdin: u.map((r) => record('users', r.data, { emittedAt: r.emittedAt })).join('\n'),
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const [key] = await listKeys(bucket);
    expect(key).toMatch(/^out\/users\/\d{4}_\d{2}_\d{2}_\d+_0\.csv$/);
    const rows = await readBack(bucket, key!, 'csv');
    expect(Object.keys(rows[0]!)).toEqual(['_airbyte_ab_id', '_airbyte_emitted_at', 'active', 'address', 'id', 'name', 'score', '_airbyte_additional_properties']);
    rows.forEach((row, i) => {
      const d = u[i]!.data as Record<string, any>;
      expect(row._airbyte_emitted_at).toBe(String(u[i]!.emittedAt));
      expect(row.id).toBe(String(d.id));
      expect(row.name).toBe(d.name);
      expect(row.score).toBe(d.score === null ? '' : String(d.score));
      expect(row.active).toBe(String(d.active));
      expect(JSON.parse(row.address)).toEqual(d.address);
      // `note` is not declared by the schema: it is kept, as JSON, in the additional-properties column.
      expect(JSON.parse(row._airbyte_additional_properties)).toEqual({ note: d.note });
    });
  });

  it('rolls a new file after the size threshold, each streamed as a multipart upload', async () => {
    const bucket = await newBucket('roll');
    const dir = workDir();
    // Requests pass through a recording proxy: the parts are seen on the wire.
    const proxy = new FaultProxy({ target: s3Env().endpoint, failureRate: 0, faults: [] });
    const endpoint = await proxy.start();
    const config = writeConfig(dir, bucket, { s3_endpoint: endpoint, format: { format_type: 'JSONL', compression: { compression_type: 'No Compression' } } });
    const catalog = writeJson(dir, 'catalog.json', catalogOf([{ name: 'events' }]));
    const pad = 'x'.repeat(900);
    const n = 24_000; // about 24 MB of JSONL
    const lines = Array.from({ length: n }, (_, i) => record('events', { i, pad }));
    const run = await runConnector(['write', '--config', config, '--catalog', catalog], {
      stdin: lines.join('\n') + '\n',
      env: { DESTINATION_S3_ROLL_BYTES: String(11 * 1024 * 1024), DESTINATION_S3_PART_BYTES: String(5 * 1024 * 1024) },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const keys = await listKeys(bucket);
    expect(keys.length).toBe(3);
    expect(keys.map((k) => Number(/_(\d+)\.jsonl$/.exec(k)![1])).sort()).toEqual([0, 1, 2]);
    // A rolled file was uploaded in parts (UploadPart requests), never as one buffer.
    await proxy.stop();
    const firstKey = keys.find((k) => k.endsWith('_0.jsonl'))!;
    const parts = proxy.log.filter((l) => l.method === 'PUT' && l.path.includes(firstKey) && /[?&]partNumber=\d+/.test(l.path));
    expect(parts.map((l) => Number(/partNumber=(\d+)/.exec(l.path)![1])).sort()).toEqual([1, 2, 3]);
    const first = await head(bucket, firstKey);
    expect(first.ContentLength).toBeGreaterThanOrEqual(11 * 1024 * 1024);
    const seen: number[] = [];
    for (const k of keys) seen.push(...(await readBack(bucket, k, 'jsonl')).map((r) => r._airbyte_data.i as number));
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('holds states until their records are in a completed file, without a file per state', async () => {
    const bucket = await newBucket('states');
    const dir = workDir();
    const config = writeConfig(dir, bucket);
    const catalog = writeJson(dir, 'catalog.json', catalogOf([{ name: 'users' }]));
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      lines.push(record('users', { i }));
      if (i % 10 === 9) lines.push(streamState('users', i));
    }
    const run = await runConnector(['write', '--config', config, '--catalog', catalog], { stdin: lines.join('\n') });
    expect(run.code).toBe(0);
    expect(await listKeys(bucket)).toHaveLength(1);
    const states = ofType(run, 'STATE');
    expect(states).toHaveLength(300);
    expect(states.map((m) => m.state.stream.stream_state.cursor)).toEqual(Array.from({ length: 300 }, (_, k) => k * 10 + 9));
    expect(states.every((m) => m.state.destinationStats.recordCount === 10)).toBe(true);
    // Every state comes after the file that holds its records was completed: none before the summary's upload.
    const firstState = run.messages.findIndex((m) => m.type === 'STATE');
    expect(run.messages.slice(0, firstState).every((m) => m.type === 'LOG')).toBe(true);
  });

  it('continues part numbers after the files already in the stream folder and never overwrites one', async () => {
    const bucket = await newBucket('parts');
    const dir = workDir();
    const config = writeConfig(dir, bucket, { s3_path_format: '${NAMESPACE}/${STREAM_NAME}/' });
    const catalog = writeJson(dir, 'catalog.json', catalogOf([{ name: 'users' }]));
    for (const batch of [0, 1, 2]) {
      const run = await runConnector(['write', '--config', config, '--catalog', catalog], { stdin: record('users', { batch }) });
      expect(run.code).toBe(0);
    }
    const keys = await listKeys(bucket);
    expect(keys).toEqual(['out/users/0.jsonl.gz', 'out/users/1.jsonl.gz', 'out/users/2.jsonl.gz']);
    expect((await readBack(bucket, "out/users/2.jsonl.gz", "jsonl"))[0]!._airbyte_data).toEqual({ batch: 2 });
  });

  it('adds a counter instead of overwriting when the file name pattern has no part number', async () => {
    const bucket = await newBucket('pattern');
    const dir = workDir();
    const config = writeConfig(dir, bucket, { s3_path_format: '${STREAM_NAME}/', file_name_pattern: 'data{format_extension}' });
    const catalog = writeJson(dir, 'catalog.json', catalogOf([{ name: 'users' }]));
    for (const batch of [0, 1]) {
      expect((await runConnector(['write', '--config', config, '--catalog', catalog], { stdin: record('users', { batch }) })).code).toBe(0);
    }
    expect(await listKeys(bucket)).toEqual(['out/users/data.jsonl.gz', 'out/users/data_1.jsonl.gz']);
  });

  it('tags every object with the catalog’s generation id, the sync id and its record count', async () => {
    const bucket = await newBucket('generation');
    const dir = workDir();
    const config = writeConfig(dir, bucket);
    const catalog = writeJson(dir, 'catalog.json', catalogOf([{ name: 'users', generationId: 12, minimumGenerationId: 0 }]));
    const stdin = [record('users', { a: 1 }), record('users', { a: 2 })].join('\n');
    expect((await runConnector(['write', '--config', config, '--catalog', catalog], { stdin })).code).toBe(0);
    const [key] = await listKeys(bucket);
    expect((await head(bucket, key!)).Metadata).toEqual({ 'ab-generation-id': '12', 'ab-sync-id': '7', 'ab-record-count': '2' });
  });

  it('ends with a system_error TRACE, a non-zero exit and no visible object on a record for an unknown stream', async () => {
    const bucket = await newBucket('unknown');
    const dir = workDir();
    const config = writeConfig(dir, bucket, { format: { format_type: 'JSONL', compression: { compression_type: 'No Compression' } } });
    const catalog = writeJson(dir, 'catalog.json', catalogOf([{ name: 'users' }]));
    // Enough data that a multipart upload is in flight when the bad record arrives.
    const lines = Array.from({ length: 8000 }, (_, i) => record('users', { i, pad: 'y'.repeat(900) }));
    lines.push(streamState('users', 1), record('ghosts', { boo: true }));
    const run = await runConnector(['write', '--config', config, '--catalog', catalog], {
      stdin: lines.join('\n'),
      env: { DESTINATION_S3_PART_BYTES: String(5 * 1024 * 1024) },
    });
    expect(run.code).not.toBe(0);
    const error = traceError(run)!;
    expect(error.failure_type).toBe('system_error');
    expect(error.message).toMatch(/stream ghosts, which is not in the configured catalog/);
    expect(ofType(run, 'STATE')).toEqual([]);
    expect(await listKeys(bucket)).toEqual([]);
    expect(await openMultipartUploads(bucket)).toEqual([]);
  });

  it('ends with a system_error TRACE naming the line when the input is not JSON', async () => {
    const bucket = await newBucket('badjson');
    const dir = workDir();
    const run = await runConnector(['write', '--config', writeConfig(dir, bucket), '--catalog', writeJson(dir, 'c.json', catalogOf([{ name: 'users' }]))], {
      stdin: [record('users', { a: 1 }), '{"type": "RECORD", oops'].join('\n'),
    });
    expect(run.code).not.toBe(0);
    expect(traceError(run)).toMatchObject({ failure_type: 'system_error', message: expect.stringMatching(/Input line 2 is not valid JSON/) });
    expect(await listKeys(bucket)).toEqual([]);
  });

  it.each([
    ['append_dedup in the catalog', {}, catalogOf([{ name: 'users', mode: 'append_dedup' }]), /append_dedup/],
    ['a config without a format', { format: undefined }, catalogOf([{ name: 'users' }]), /format is required/],
    ['an unreadable catalog', {}, '{not json', /catalog file .* is not valid JSON/],
  ])('refuses %s with a config_error before writing anything', async (_label, overrides, catalogValue, message) => {
    const bucket = await newBucket('refuse');
    const dir = workDir();
    const catalog = typeof catalogValue === 'string' ? writeText(dir, 'c.json', catalogValue) : writeJson(dir, 'c.json', catalogValue);
    const run = await runConnector(['write', '--config', writeConfig(dir, bucket, overrides), '--catalog', catalog], { stdin: record('users', { a: 1 }) });
    expect(run.code).not.toBe(0);
    expect(traceError(run)).toMatchObject({ failure_type: 'config_error', message: expect.stringMatching(message) });
    expect(await listKeys(bucket)).toEqual([]);
  });
});
