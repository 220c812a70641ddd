import { describe, expect, it } from 'vitest';
import { InteractiveConnector, runConnector, ofType } from '../test/support/run-connector.js';
import { catalogOf, record, streamState } from '../test/support/messages.js';
import { listKeys, newBucket, openMultipartUploads, readBack, workDir, writeConfig, writeJson } from './support/s3.js';

async function setUp(label: string, format: Record<string, unknown> = { format_type: 'JSONL' }) {
  const bucket = await newBucket(label);
  const dir = workDir();
  const config = writeConfig(dir, bucket, { format });
  const catalog = writeJson(dir, 'catalog.json', catalogOf([{ name: 'users' }, { name: 'orders' }]));
  return { bucket, args: ['write', '--config', config, '--catalog', catalog] };
}

describe('checkpoints', () => {
  it('echoes a state mid-sync, with its records already visible, once the flush interval has passed', async () => {
    const { bucket, args } = await setUp('flush');
    const c = new InteractiveConnector(args, { DESTINATION_S3_FLUSH_INTERVAL_SECONDS: '0' });
    await c.send([record('users', { id: 1 }), record('orders', { id: 10 }), streamState('users', 1)]);
    const first = await c.waitFor((m) => m.type === 'STATE');
    expect(first.state.stream.stream_state).toEqual({ cursor: 1 });
    // Every record before the state is already in S3 while the sync is still running.
    const keys = await listKeys(bucket);
    expect(keys).toHaveLength(2);
    expect((await readBack(bucket, keys.find((k) => k.includes('/users/'))!, 'jsonl'))[0]!._airbyte_data).toEqual({ id: 1 });
    await c.send([record('users', { id: 2 }), streamState('users', 2)]);
    c.end();
    expect((await c.exited).code).toBe(0);
    expect(c.messages.filter((m) => m.type === 'STATE').map((m) => m.state.stream.stream_state.cursor)).toEqual([1, 2]);
    expect(await listKeys(bucket)).toHaveLength(3);
  });

  it('completes open files early when held states would take too much memory', async () => {
    const { bucket, args } = await setUp('held-bytes');
    const lines: string[] = [];
    for (let i = 0; i < 100; i++) lines.push(record('users', { i }), streamState('users', i));
    const run = await runConnector(args, { stdin: lines.join('\n'), env: { DESTINATION_S3_MAX_HELD_STATE_BYTES: '2000' } });
    expect(run.code).toBe(0);
    expect(ofType(run, 'STATE')).toHaveLength(100);
    const keys = await listKeys(bucket);
    expect(keys.length).toBeGreaterThan(3);
    expect(keys.length).toBeLessThan(20);
    let rows = 0;
    for (const k of keys) rows += (await readBack(bucket, k, 'jsonl')).length;
    expect(rows).toBe(100);
  });

  it('logs progress while a long write runs, per stream', async () => {
    const { args } = await setUp('progress');
    const c = new InteractiveConnector(args, { DESTINATION_S3_PROGRESS_INTERVAL_SECONDS: '0.2' });
    await c.send([record('users', { id: 1 }), record('orders', { id: 2 })]);
    // The first lines may come before the two records are read (startup lists the stream folders).
    const progress = await c.waitFor((m) => m.type === 'LOG' && m.log.message.startsWith('progress: 2 records'));
    expect(progress.log.message).toMatch(/^progress: 2 records, .* in \(.*\/s\) over .* s; 0 files completed, .* written; states echoed 0, held 0 \| users: 1 records, 0 files, .*; orders: 1 records/);
    c.end();
    expect((await c.exited).code).toBe(0);
    expect(c.messages.filter((m) => m.type === 'LOG').at(-1)!.log.message).toMatch(/^summary: 2 records/);
  });

  it('on SIGTERM aborts the uploads in progress, reports the cancellation and leaves nothing visible', async () => {
    const { bucket, args } = await setUp('sigterm', { format_type: 'JSONL', compression: { compression_type: 'No Compression' } });
    const c = new InteractiveConnector(args, { DESTINATION_S3_PART_BYTES: String(5 * 1024 * 1024) });
    const pad = 'p'.repeat(1000);
    await c.send(Array.from({ length: 6000 }, (_, i) => record('users', { i, pad })));
    // Wait until a multipart upload of the open file is under way.
    for (let i = 0; i < 100 && (await openMultipartUploads(bucket)).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await openMultipartUploads(bucket)).toHaveLength(1);
    c.kill('SIGTERM');
    const exit = await c.exited;
    expect(exit.code).toBe(1);
    const trace = c.messages.find((m) => m.type === 'TRACE')!;
    expect(trace.trace.error.message).toMatch(/cancelled by SIGTERM/);
    expect(await listKeys(bucket)).toEqual([]);
    expect(await openMultipartUploads(bucket)).toEqual([]);
  });
});
