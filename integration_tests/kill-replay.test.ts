import { describe, expect, it } from 'vitest';
import { countIds, killAndReplay, type KillReplayOptions, type KillReplayReport } from './support/kill-replay.js';
import { newBucket, openMultipartUploads } from './support/s3.js';

/**
 * Exactly-once across crashes: SIGKILL at random points, resume from the last echoed state, and
 * every record must be in the bucket exactly once. CI runs a few MB per format; the full 1 GB
 * runs with `npm run bench:kill-replay` (KILL_REPLAY_MB=1024).
 */
const MB = Number(process.env.KILL_REPLAY_MB ?? 32);
const KILLS = Number(process.env.KILL_REPLAY_KILLS ?? 10);
const SEED = Number(process.env.KILL_REPLAY_SEED ?? 20261122);
const RECORD_BYTES = 1000;

function summary(r: KillReplayReport): string {
  const { echoWindowFiles: _files, ...figures } = r;
  return JSON.stringify(figures);
}

function options(bucket: string, format: Record<string, unknown>, seed: number): KillReplayOptions {
  const messages = Math.round((MB * 1024 * 1024) / (RECORD_BYTES + 150));
  return {
    bucket,
    format,
    messages,
    recordBytes: RECORD_BYTES,
    stateEvery: 50,
    kills: KILLS,
    maxKillAfterEchoes: Math.max(2, Math.round(MB / 64)),
    maxKillDelayMs: 150,
    seed,
    // Small files and a short flush interval, so that commits are frequent and kills often land inside one.
    env: { DESTINATION_S3_ROLL_BYTES: String(Math.max(32 * 1024, MB * 4 * 1024)), DESTINATION_S3_FLUSH_INTERVAL_SECONDS: '0.1' },
  };
}

/**
 * Every record once, all ids present. The one allowed exception is documented in the README
 * ("Delivery guarantees"): a kill between the commit's last S3 request and the write of its states
 * (one DeleteObjects round trip) duplicates exactly that commit's records. The harness detects such
 * kills from outside (markers gone, states not written); duplicates must be exactly their rows.
 */
function expectExactlyOnce(report: KillReplayReport, ids: Awaited<ReturnType<typeof countIds>>): void {
  expect(ids.stray).toEqual([]);
  expect(ids.distinct).toBe(report.records);
  expect(ids.min).toBe(0);
  expect(ids.duplicates).toBe(ids.explained);
  expect(ids.rows).toBe(report.records + ids.explained);
}

describe('kill and replay', () => {
  it('keeps every record exactly once in gzipped JSONL across SIGKILLs at random points', { timeout: 1_800_000 }, async () => {
    const bucket = await newBucket('kill-jsonl');
    const report = await killAndReplay(options(bucket, { format_type: 'JSONL', compression: { compression_type: 'GZIP' } }, SEED));
    console.log(`kill-replay JSONL: ${summary(report)}`);
    expect(report.kills).toBe(KILLS);
    expectExactlyOnce(report, await countIds(bucket, 'jsonl', report));
    expect(await openMultipartUploads(bucket)).toEqual([]);
  });

  it('keeps every record exactly once in Parquet across SIGKILLs at random points', { timeout: 1_800_000 }, async () => {
    const bucket = await newBucket('kill-parquet');
    const format = { format_type: 'Parquet', compression_codec: 'SNAPPY', block_size_mb: 1, page_size_kb: 256 };
    const report = await killAndReplay(options(bucket, format, SEED + 1));
    console.log(`kill-replay Parquet: ${summary(report)}`);
    expect(report.kills).toBe(KILLS);
    expectExactlyOnce(report, await countIds(bucket, 'parquet', report));
    expect(await openMultipartUploads(bucket)).toEqual([]);
  });
});
