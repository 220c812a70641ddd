import { describe, expect, it } from 'vitest';
import { runConnector } from '../test/support/run-connector.js';
import { listKeys, newBucket, openMultipartUploads, s3Env, workDir, writeConfig } from './support/s3.js';

async function check(overrides: Record<string, unknown>, bucket?: string) {
  const b = bucket ?? (await newBucket('check'));
  const run = await runConnector(['check', '--config', writeConfig(workDir(), b, overrides)]);
  expect(run.code).toBe(0);
  expect(run.messages.filter((m) => m.type === 'CONNECTION_STATUS')).toHaveLength(1);
  return { bucket: b, status: run.messages.find((m) => m.type === 'CONNECTION_STATUS')!.connectionStatus };
}

describe('check', () => {
  it('succeeds and leaves nothing behind: no object, no multipart upload', async () => {
    const { bucket, status } = await check({ s3_bucket_path: 'some/deep/path' });
    expect(status).toEqual({ status: 'SUCCEEDED' });
    expect(await listKeys(bucket)).toEqual([]);
    expect(await openMultipartUploads(bucket)).toEqual([]);
  });

  it.each([
    ['a wrong secret', { secret_access_key: 'wrong-secret' }, /Writing a test object \(PutObject\) failed: .*secret access key is wrong.*secret_access_key/],
    ['an unknown access key', { access_key_id: 'NOSUCHKEY' }, /access key ID is not known.*access_key_id/],
    ['a missing bucket', { s3_bucket_name: 'no-such-bucket-for-check' }, /bucket does not exist.*s3_bucket_name/],
    ['an unreachable endpoint', { s3_endpoint: 'http://127.0.0.1:9' }, /endpoint is unreachable \(ECONNREFUSED\).*s3_endpoint/],
    ['an invalid config', { s3_bucket_region: 'moon-1' }, /s3_bucket_region must be one of/],
  ])('fails with %s, naming the failing step and the fix', async (_label, overrides: Record<string, unknown>, message) => {
    const { status } = await check(overrides, overrides.s3_bucket_name as string | undefined ?? (await newBucket('check')));
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(message);
    // Secrets never appear in what the connector prints.
    expect(status.message).not.toContain('wrong-secret');
    expect(status.message).not.toContain(s3Env().secretAccessKey);
  });
});
