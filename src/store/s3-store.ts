import { createHash } from 'node:crypto';
import type { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import type { ConnectorConfig, ObjectOptions } from '../config/connector-config.js';
import type { MultipartUpload, ObjectMetadata, ObjectStore, StoredObject } from './object-store.js';

/** Amazon S3 or any S3-compatible store, through the AWS SDK v3. */
export class S3ObjectStore implements ObjectStore {
  readonly location: string;
  private readonly client: S3Client;

  constructor(config: ConnectorConfig) {
    this.location = `s3://${config.bucket}`;
    this.bucket = config.bucket;
    this.client = createS3Client(config);
    this.writeParams = objectWriteParams(config.objects);
    this.keyParams = customerKeyParams(config.objects);
  }

  private readonly bucket: string;
  /** Encryption, storage class and ACL, on every request that creates an object. */
  private readonly writeParams: Record<string, string>;
  /** The SSE-C key, on every request that reads or writes object data (empty without SSE-C). */
  private readonly keyParams: Record<string, string>;

  async putObject(key: string, body: Buffer, metadata: ObjectMetadata): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, Metadata: metadata, ...this.writeParams }));
  }

  async startMultipartUpload(key: string, metadata: ObjectMetadata): Promise<MultipartUpload> {
    const created = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, Metadata: metadata, ...this.writeParams }),
    );
    if (!created.UploadId) throw new Error(`CreateMultipartUpload for ${key} returned no UploadId`);
    return new S3MultipartUpload(this.client, this.bucket, key, created.UploadId, this.keyParams);
  }

  /**
   * CopyObject onto itself with new metadata: how a multipart object gets metadata known only at
   * its end (the record count). Server-side, no data passes through the connector; the object's
   * encryption, class and ACL are given again since a copy does not keep them.
   */
  async replaceMetadata(key: string, metadata: ObjectMetadata): Promise<void> {
    const sourceKey = this.keyParams.SSECustomerKey
      ? {
          CopySourceSSECustomerAlgorithm: 'AES256',
          CopySourceSSECustomerKey: this.keyParams.SSECustomerKey,
          CopySourceSSECustomerKeyMD5: this.keyParams.SSECustomerKeyMD5!,
        }
      : {};
    await this.client.send(
      new CopyObjectCommand({
        Bucket: this.bucket,
        Key: key,
        CopySource: `${this.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
        MetadataDirective: 'REPLACE',
        Metadata: metadata,
        ...this.writeParams,
        ...sourceKey,
      }),
    );
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) if (o.Key) yield { key: o.Key, size: o.Size ?? 0 };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async headMetadata(key: string): Promise<ObjectMetadata | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key, ...this.keyParams }));
      return head.Metadata ?? {};
    } catch (err) {
      if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
      throw err;
    }
  }

  async getObject(key: string): Promise<Buffer> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, ...this.keyParams }));
    return Buffer.from(await out.Body!.transformToByteArray());
  }

  async deleteObjects(keys: string[]): Promise<void> {
    // DeleteObjects takes at most 1000 keys per request.
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const out = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      const failed = out.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0]!;
        const err = new Error(`could not delete ${failed.length} object(s), first ${first.Key}: ${first.Code} ${first.Message ?? ''}`);
        err.name = first.Code ?? 'DeleteFailed';
        throw err;
      }
    }
  }

  /**
   * MinIO answers ListMultipartUploads with a Prefix only when the prefix is a whole object key
   * (a prefix like "out/users/" lists nothing), while a listing without prefix lists them all.
   * So when the prefixed listing finds nothing, the bucket-wide one is filtered here instead: one
   * more request, and in-progress uploads are few compared with objects.
   */
  async *listStagedUploads(prefix: string): AsyncIterable<{ key: string; uploadId: string; initiated?: Date }> {
    let found = false;
    for await (const u of this.listUploads(prefix)) {
      found = true;
      yield u;
    }
    if (found || prefix === '') return;
    for await (const u of this.listUploads(undefined)) if (u.key.startsWith(prefix)) yield u;
  }

  private async *listUploads(prefix: string | undefined): AsyncIterable<{ key: string; uploadId: string; initiated?: Date }> {
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const page = await this.client.send(
        new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
      );
      for (const u of page.Uploads ?? []) {
        if (u.Key && u.UploadId) yield { key: u.Key, uploadId: u.UploadId, ...(u.Initiated ? { initiated: u.Initiated } : {}) };
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (keyMarker);
  }

  async abortStagedUpload(key: string, uploadId: string): Promise<void> {
    await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
  }

  close(): void {
    this.client.destroy();
  }
}

class S3MultipartUpload implements MultipartUpload {
  private readonly parts: CompletedPart[] = [];
  private finished = false;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    readonly key: string,
    private readonly uploadId: string,
    private readonly keyParams: Record<string, string>,
  ) {}

  async uploadPart(partNumber: number, body: Buffer): Promise<void> {
    const out = await this.client.send(
      new UploadPartCommand({ Bucket: this.bucket, Key: this.key, UploadId: this.uploadId, PartNumber: partNumber, Body: body, ...this.keyParams }),
    );
    // Only the ETag is kept per part: memory stays flat however large the file grows.
    this.parts.push({ PartNumber: partNumber, ETag: out.ETag });
  }

  /**
   * Idempotent: when an earlier attempt completed the upload but its response was lost, the retry
   * finds no upload (NoSuchUpload; Ceph says NoSuchKey); if the object is there with as many parts,
   * the upload was completed.
   */
  async complete(): Promise<void> {
    const parts = [...this.parts].sort((a, b) => a.PartNumber! - b.PartNumber!);
    try {
      await this.client.send(
        new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId: this.uploadId, MultipartUpload: { Parts: parts } }),
      );
    } catch (err) {
      if (!(await this.completedEarlier(err, parts.length))) throw err;
    }
    this.finished = true;
  }

  private async completedEarlier(err: unknown, partCount: number): Promise<boolean> {
    const name = (err as { name?: string }).name;
    if (name !== 'NoSuchUpload' && name !== 'NoSuchKey') return false;
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key, ...this.keyParams }));
      return (head.ETag ?? '').replaceAll('"', '').endsWith(`-${partCount}`);
    } catch {
      return false;
    }
  }

  async abort(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId: this.uploadId }));
  }
}

/** The session name of assumed-role sessions, as CloudTrail shows them. */
export const ROLE_SESSION_NAME = 'airbyte-destination-s3';

/**
 * Credentials in Airbyte's precedence: the config's access key pair; else role_arn, assumed
 * through STS with the external id from AWS_ASSUME_ROLE_EXTERNAL_ID (the source credentials of
 * that call come from the default chain); else the AWS default provider chain (environment,
 * shared config and profiles, web identity / IRSA, container credentials, instance profile),
 * which the SDK uses when no credentials are given. DESTINATION_S3_STS_ENDPOINT points STS at a
 * local server in tests.
 */
function credentialsFor(config: ConnectorConfig, env: NodeJS.ProcessEnv) {
  const c = config.credentials;
  if (c.kind === 'static') return { credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey } };
  if (c.kind === 'default-chain') return {};
  // The STS client is loaded only for a role (about 0.1 s), and made once.
  let sts: Promise<{ client: STSClient; AssumeRoleCommand: typeof AssumeRoleCommand }> | undefined;
  const stsClient = () =>
    (sts ??= import('@aws-sdk/client-sts').then(({ STSClient, AssumeRoleCommand }) => ({
      client: new STSClient({
        region: config.region || 'us-east-1',
        ...(env.DESTINATION_S3_STS_ENDPOINT ? { endpoint: env.DESTINATION_S3_STS_ENDPOINT } : {}),
      }),
      AssumeRoleCommand,
    })));
  const externalId = env.AWS_ASSUME_ROLE_EXTERNAL_ID;
  // The SDK calls this again before the session expires (it memoizes by `expiration`).
  const assume = async () => {
    const { client, AssumeRoleCommand } = await stsClient();
    const out = await client.send(
      new AssumeRoleCommand({ RoleArn: c.roleArn, RoleSessionName: ROLE_SESSION_NAME, DurationSeconds: 3600, ...(externalId ? { ExternalId: externalId } : {}) }),
    );
    const k = out.Credentials;
    if (!k?.AccessKeyId || !k.SecretAccessKey) throw new Error(`STS AssumeRole of ${c.roleArn} returned no credentials`);
    return { accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey, sessionToken: k.SessionToken, ...(k.Expiration ? { expiration: k.Expiration } : {}) };
  };
  return { credentials: assume };
}

function objectWriteParams(o: ObjectOptions): Record<string, string> {
  const p: Record<string, string> = {};
  if (o.encryption.kind === 'sse-s3') p.ServerSideEncryption = 'AES256';
  if (o.encryption.kind === 'sse-kms') {
    p.ServerSideEncryption = 'aws:kms';
    if (o.encryption.keyId) p.SSEKMSKeyId = o.encryption.keyId;
  }
  if (o.storageClass) p.StorageClass = o.storageClass;
  if (o.acl) p.ACL = o.acl;
  return { ...p, ...customerKeyParams(o) };
}

function customerKeyParams(o: ObjectOptions): Record<string, string> {
  if (o.encryption.kind !== 'sse-c') return {};
  return {
    SSECustomerAlgorithm: 'AES256',
    SSECustomerKey: o.encryption.key.toString('base64'),
    SSECustomerKeyMD5: createHash('md5').update(o.encryption.key).digest('base64'),
  };
}

export function createS3Client(config: ConnectorConfig, env: NodeJS.ProcessEnv = process.env): S3Client {
  const credentials = credentialsFor(config, env);
  return new S3Client({
    region: config.region || (isR2(config.endpoint) ? 'auto' : bucketRegion(config, credentials)),
    ...(config.endpoint ? { endpoint: config.endpoint, forcePathStyle: true } : {}),
    // A blank region on AWS: if GetBucketLocation is not allowed, the bucket's region is still
    // discovered from S3's redirect (the x-amz-bucket-region header) and requests re-signed.
    ...(!config.region && !config.endpoint ? { followRegionRedirects: true } : {}),
    ...credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // The SDK's standard strategy retries throttling (503 SlowDown), 500/502/504, connection resets
    // and timeouts with exponential backoff and full jitter, each request (each part) on its own;
    // anything else (403, 404, 400...) fails at once.
    maxAttempts: 6,
    // A connection that cannot be opened in 10 s, or a request silent for 2 minutes, is retried.
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
  });
}

/** Cloudflare R2 signs with region "auto"; its GetBucketLocation names location hints (ENAM...), not regions. */
const isR2 = (endpoint: string | undefined) => endpoint !== undefined && /\.r2\.cloudflarestorage\.com(:\d+)?(\/|$)/i.test(endpoint);

/**
 * A blank s3_bucket_region: the bucket's region, asked once with GetBucketLocation signed for
 * us-east-1 (which AWS and MinIO answer from any region; AWS says null for us-east-1 and "EU" for
 * the oldest eu-west-1 buckets). A store that refuses or does not know the call (Ceph accepts any
 * region) gets us-east-1, which is what a blank region meant before discovery.
 */
function bucketRegion(config: ConnectorConfig, credentials: ReturnType<typeof credentialsFor>): () => Promise<string> {
  let region: Promise<string> | undefined;
  return () =>
    (region ??= (async () => {
      const probe = new S3Client({
        region: 'us-east-1',
        ...(config.endpoint ? { endpoint: config.endpoint, forcePathStyle: true } : { followRegionRedirects: true }),
        ...credentials,
        maxAttempts: 3,
      });
      try {
        const out = await probe.send(new GetBucketLocationCommand({ Bucket: config.bucket }));
        const location = out.LocationConstraint as string | undefined;
        if (!location) return 'us-east-1';
        return location === 'EU' ? 'eu-west-1' : location;
      } catch {
        return 'us-east-1';
      } finally {
        probe.destroy();
      }
    })());
}
