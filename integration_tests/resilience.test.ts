import { afterEach, describe, expect, it } from 'vitest';
import { runConnector, ofType } from '../test/support/run-connector.js';
import { catalogOf, record, streamState } from '../test/support/messages.js';
import { FaultProxy, type Fault } from './support/fault-proxy.js';
import { listKeys, newBucket, openMultipartUploads, readBack, s3Env, workDir, writeConfig, writeJson } from './support/s3.js';

let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
});

async function syncThroughProxy(faults: Fault[], failureRate: number, n: number, stallMs?: number) {
  const bucket = await newBucket('faults');
  proxy = new FaultProxy({ target: s3Env().endpoint, failureRate, faults, ...(stallMs ? { stallMs } : {}) });
  const endpoint = await proxy.start();
  const dir = workDir();
  const config = writeConfig(dir, bucket, { s3_endpoint: endpoint, format: { format_type: 'JSONL', compression: { compression_type: 'No Compression' } } });
  const catalog = writeJson(dir, 'catalog.json', catalogOf([{ name: 'users' }, { name: 'orders' }]));
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(record(i % 2 ? 'users' : 'orders', { id: i, pad: 'r'.repeat(900) }));
    if (i % 1000 === 999) lines.push(streamState('users', i));
  }
  const run = await runConnector(['write', '--config', config, '--catalog', catalog], {
    stdin: lines.join('\n'),
    env: { DESTINATION_S3_PART_BYTES: String(5 * 1024 * 1024), DESTINATION_S3_ROLL_BYTES: String(6 * 1024 * 1024) },
  });
  return { bucket, run };
}

async function idsIn(bucket: string): Promise<number[]> {
  const ids: number[] = [];
  for (const key of await listKeys(bucket)) ids.push(...(await readBack(bucket, key, 'jsonl')).map((r) => r._airbyte_data.id as number));
  return ids.sort((a, b) => a - b);
}

describe('resilience', () => {
  it('completes a sync with exact data while 10% of S3 requests fail with 503 SlowDown, 500 or a reset connection', async () => {
    const n = 20_000; // about 19 MB: several files, each in several parts
    const { bucket, run } = await syncThroughProxy(['503', '500', 'reset'], 0.1, n);
    expect(run.code, run.stdout.slice(-1000)).toBe(0);
    expect(proxy!.faults).toBeGreaterThanOrEqual(3);
    expect(await idsIn(bucket)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(ofType(run, 'STATE')).toHaveLength(20);
    expect(await openMultipartUploads(bucket)).toEqual([]);
  });

  it('waits out a stalled request and still writes every record once', async () => {
    const n = 8000; // a dozen requests; the seeded choice stalls two of them for 10 s each
    const { bucket, run } = await syncThroughProxy(['stall'], 0.3, n, 10_000);
    expect(run.code, run.stdout.slice(-1000)).toBe(0);
    expect(proxy!.faults).toBeGreaterThanOrEqual(1);
    expect(await idsIn(bucket)).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('never prints the secrets of the config, in failing check and write runs', async () => {
    const secret = 'Sup3r-Secret/Value+ForTests';
    const keyId = 'AKIAUNKNOWNKEY123456';
    const bucket = await newBucket('secrets');
    const dir = workDir();
    const outputs: string[] = [];
    const badKey = writeConfig(dir, bucket, { access_key_id: keyId, secret_access_key: secret }, 'bad-key.json');
    const check = await runConnector(['check', '--config', badKey]);
    outputs.push(check.stdout, check.stderr);
    expect(check.messages.at(-1)!.connectionStatus.status).toBe('FAILED');
    const write = await runConnector(['write', '--config', badKey, '--catalog', writeJson(dir, 'c.json', catalogOf([{ name: 'users' }]))], { stdin: record('users', { a: 1 }) });
    outputs.push(write.stdout, write.stderr);
    expect(write.code).toBe(1);
    const badJson = await runConnector(['write', '--config', badKey, '--catalog', writeJson(dir, 'c2.json', catalogOf([{ name: 'users' }]))], { stdin: `not json ${secret}` });
    outputs.push(badJson.stdout, badJson.stderr);
    expect(badJson.code).toBe(1);
    for (const text of outputs) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(keyId);
      expect(text).not.toContain(JSON.stringify(secret).slice(1, -1));
    }
  });
});
