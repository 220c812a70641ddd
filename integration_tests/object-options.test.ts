import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { GetObjectAclCommand, GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { runConnector } from '../test/support/run-connector.js';
import { catalogOf, record } from '../test/support/messages.js';
import { listKeys, newBucket, s3, s3Env, workDir, writeConfig, writeJson } from './support/s3.js';

const DECRYPT = fileURLToPath(new URL('./support/decrypt_envelope.py', import.meta.url));
const server = () => s3Env().server;
/** Which server-side options the test servers implement (over plain http on loopback). */
const supports = {
  sseS3: () => server() === 'minio',
  sseKms: () => server() === 'minio' || server() === 'ceph',
  kmsKeyId: () => (server() === 'minio' ? 'destination-s3-test' : 'testkey-1'),
  sseC: () => server() === 'ceph', // MinIO accepts SSE-C over TLS only
  storageClass: () => server() === 'minio',
  acl: () => server() === 'ceph', // MinIO ignores ACLs
};

/** Runs one sync of `rows` records into a fresh bucket with these config fields; returns its keys. */
async function sync(label: string, overrides: Record<string, unknown>, rows = 20, env: Record<string, string> = {}, text: (i: number) => string = (i) => `x${i}`) {
  const bucket = await newBucket(label);
  const dir = workDir();
  const lines = Array.from({ length: rows }, (_, i) => record('users', { id: i, text: text(i) })).join('\n');
  const run = await runConnector(['write', '--config', writeConfig(dir, bucket, overrides), '--catalog', writeJson(dir, 'c.json', catalogOf([{ name: 'users' }]))], {
    stdin: lines,
    env,
  });
  expect(run.code, run.stdout.slice(-1500)).toBe(0);
  return { bucket, keys: await listKeys(bucket, 'out/users/') };
}

async function bodyOf(bucket: string, key: string, extra: Record<string, string> = {}): Promise<Buffer> {
  const out = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key, ...extra }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/** About 2 KB of incompressible text per record: 4000 records make a file of several parts. */
const NOISE = () => randomBytes(1500).toString('base64');

const idsIn = (gz: Buffer) => gunzipSync(gz).toString('utf8').trim().split('\n').map((l) => JSON.parse(l)._airbyte_data.id);

describe('object options', () => {
  it('tags every object with its record count, also a multipart one (set after completion)', async () => {
    // 6 MB of poorly compressible text with 5 MiB parts: a two-part upload.
    const { bucket, keys } = await sync('record-count', {}, 4000, { DESTINATION_S3_PART_BYTES: String(5 * 1024 * 1024) }, NOISE);
    expect(keys).toHaveLength(1);
    const head = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: keys[0]! }));
    // Larger than a part, so it went up as a multipart upload (the copy that sets the count
    // afterwards gives it a plain ETag).
    expect(head.ContentLength).toBeGreaterThan(5 * 1024 * 1024);
    expect(head.Metadata).toMatchObject({ 'ab-record-count': '4000', 'ab-sync-id': '7' });
  });

  it.runIf(supports.sseS3())('encrypts with SSE-S3 (AES256)', async () => {
    const { bucket, keys } = await sync('sse-s3', { encryption: { encryption_type: 'SSE-S3' } });
    const head = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: keys[0]! }));
    expect(head.ServerSideEncryption).toBe('AES256');
    expect(idsIn(await bodyOf(bucket, keys[0]!))).toHaveLength(20);
  });

  it.runIf(supports.sseKms())('encrypts with SSE-KMS under the given key id', async () => {
    const { bucket, keys } = await sync('sse-kms', { encryption: { encryption_type: 'SSE-KMS', kms_key_id: supports.kmsKeyId() } });
    const head = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: keys[0]! }));
    expect(head.ServerSideEncryption).toBe('aws:kms');
    expect(head.SSEKMSKeyId).toContain(supports.kmsKeyId());
    expect(idsIn(await bodyOf(bucket, keys[0]!))).toHaveLength(20);
  });

  it.runIf(supports.sseC())('encrypts with SSE-C: readable with the customer key only, multipart included', async () => {
    const key = randomBytes(32);
    const sse = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.toString('base64'), SSECustomerKeyMD5: createHash('md5').update(key).digest('base64') };
    const { bucket, keys } = await sync('sse-c', { encryption: { encryption_type: 'SSE-C', customer_key: key.toString('base64') } }, 4000, {
      DESTINATION_S3_PART_BYTES: String(5 * 1024 * 1024),
    }, NOISE);
    await expect(bodyOf(bucket, keys[0]!)).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    expect(idsIn(await bodyOf(bucket, keys[0]!, sse))).toHaveLength(4000);
    // Ceph 16 refuses the copy that would add the record count to an SSE-C multipart object
    // (501); the connector warns and keeps the data.
    const head = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: keys[0]!, ...sse }));
    expect(head.Metadata?.['ab-sync-id']).toBe('7');
  });

  it('encrypts client-side in the S3 Encryption Client envelope, which an independent AES-GCM implementation decrypts', async () => {
    const master = randomBytes(32).toString('base64');
    const { bucket, keys } = await sync('client-side', { encryption: { encryption_type: 'client-side', master_key: master } }, 4000, {
      DESTINATION_S3_PART_BYTES: String(5 * 1024 * 1024),
    }, NOISE);
    const head = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: keys[0]! }));
    const meta = head.Metadata!;
    expect(meta).toMatchObject({ 'x-amz-cek-alg': 'AES/GCM/NoPadding', 'x-amz-wrap-alg': 'AES/GCM', 'x-amz-tag-len': '128', 'x-amz-matdesc': '{}', 'ab-record-count': '4000' });
    const cipher = await bodyOf(bucket, keys[0]!);
    expect(() => gunzipSync(cipher)).toThrow(); // not readable as stored
    const plain = execFileSync('python3', [DECRYPT, master, JSON.stringify(meta)], { input: cipher, maxBuffer: 1 << 28 });
    expect(idsIn(plain)).toEqual(Array.from({ length: 4000 }, (_, i) => i));
    // GCM authenticates: a wrong master key or one altered byte is refused, not misread.
    expect(() => execFileSync('python3', [DECRYPT, randomBytes(32).toString('base64'), JSON.stringify(meta)], { input: cipher, stdio: 'pipe' })).toThrow();
    cipher[100] = cipher[100]! ^ 1;
    expect(() => execFileSync('python3', [DECRYPT, master, JSON.stringify(meta)], { input: cipher, stdio: 'pipe' })).toThrow();
  });

  it.runIf(supports.storageClass())('writes objects in the configured storage class', async () => {
    const { bucket, keys } = await sync('storage-class', { storage_class: 'REDUCED_REDUNDANCY' });
    const head = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: keys[0]! }));
    expect(head.StorageClass).toBe('REDUCED_REDUNDANCY');
  });

  it.runIf(supports.acl())('applies the configured canned ACL, and none by default', async () => {
    const withAcl = await sync('acl', { canned_acl: 'public-read' });
    const acl = await s3().send(new GetObjectAclCommand({ Bucket: withAcl.bucket, Key: withAcl.keys[0]! }));
    expect(acl.Grants?.some((g) => g.Grantee?.URI?.endsWith('/global/AllUsers') && g.Permission === 'READ')).toBe(true);
    const plain = await sync('no-acl', {});
    const none = await s3().send(new GetObjectAclCommand({ Bucket: plain.bucket, Key: plain.keys[0]! }));
    expect(none.Grants?.some((g) => g.Grantee?.URI?.endsWith('/global/AllUsers'))).toBe(false);
  });
});
