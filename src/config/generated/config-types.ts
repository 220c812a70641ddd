/* Generated from spec/spec.json by scripts/generate-config-types.mjs. Do not edit. */

/**
 * Access key ID of an identity allowed to list, write and delete objects under the bucket path. Leave empty to use the AWS default credential chain.
 */
export type S3KeyID = string;
/**
 * Secret access key that belongs to the access key ID.
 */
export type S3AccessKey = string;
/**
 * ARN of an AWS role to assume when no access key is given.
 */
export type RoleARN = string;
/**
 * Name of the bucket the files are written to.
 */
export type S3BucketName = string;
/**
 * Folder inside the bucket under which every file is written. Leading and trailing slashes are ignored.
 */
export type S3BucketPath = string;
/**
 * Region of the bucket. Leave empty for S3-compatible stores (us-east-1 is then used to sign requests).
 */
export type S3BucketRegion =
  | ''
  | 'af-south-1'
  | 'ap-east-1'
  | 'ap-northeast-1'
  | 'ap-northeast-2'
  | 'ap-northeast-3'
  | 'ap-south-1'
  | 'ap-south-2'
  | 'ap-southeast-1'
  | 'ap-southeast-2'
  | 'ap-southeast-3'
  | 'ap-southeast-4'
  | 'ca-central-1'
  | 'ca-west-1'
  | 'cn-north-1'
  | 'cn-northwest-1'
  | 'eu-central-1'
  | 'eu-central-2'
  | 'eu-north-1'
  | 'eu-south-1'
  | 'eu-south-2'
  | 'eu-west-1'
  | 'eu-west-2'
  | 'eu-west-3'
  | 'il-central-1'
  | 'me-central-1'
  | 'me-south-1'
  | 'sa-east-1'
  | 'us-east-1'
  | 'us-east-2'
  | 'us-gov-east-1'
  | 'us-gov-west-1'
  | 'us-west-1'
  | 'us-west-2';
/**
 * Format of the output files.
 */
export type OutputFormat =
  CSVCommaSeparatedValues | JSONLinesNewlineDelimitedJSON | AvroApacheAvro | ParquetColumnarStorage;
/**
 * "No flattening" writes each record as JSON in the _airbyte_data column. "Root level flattening" writes each top-level field of the record as its own column.
 */
export type Flattening = 'No flattening' | 'Root level flattening';
/**
 * Compression of each output file. GZIP (the default when this block is absent) adds ".gz" to the file extension, ZSTD adds ".zst".
 */
export type Compression = NoCompression | GZIP | ZSTD;
/**
 * zstd level, 1 (fastest) to 22 (smallest). Default: 3.
 */
export type CompressionLevel = number;
/**
 * "No flattening" writes each record as JSON in the _airbyte_data column. "Root level flattening" writes each top-level field of the record as its own column.
 */
export type Flattening1 = 'No flattening' | 'Root level flattening';
/**
 * Compression of each output file. GZIP (the default when this block is absent) adds ".gz" to the file extension, ZSTD adds ".zst".
 */
export type Compression1 = NoCompression1 | GZIP1 | ZSTD1;
/**
 * zstd level, 1 (fastest) to 22 (smallest). Default: 3.
 */
export type CompressionLevel1 = number;
/**
 * Codec of the Avro data blocks.
 */
export type CompressionCodec = NoCompression2 | Deflate | Bzip2 | Xz | Zstandard | Snappy;
export type DeflateLevel = number;
export type CompressionLevel2 = number;
export type CompressionLevel3 = number;
export type IncludeChecksum = boolean;
/**
 * Codec of the data pages.
 */
export type CompressionCodec1 = 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP' | 'LZO' | 'BROTLI' | 'LZ4' | 'ZSTD';
/**
 * Size of a row group, buffered in memory while it is written. Default: 128 MB.
 */
export type BlockSizeRowGroupSizeMB = number;
/**
 * Largest padding allowed to align row groups. Default: 8 MB.
 */
export type MaxPaddingSizeMB = number;
/**
 * Size of a data page, the unit of compression. Default: 1024 KB.
 */
export type PageSizeKB = number;
/**
 * Size of the dictionary page of a column chunk. Default: 1024 KB.
 */
export type DictionaryPageSizeKB = number;
/**
 * Dictionary-encode columns. Default: true.
 */
export type DictionaryEncoding = boolean;
/**
 * URL of an S3-compatible store (MinIO, Ceph, R2...), addressed path-style. Leave empty for AWS. A file:// URL writes to a local directory through the same code path, for replaying captured messages without a store.
 */
export type S3Endpoint = string;
/**
 * Template of the folder of each stream's files, under the bucket path. Placeholders: ${NAMESPACE} ${STREAM_NAME} ${YEAR} ${MONTH} ${DAY} ${HOUR} ${MINUTE} ${SECOND} ${MILLISECOND} ${EPOCH} ${UUID}, taken at the start of the sync, in UTC. Default: ${NAMESPACE}/${STREAM_NAME}/${YEAR}_${MONTH}_${DAY}_${EPOCH}_
 */
export type S3PathFormat = string;
/**
 * Template of each file name, placed after the path. Placeholders: {date} {date:yyyy_MM} {timestamp} {timestamp:millis} {timestamp:micros} {part_number} {sync_id} {format_extension}. Default: {part_number}{format_extension}
 */
