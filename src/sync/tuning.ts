import { ConfigError } from '../errors.js';
import { MIN_PART_BYTES } from '../store/object-store.js';

/**
 * Operational knobs that are not part of the user-facing spec. Each can be overridden through an
 * environment variable, which tests use to force rolling with small files.
 */
export interface Tuning {
  /** A file is completed and a new one opened once its compressed size reaches this. */
  rollBytes: number;
  /** Multipart part size. */
  partBytes: number;
  /** Open files per stream at most, with ${FIELD:...} partitions; the least recently used rolls. */
  maxOpenFilesPerStream: number;
  /** Open files across all streams at most; opening one more stages the least recently written. */
  maxOpenFiles: number;
  /** Bytes all open files may hold waiting to become parts; beyond, the fullest is staged. */
  maxBufferedBytes: number;
  /** Staged uploads waiting for a commit that make the next STATE commit. */
  maxStagedFiles: number;
  /** Part uploads in flight across all files. */
  uploadConcurrency: number;
  /** Held states older than this make the next STATE commit (every open file ends there). */
  flushIntervalMs: number;
  /**
   * Held states larger than this in total force every open file to complete, so a source that
   * emits a state per record cannot fill memory with states waiting for a 200 MiB file.
   */
  maxHeldStateBytes: number;
  /** Rows all open Parquet files may buffer for their next row groups, together. */
  parquetMemoryBytes: number;
  /** How often a long write logs its progress. */
  progressIntervalMs: number;
  /** Longest accepted input line (one message). */
  maxLineBytes: number;
}

const MB = 1024 * 1024;

export function readTuning(env: NodeJS.ProcessEnv = process.env): Tuning {
  const num = (name: string, fallback: number, min: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min) {
      throw new ConfigError(`Environment variable ${name}=${raw} is invalid: use a number >= ${min}.`);
    }
    return value;
  };
  return {
    rollBytes: num('DESTINATION_S3_ROLL_BYTES', 200 * MB, 1),
    partBytes: num('DESTINATION_S3_PART_BYTES', 8 * MB, MIN_PART_BYTES),
    maxOpenFilesPerStream: num('DESTINATION_S3_MAX_OPEN_FILES_PER_STREAM', 16, 1),
    maxOpenFiles: num('DESTINATION_S3_MAX_OPEN_FILES', 128, 1),
    maxBufferedBytes: num('DESTINATION_S3_MAX_BUFFERED_BYTES', 96 * MB, 1),
    maxStagedFiles: num('DESTINATION_S3_MAX_STAGED_FILES', 1000, 1),
    uploadConcurrency: num('DESTINATION_S3_UPLOAD_CONCURRENCY', 4, 1),
    flushIntervalMs: num('DESTINATION_S3_FLUSH_INTERVAL_SECONDS', 15 * 60, 0) * 1000,
    maxHeldStateBytes: num('DESTINATION_S3_MAX_HELD_STATE_BYTES', 16 * MB, 1),
    parquetMemoryBytes: num('DESTINATION_S3_PARQUET_MEMORY_BYTES', 6 * MB, 1024 * 1024),
    progressIntervalMs: num('DESTINATION_S3_PROGRESS_INTERVAL_SECONDS', 5, 0.1) * 1000,
    maxLineBytes: num('DESTINATION_S3_MAX_LINE_BYTES', 64 * MB + 64 * 1024, 1024),
  };
}
