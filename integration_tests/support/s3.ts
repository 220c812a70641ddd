import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { inject } from 'vitest';

export const s3Env = () => inject('s3');

let client: S3Client | undefined;
/** A plain SDK client for arranging and inspecting the bucket, independent of the connector's store code. */
export function s3(): S3Client {
  const env = s3Env();
  client ??= new S3Client({
    endpoint: env.endpoint,
    region: env.region,
    forcePathStyle: true,
    credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return client;
}

let counter = 0;
export async function newBucket(label: string): Promise<string> {
  const name = `t-${label}-${process.pid}-${Date.now().toString(36)}-${counter++}`.toLowerCase().slice(0, 63);
  try {
    await s3().send(new CreateBucketCommand({ Bucket: name }));
  } catch (err) {
    // Ceph answers 200 and s3rver 409 for a bucket we already own.
    if ((err as { name?: string }).name !== 'BucketAlreadyOwnedByYou') throw err;
  }
  return name;
}

export async function listKeys(bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

export async function getBytes(bucket: string, key: string): Promise<Buffer> {
  const out = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

export async function head(bucket: string, key: string) {
  return s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
}

export async function putText(bucket: string, key: string, body: string, metadata: Record<string, string> = {}): Promise<void> {
  await s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, Metadata: metadata }));
}

export async function openMultipartUploads(bucket: string): Promise<string[]> {
  const out = await s3().send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return (out.Uploads ?? []).map((u) => u.Key!);
}

const READ_BACK = fileURLToPath(new URL('./read_back.py', import.meta.url));

/** Reads an object back with Python's gzip/csv/json or fastavro (see read_back.py). */
export async function readBack(bucket: string, key: string, format: 'jsonl' | 'csv'): Promise<Record<string, any>[]> {
  return (await readBackFile(bucket, key, format)).rows;
}

export async function readBackFile(
  bucket: string,
  key: string,
  format: 'jsonl' | 'csv' | 'avro' | 'parquet-pyarrow' | 'parquet-duckdb',
): Promise<{ rows: Record<string, any>[]; codec?: string; schema?: Record<string, any>; row_groups?: number; codecs?: string[]; dictionary_pages?: number }> {
  const bytes = await getBytes(bucket, key);
  const out = execFileSync('python3', [READ_BACK, format], { input: bytes, maxBuffer: 1 << 30 });
  return JSON.parse(out.toString('utf8'));
}

const DUCKDB_QUERY = fileURLToPath(new URL('./duckdb_query.py', import.meta.url));

/** Runs a query with DuckDB (the Python package) and returns its rows. */
export function duckdb(sql: string): Record<string, any>[] {
  return JSON.parse(execFileSync('python3', [DUCKDB_QUERY, sql], { maxBuffer: 1 << 30 }).toString('utf8'));
}

/** Copies every object under a prefix into a local folder, keeping the key as the path. */
export async function download(bucket: string, prefix: string, dir: string): Promise<string[]> {
  const keys = await listKeys(bucket, prefix);
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++]!;
      const path = join(dir, ...key.split('/'));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, await getBytes(bucket, key));
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return keys;
}

export function workDir(): string {
  return mkdtempSync(join(tmpdir(), 'destination-s3-it-'));
}

/** Writes a connector config for the test S3 server; `format` and other fields may be overridden. */
export function writeConfig(dir: string, bucket: string, overrides: Record<string, unknown> = {}, name = 'config.json'): string {
  const env = s3Env();
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      access_key_id: env.accessKeyId,
      secret_access_key: env.secretAccessKey,
      s3_bucket_name: bucket,
      s3_bucket_path: 'out',
      s3_bucket_region: '',
      s3_endpoint: env.endpoint,
      format: { format_type: 'JSONL' },
      ...overrides,
    }),
  );
  return path;
}

export function writeText(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

export function writeJson(dir: string, name: string, value: unknown): string {
  return writeText(dir, name, JSON.stringify(value));
}
