/**
 * The object-store seam: upload, list, delete. It knows nothing of rows, formats or streams, so a
 * second backend (a local directory, another cloud) only has to implement this file's interfaces.
 */

export interface StoredObject {
  key: string;
  size: number;
}

export type ObjectMetadata = Record<string, string>;

export interface MultipartUpload {
  readonly key: string;
  /** Part numbers start at 1. Every part but the last must be at least MIN_PART_BYTES. */
  uploadPart(partNumber: number, body: Buffer): Promise<void>;
  /** Makes the object visible with the parts uploaded so far, in part-number order. */
  complete(): Promise<void>;
  /** Discards the parts; the object never becomes visible. Safe to call more than once. */
  abort(): Promise<void>;
}

export interface ObjectStore {
  /** Where objects go, for logs: e.g. "s3://bucket" or "file:///tmp/out". */
  readonly location: string;
  putObject(key: string, body: Buffer, metadata: ObjectMetadata): Promise<void>;
  startMultipartUpload(key: string, metadata: ObjectMetadata): Promise<MultipartUpload>;
  /** Every object whose key starts with prefix, in key order. */
  list(prefix: string): AsyncIterable<StoredObject>;
  /** Sets an existing object's user metadata (for what is known only once it is complete). */
  replaceMetadata(key: string, metadata: ObjectMetadata): Promise<void>;
  /** The user metadata of an object, or undefined if it does not exist. */
  headMetadata(key: string): Promise<ObjectMetadata | undefined>;
  getObject(key: string): Promise<Buffer>;
  deleteObjects(keys: string[]): Promise<void>;
  /** Multipart uploads started under prefix and never completed nor aborted. */
  listStagedUploads(prefix: string): AsyncIterable<{ key: string; uploadId: string; initiated?: Date }>;
  /** Aborts one of them. */
  abortStagedUpload(key: string, uploadId: string): Promise<void>;
  /** Releases sockets and handles. */
  close(): void;
}

/** S3's smallest allowed part, except for the last one. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
