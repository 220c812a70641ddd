import { describe, expect, it } from 'vitest';
import { runConnector, traceError } from '../test/support/run-connector.js';
import { catalogOf, record, streamState } from '../test/support/messages.js';
import { listKeys, newBucket, openMultipartUploads, putText, readBack, workDir, writeConfig, writeJson } from './support/s3.js';

type Stream = Parameters<typeof catalogOf>[0][number];

async function sync(dir: string, config: string, streams: Stream[], lines: string[]) {
  const catalog = writeJson(dir, `catalog-${Date.now()}-${Math.random()}.json`, catalogOf(streams));
  return runConnector(['write', '--config', config, '--catalog', catalog], { stdin: lines.join('\n') + '\n' });
}

const usersOf = async (bucket: string) => {
  const ids: unknown[] = [];
  for (const k of (await listKeys(bucket, 'out/users/')).filter((k) => /\.jsonl(\.gz)?$/.test(k))) ids.push(...(await readBack(bucket, k, 'jsonl')).map((r) => r._airbyte_data.id));
  return ids.sort();
};

describe('sync modes', () => {
  it('append only adds files', async () => {
    const bucket = await newBucket('append');
    const dir = workDir();
    const config = writeConfig(dir, bucket);
    expect((await sync(dir, config, [{ name: 'users' }], [record('users', { id: 1 })])).code).toBe(0);
    expect((await sync(dir, config, [{ name: 'users' }], [record('users', { id: 2 })])).code).toBe(0);
    expect(await usersOf(bucket)).toEqual([1, 2]);
  });

  it('overwrite removes the stream’s earlier files once the new ones are complete, and nothing else', async () => {
    const bucket = await newBucket('overwrite');
    const dir = workDir();
    const config = writeConfig(dir, bucket);
    expect((await sync(dir, config, [{ name: 'users' }, { name: 'users_archive' }], [record('users', { id: 1 }), record('users_archive', { id: 'a' })])).code).toBe(0);
    // Objects that share the stream's prefix but that its template cannot render are not ours.
    await putText(bucket, 'out/users/README.txt', 'hands off');
    await putText(bucket, 'elsewhere/users/2020_01_01_1_0.jsonl.gz', 'hands off');
    const run = await sync(dir, config, [{ name: 'users', mode: 'overwrite' }], [record('users', { id: 2 }), record('users', { id: 3 })]);
    expect(run.code, run.stdout).toBe(0);
    expect(await usersOf(bucket)).toEqual([2, 3]);
    const keys = await listKeys(bucket);
    expect(keys).toContain('out/users/README.txt');
    expect(keys).toContain('elsewhere/users/2020_01_01_1_0.jsonl.gz');
    expect(keys.filter((k) => k.startsWith('out/users_archive/'))).toHaveLength(1);
  });

  it('overwrite after a failed sync keeps every earlier file and makes nothing new visible', async () => {
    const bucket = await newBucket('failed-overwrite');
    const dir = workDir();
    const config = writeConfig(dir, bucket, { format: { format_type: 'JSONL', compression: { compression_type: 'No Compression' } } });
    expect((await sync(dir, config, [{ name: 'users' }], [record('users', { id: 1 }), record('users', { id: 2 })])).code).toBe(0);
    const before = await listKeys(bucket);
    const lines = Array.from({ length: 7000 }, (_, i) => record('users', { id: 100 + i, pad: 'z'.repeat(900) }));
    lines.push(streamState('users', 'half'), 'this line is not json');
    const run = await sync(dir, config, [{ name: 'users', mode: 'overwrite' }], lines);
    expect(run.code).not.toBe(0);
    expect(traceError(run)?.failure_type).toBe('system_error');
    expect(await listKeys(bucket)).toEqual(before);
    expect(await usersOf(bucket)).toEqual([1, 2]);
    expect(await openMultipartUploads(bucket)).toEqual([]);
  });

  it('overwrite of a stream that received no records empties it', async () => {
    const bucket = await newBucket('overwrite-empty');
    const dir = workDir();
    const config = writeConfig(dir, bucket);
    expect((await sync(dir, config, [{ name: 'users' }], [record('users', { id: 1 })])).code).toBe(0);
    expect((await sync(dir, config, [{ name: 'users', mode: 'overwrite' }], [])).code).toBe(0);
    expect(await listKeys(bucket)).toEqual([]);
  });

  it('a truncate refresh keeps the current generation’s files and removes older generations', async () => {
    const bucket = await newBucket('generations');
    const dir = workDir();
    const config = writeConfig(dir, bucket);
    // Generation 4, then an attempt of generation 5 that wrote a file before failing.
    expect((await sync(dir, config, [{ name: 'users', generationId: 4, minimumGenerationId: 0 }], [record('users', { id: 'gen4' })])).code).toBe(0);
    expect((await sync(dir, config, [{ name: 'users', generationId: 5, minimumGenerationId: 0 }], [record('users', { id: 'gen5-attempt1' })])).code).toBe(0);
    // Resumed attempt of generation 5 with truncation (minimum_generation_id = generation_id).
    const run = await sync(dir, config, [{ name: 'users', mode: 'overwrite', generationId: 5, minimumGenerationId: 5 }], [record('users', { id: 'gen5-attempt2' })]);
    expect(run.code, run.stdout).toBe(0);
    expect(await usersOf(bucket)).toEqual(['gen5-attempt1', 'gen5-attempt2']);
  });
});
