import { execFileSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { CreateBucketCommand, DeleteBucketPolicyCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConnector } from '../test/support/run-connector.js';
import { listKeys, newBucket, openMultipartUploads, s3, s3Env, workDir, writeConfig } from './support/s3.js';
import { selfSignedCertificate, TlsProxy, type TestCertificate } from './support/tls-proxy.js';

async function check(overrides: Record<string, unknown>, bucket?: string, env: NodeJS.ProcessEnv = {}) {
  const b = bucket ?? (await newBucket('check'));
  const run = await runConnector(['check', '--config', writeConfig(workDir(), b, overrides)], { env });
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

/**
 * One action denied at a time by a bucket policy. Ceph RGW applies a policy's explicit Deny to the
 * bucket owner too (as AWS does), so the suite's own user stands for a user whose policy lacks
 * one permission; MinIO's root user bypasses bucket policies, so there the cases cannot be made.
 */
describe.runIf(s3Env().server === 'ceph')('check against a bucket policy that denies one action', () => {
  it.each([
    ['s3:PutObject', /Writing a test object \(PutObject\) failed: access denied .*lack s3:PutObject permission/],
    ['s3:GetObject', /Reading the test object back \(GetObject\) failed: access denied .*lack s3:GetObject permission/],
    ['s3:ListBucket', /Listing the bucket path \(ListObjectsV2\) failed: access denied .*lack s3:ListBucket permission/],
    ['s3:DeleteObject', /Deleting the test object \(DeleteObject\) failed: access denied .*lack s3:DeleteObject permission/],
    ['s3:ListBucketMultipartUploads', /Listing multipart uploads \(ListMultipartUploads\) failed: access denied .*lack s3:ListBucketMultipartUploads permission/],
    ['s3:AbortMultipartUpload', /Aborting a multipart upload \(AbortMultipartUpload\) failed: access denied .*lack s3:AbortMultipartUpload permission/],
  ])('names %s as the missing permission', async (action, message) => {
    const bucket = await newBucket('deny');
    const resources = [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`];
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: action, Resource: resources }] };
    await s3().send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }));
    try {
      const { status } = await check({ s3_bucket_path: 'denied' }, bucket);
      expect(status.status).toBe('FAILED');
      expect(status.message).toMatch(message);
      expect(status.message).toMatch(/Grant it in the IAM or bucket policy\.$/);
    } finally {
      await s3().send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
    }
    // Whatever step failed, check removed what it could write.
    if (action !== 's3:ListBucket' && action !== 's3:DeleteObject') expect(await listKeys(bucket)).toEqual([]);
  });
});

/**
 * A wrong region is refused the way AWS refuses it (AuthorizationHeaderMalformed, naming the
 * bucket's region) by MinIO when it declares its region, as the suite's MinIO does; Ceph RGW
 * accepts a signature for any region, so there is nothing to tell apart there.
 */
describe.runIf(s3Env().server === 'minio')('check with a wrong region', () => {
  it('names the bucket region to configure', async () => {
    const { status } = await check({ s3_bucket_region: 'eu-west-1' });
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/the bucket is in region us-east-1, not the one configured .*Set s3_bucket_region to us-east-1\./);
  });
});

/**
 * A blank s3_bucket_region is discovered (GetBucketLocation) instead of failing: shown on a second
 * MinIO that declares eu-central-1 and so refuses requests signed for any other region.
 */
describe.runIf(s3Env().server === 'minio')('region discovery', () => {
  const script = new URL('../scripts/s3/minio.sh', import.meta.url).pathname;
  const dir = workDir();
  let endpoint = '';
  const bucket = 'region-discovery';

  beforeAll(async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const out = execFileSync('bash', [script, 'start', dir, String(port)], { env: { ...process.env, MINIO_TEST_REGION: 'eu-central-1' }, encoding: 'utf8' });
    endpoint = /^S3_ENDPOINT=(.*)$/m.exec(out)![1]!;
    const client = new S3Client({
      endpoint, region: 'eu-central-1', forcePathStyle: true,
      credentials: { accessKeyId: s3Env().accessKeyId, secretAccessKey: s3Env().secretAccessKey },
    });
    await client.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' } }));
    client.destroy();
  }, 120_000);
  afterAll(() => {
    execFileSync('bash', [script, 'stop', dir]);
  });

  it('signs for the discovered region when s3_bucket_region is blank', async () => {
    const { status } = await check({ s3_endpoint: endpoint, s3_bucket_region: '' }, bucket);
    expect(status).toEqual({ status: 'SUCCEEDED' });
  });

  it('names the region when s3_bucket_region is set to another', async () => {
    const { status } = await check({ s3_endpoint: endpoint, s3_bucket_region: 'us-east-1' }, bucket);
    expect(status.message).toMatch(/the bucket is in region eu-central-1, not the one configured .*Set s3_bucket_region to eu-central-1\./);
  });
});

describe('check over TLS', () => {
  let ipCertificate: TestCertificate;
  let otherHostCertificate: TestCertificate;
  const proxies: TlsProxy[] = [];
  const tlsEndpoint = async (certificate: TestCertificate) => {
    const proxy = new TlsProxy(s3Env().endpoint, certificate);
    proxies.push(proxy);
    return proxy.start();
  };

  beforeAll(() => {
    ipCertificate = selfSignedCertificate('IP:127.0.0.1');
    otherHostCertificate = selfSignedCertificate('DNS:s3.example.test');
  });
  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.stop()));
  });

  it('says a private-CA certificate is untrusted and how to trust it', async () => {
    const { status } = await check({ s3_endpoint: await tlsEndpoint(ipCertificate) });
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/TLS certificate is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\).*NODE_EXTRA_CA_CERTS=/);
  });

  it('succeeds over https once NODE_EXTRA_CA_CERTS names the CA, as the message advises', async () => {
    const { status } = await check({ s3_endpoint: await tlsEndpoint(ipCertificate) }, undefined, { NODE_EXTRA_CA_CERTS: ipCertificate.certPath });
    expect(status).toEqual({ status: 'SUCCEEDED' });
  });

  it('says a trusted certificate names another host', async () => {
    const endpoint = await tlsEndpoint(otherHostCertificate);
    const { status } = await check({ s3_endpoint: endpoint }, undefined, { NODE_EXTRA_CA_CERTS: otherHostCertificate.certPath });
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/TLS certificate is for another host name \(ERR_TLS_CERT_ALTNAME_INVALID\)/);
  });

  it('says the endpoint does not speak TLS when https:// points at a plain-HTTP store', async () => {
    const { status } = await check({ s3_endpoint: s3Env().endpoint.replace(/^http:/, 'https:') });
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/the endpoint does not speak TLS .*write s3_endpoint with http:\/\//);
  });
});
