import { describe, expect, it } from 'vitest';
import { runConnector, traceError } from '../test/support/run-connector.js';
import { catalogOf, record } from '../test/support/messages.js';
import { FaultProxy } from './support/fault-proxy.js';
import { listKeys, newBucket, s3Env, workDir, writeConfig, writeJson } from './support/s3.js';

/** An environment without any AWS credentials of the test machine, plus `extra`. */
function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  return { ...clean, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true', ...extra };
}

async function write(label: string, overrides: Record<string, unknown>, extraEnv: Record<string, string>) {
  const bucket = await newBucket(label);
  const dir = workDir();
  const run = await runConnector(['write', '--config', writeConfig(dir, bucket, overrides), '--catalog', writeJson(dir, 'c.json', catalogOf([{ name: 'users' }]))], {
    stdin: record('users', { id: 1 }),
    env: env(extraEnv),
  });
  return { run, bucket };
}

describe('credentials, in Airbyte’s precedence', () => {
  it('uses the access key pair when one is set, even with a role_arn and other credentials in the environment', async () => {
    const { run, bucket } = await write('keys-first', { role_arn: 'arn:aws:iam::123456789012:role/never-assumed' }, {
      // Were STS or the environment used, this sync would fail.
      DESTINATION_S3_STS_ENDPOINT: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'WRONG',
      AWS_SECRET_ACCESS_KEY: 'WRONG',
    });
    expect(run.code, run.stdout.slice(-800)).toBe(0);
    expect(await listKeys(bucket)).toHaveLength(1);
  });

  it('falls back to the AWS default chain (here the environment) when the config has no keys and no role', async () => {
    const e = s3Env();
    const noKeys = { access_key_id: '', secret_access_key: '' };
    const ok = await write('default-chain', noKeys, { AWS_ACCESS_KEY_ID: e.accessKeyId, AWS_SECRET_ACCESS_KEY: e.secretAccessKey });
    expect(ok.run.code, ok.run.stdout.slice(-800)).toBe(0);
    expect(await listKeys(ok.bucket)).toHaveLength(1);
    const bad = await write('default-chain-bad', noKeys, { AWS_ACCESS_KEY_ID: e.accessKeyId, AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
    expect(bad.run.code).toBe(1);
    expect(traceError(bad.run)?.message).toMatch(/signature/i);
  });

  // MinIO implements STS AssumeRole (Ceph RGW needs an IAM setup the test server does not have).
  it.runIf(s3Env().server === 'minio')('assumes role_arn through STS with the external id and a fixed session name, then writes with the session', async () => {
    const e = s3Env();
    const sts = new FaultProxy({ target: e.endpoint, failureRate: 0, faults: [] });
    const stsEndpoint = await sts.start();
    try {
      const roleArn = 'arn:aws:iam::123456789012:role/airbyte-writer';
      const { run, bucket } = await write('assume-role', { access_key_id: '', secret_access_key: '', role_arn: roleArn }, {
        DESTINATION_S3_STS_ENDPOINT: stsEndpoint,
        AWS_ASSUME_ROLE_EXTERNAL_ID: 'ext-4711',
        // The caller's own credentials, from the default chain, sign only the AssumeRole call.
        AWS_ACCESS_KEY_ID: e.accessKeyId,
        AWS_SECRET_ACCESS_KEY: e.secretAccessKey,
      });
      expect(run.code, run.stdout.slice(-800)).toBe(0);
      expect(await listKeys(bucket)).toHaveLength(1);
      const call = new URLSearchParams(sts.log.find((l) => l.body?.includes('Action=AssumeRole'))?.body ?? '');
      expect(Object.fromEntries(call)).toMatchObject({
        Action: 'AssumeRole',
        RoleArn: roleArn,
        RoleSessionName: 'airbyte-destination-s3',
        ExternalId: 'ext-4711',
      });
    } finally {
      await sts.stop();
    }
  });
});
