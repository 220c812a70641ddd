import type { S3DestinationSpec } from './generated/config-types.js';

/** The user's config as the spec describes it (generated from spec/spec.json). */
export type RawConfig = S3DestinationSpec;

export type TextCompression = { kind: 'none' } | { kind: 'gzip' } | { kind: 'zstd'; level: number };
export type Flattening = 'none' | 'root';

export type FormatConfig =
  | { kind: 'jsonl'; flattening: Flattening; compression: TextCompression }
  | { kind: 'csv'; flattening: Flattening; compression: TextCompression }
  | { kind: 'avro'; codec: Record<string, unknown> }
  | { kind: 'parquet'; options: Record<string, unknown> };

export type Credentials =
  | { kind: 'static'; accessKeyId: string; secretAccessKey: string }
  | { kind: 'role'; roleArn: string }
  | { kind: 'default-chain' };

/** The config after validation and defaults: what the rest of the connector reads. */
export interface ConnectorConfig {
  bucket: string;
  /** Without leading or trailing slashes; may be empty. */
  bucketPath: string;
  /** Empty when the user left it blank. */
  region: string;
  /** Undefined for AWS. A `file:` URL selects the local-directory store. */
  endpoint?: string;
  credentials: Credentials;
  pathFormat: string;
  /** Undefined when the user gave none: `{part_number}{format_extension}` is used. */
  fileNamePattern?: string;
  format: FormatConfig;
  /** Write a Redshift COPY manifest per stream after each sync. */
  redshiftManifest: boolean;
  /** Encryption, storage class and ACL of every object written. */
  objects: ObjectOptions;
}

export type Encryption =
  | { kind: 'none' }
  | { kind: 'sse-s3' }
  | { kind: 'sse-kms'; keyId?: string }
  | { kind: 'sse-c'; key: Buffer }
  /** AES-GCM envelope of the S3 Encryption Client v2; masterKey wraps each object's data key. */
  | { kind: 'client-side'; masterKey: Buffer };

export interface ObjectOptions {
  encryption: Encryption;
  /** Undefined for STANDARD: not sent, since some S3-compatible stores know no classes. */
  storageClass?: string;
  acl?: string;
}

export const DEFAULT_PATH_FORMAT = '${NAMESPACE}/${STREAM_NAME}/${YEAR}_${MONTH}_${DAY}_${EPOCH}_';
export const DEFAULT_FILE_NAME_PATTERN = '{part_number}{format_extension}';