export type FileNamePattern = string;
/**
 * After each sync, write per stream a manifest listing exactly the objects that sync wrote, in the format Redshift's COPY ... MANIFEST reads, at <stream path>manifest-<sync start epoch ms>.json. Default: false.
 */
export type WriteRedshiftCOPYManifests = boolean;
/**
 * How objects are encrypted, beyond the bucket's default. Server-side: SSE-S3 (AES256), SSE-KMS (optionally with a key id), SSE-C (a key you provide, sent with every request). Client-side: every file is encrypted before upload with AES-256-GCM under a fresh data key, itself wrapped by your master key, in the envelope format of the AWS S3 Encryption Client (v2), so that client and compatible tools decrypt it. Default: none.
 */
export type Encryption = None | SSES3AES256 | SSEKMS | SSECCustomerProvidedKey | ClientSideAESGCMEnvelope;
/**
 * Key id, ARN or alias of the KMS key. Empty: the account's AWS managed key (aws/s3).
 */
export type KMSKeyId = string;
/**
 * A 256-bit key, base64 (44 characters). Readers need the same key. Most S3 servers accept SSE-C over HTTPS only.
 */
export type CustomerKey = string;
/**
 * A 256-bit AES key, base64 (44 characters), that wraps each file's data key (AES/GCM key wrap, as the S3 Encryption Client v2 with a symmetric master key). Keep it safe: without it the files cannot be read.
 */
export type MasterKey = string;
/**
 * S3 storage class of every object. Default: STANDARD (not sent, so S3-compatible stores that know no classes work).
 */
export type StorageClass =
  | 'STANDARD'
  | 'STANDARD_IA'
  | 'ONEZONE_IA'
  | 'INTELLIGENT_TIERING'
  | 'GLACIER_IR'
  | 'REDUCED_REDUNDANCY'
  | 'EXPRESS_ONEZONE';
/**
 * A canned ACL for every object. Default: none sent, which is what buckets with ACLs disabled (the S3 default since 2023) require.
 */
export type CannedACL =
  'private' | 'bucket-owner-full-control' | 'bucket-owner-read' | 'public-read' | 'authenticated-read';

export interface S3DestinationSpec {
  access_key_id?: S3KeyID;
  secret_access_key?: S3AccessKey;
  role_arn?: RoleARN;
  s3_bucket_name: S3BucketName;
  s3_bucket_path: S3BucketPath;
  s3_bucket_region: S3BucketRegion;
  format: OutputFormat;
  s3_endpoint?: S3Endpoint;
  s3_path_format?: S3PathFormat;
  file_name_pattern?: FileNamePattern;
  write_redshift_manifest?: WriteRedshiftCOPYManifests;
  encryption?: Encryption;
  storage_class?: StorageClass;
  canned_acl?: CannedACL;
}
export interface CSVCommaSeparatedValues {
  format_type: 'CSV';
  flattening: Flattening;
  compression?: Compression;
}
export interface NoCompression {
  compression_type: 'No Compression';
}
export interface GZIP {
  compression_type: 'GZIP';
}
export interface ZSTD {
  compression_type: 'ZSTD';
  compression_level?: CompressionLevel;
}
export interface JSONLinesNewlineDelimitedJSON {
  format_type: 'JSONL';
  flattening?: Flattening1;
  compression?: Compression1;
}
export interface NoCompression1 {
  compression_type: 'No Compression';
}
export interface GZIP1 {
  compression_type: 'GZIP';
}
export interface ZSTD1 {
  compression_type: 'ZSTD';
  compression_level?: CompressionLevel1;
}
export interface AvroApacheAvro {
  format_type: 'Avro';
  compression_codec: CompressionCodec;
}
export interface NoCompression2 {
  codec: 'no compression';
}
export interface Deflate {
  codec: 'Deflate';
  compression_level: DeflateLevel;
}
export interface Bzip2 {
  codec: 'bzip2';
}
export interface Xz {
  codec: 'xz';
  compression_level: CompressionLevel2;
}
export interface Zstandard {
  codec: 'zstandard';
  compression_level: CompressionLevel3;
  include_checksum: IncludeChecksum;
}
export interface Snappy {
  codec: 'snappy';
}
export interface ParquetColumnarStorage {
  format_type: 'Parquet';
  compression_codec?: CompressionCodec1;
  block_size_mb?: BlockSizeRowGroupSizeMB;
  max_padding_size_mb?: MaxPaddingSizeMB;
  page_size_kb?: PageSizeKB;
  dictionary_page_size_kb?: DictionaryPageSizeKB;
  dictionary_encoding?: DictionaryEncoding;
}
export interface None {
  encryption_type: 'none';
}
export interface SSES3AES256 {
  encryption_type: 'SSE-S3';
}
export interface SSEKMS {
  encryption_type: 'SSE-KMS';
  kms_key_id?: KMSKeyId;
}
export interface SSECCustomerProvidedKey {
  encryption_type: 'SSE-C';
  customer_key: CustomerKey;
}
export interface ClientSideAESGCMEnvelope {
  encryption_type: 'client-side';
  master_key: MasterKey;
}
