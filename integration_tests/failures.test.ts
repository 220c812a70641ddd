import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { runConnector, ofType, traceError } from '../test/support/run-connector.js';
import { catalogOf, record } from '../test/support/messages.js';
import { getBytes, listKeys, newBucket, openMultipartUploads, putText, s3, workDir, writeConfig, writeJson } from './support/s3.js';

async function stageUpload(bucket: string, key: string): Promise<string> {
  const { UploadId } = await s3().send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  await s3().send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: Buffer.alloc(1024, 'x') }));
  return UploadId!;
}

describe('after failures', () => {
  it('aborts the multipart uploads a killed run left under a stream’s keys, and no others', async () => {
    const bucket = await newBucket('orphans');
    const dir = workDir();
    const orphan = 'out/users/2020_01_01_1577836800000_3.jsonl.gz';
    const foreign = 'out/users/backup.bin';
    await stageUpload(bucket, orphan);
    const foreignId = await stageUpload(bucket, foreign);
    const run = await runConnector(['write', '--config', writeConfig(dir, bucket), '--catalog', writeJson(dir, 'c.json', catalogOf([{ name: 'users' }]))], {
      stdin: record('users', { id: 1 }),
    });
    expect(run.code, run.stdout).toBe(0);
    expect(await openMultipartUploads(bucket)).toEqual([foreign]);
    expect(ofType(run, 'LOG').some((m) => m.log.message === 'users: aborted 1 multipart upload(s) an earlier run left unfinished')).toBe(true);
    await s3().send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: foreign, UploadId: foreignId }));
  });

  it('removes the files of a commit an earlier attempt left half done, and nothing of other streams or connections', async () => {
    const bucket = await newBucket('half-commit');
    const dir = workDir();
    const committed = 'out/users/2020_01_01_1577836800000_0.jsonl.gz';
    const halfCommitted = 'out/users/2020_01_01_1577836800000_1.jsonl.gz';
    const foreign = 'out/users/notes.txt';
    const otherConnection = 'out/orders/2020_01_01_1577836800000_0.jsonl.gz';
    for (const key of [committed, halfCommitted, foreign, otherConnection]) await putText(bucket, key, 'x');
    const marker = 'out/_airbyte_pending_commits/1577836800000-run-2.json';
    const otherMarker = 'out/_airbyte_pending_commits/1577836800000-other-1.json';
    await putText(bucket, marker, JSON.stringify({ startedAt: 1577836800000, streams: [{ namespace: null, stream: 'users', files: [halfCommitted, foreign] }] }));
    await putText(bucket, otherMarker, JSON.stringify({ startedAt: 1577836800000, streams: [{ namespace: null, stream: 'orders', files: [otherConnection] }] }));
    const run = await runConnector(['write', '--config', writeConfig(dir, bucket), '--catalog', writeJson(dir, 'c.json', catalogOf([{ name: 'users' }]))], {
      stdin: record('users', { id: 1 }),
    });
    expect(run.code, run.stdout).toBe(0);
    const keys = await listKeys(bucket);
    expect(keys).toContain(committed);
    expect(keys).not.toContain(halfCommitted);
    expect(keys).not.toContain(marker);
    // Not a key the stream's template renders, and another connection's marker and files.
    expect(keys).toEqual(expect.arrayContaining([foreign, otherConnection, otherMarker]));
    expect(ofType(run, 'LOG').some((m) => /users: an earlier attempt stopped while committing; removed its 1 uncommitted file/.test(m.log.message))).toBe(true);
  });

  it('writes a 60 MB record whole, and refuses a 70 MB one with an error naming its stream', async () => {
    const bucket = await newBucket('big-records');
    const dir = workDir();
    const config = writeConfig(dir, bucket, { format: { format_type: 'JSONL', compression: { compression_type: 'No Compression' } } });
    const catalog = writeJson(dir, 'c.json', catalogOf([{ name: 'blobs' }]));
    const big = 'b'.repeat(60 * 1024 * 1024);
    const ok = await runConnector(['write', '--config', config, '--catalog', catalog], { stdin: record('blobs', { id: 1, big }) });
    expect(ok.code, ok.stdout.slice(-500)).toBe(0);
    const [key] = await listKeys(bucket);
    const row = JSON.parse((await getBytes(bucket, key!)).toString('utf8'));
    expect(row._airbyte_data.big.length).toBe(big.length);
    expect(row._airbyte_data.big === big).toBe(true);

    const bucket2 = await newBucket('too-big');
    const config2 = writeConfig(dir, bucket2, { format: { format_type: 'JSONL' } }, 'config2.json');
    const refused = await runConnector(['write', '--config', config2, '--catalog', catalog], {
      stdin: [record('blobs', { id: 0 }), record('blobs', { id: 2, big: 'c'.repeat(70 * 1024 * 1024) })].join('\n'),
    });
    expect(refused.code).toBe(1);
    expect(traceError(refused)).toMatchObject({
      failure_type: 'system_error',
      message: expect.stringMatching(/^Input line 2, a record of stream blobs, is larger than 64 MiB; records up to 64 MiB are written/),
    });
    expect(await listKeys(bucket2)).toEqual([]);
    expect(await openMultipartUploads(bucket2)).toEqual([]);
  });
});
