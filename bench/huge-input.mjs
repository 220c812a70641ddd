#!/usr/bin/env node
// npm run bench:huge -- [--size-gb 10] [--only jsonl-gzip,parquet-snappy]
// Peak memory on a huge input: messages are generated on the fly (never stored on disk) and piped
// into the real `write` command, which uploads into the S3 server on 127.0.0.1. Committed objects
// are deleted as their states come back, so the in-RAM test server never fills. Prints, per
// format, input size, time, records/s and peak RSS (VmHWM of the connector process), and writes
// bench/results/huge-<date>.json. Uses S3_ENDPOINT/S3_ACCESS_KEY/S3_SECRET_KEY if set, else starts
// a throwaway Ceph RGW.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SCHEMAS, writeMessages } from './generate-records.mjs';
import { ROOT, arg, startS3 } from './bench-support.mjs';

const SIZE_GB = Number(arg('size-gb', '10'));
const ONLY = arg('only', '')?.split(',').filter(Boolean) ?? [];

const RUNS = [
  ['jsonl-gzip', { format_type: 'JSONL', compression: { compression_type: 'GZIP' } }],
  ['csv-gzip', { format_type: 'CSV', flattening: 'Root level flattening', compression: { compression_type: 'GZIP' } }],
  ['avro-snappy', { format_type: 'Avro', compression_codec: { codec: 'snappy' } }],
  ['parquet-snappy', { format_type: 'Parquet', compression_codec: 'SNAPPY' }],
].filter(([name]) => ONLY.length === 0 || ONLY.includes(name));

/** Deletes every object under prefix (the files whose states came back are complete). */
async function deleteCommitted(s3, bucket, prefix) {
  let token;
  let bytes = 0;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    const keys = (page.Contents ?? []).map((o) => ((bytes += o.Size ?? 0), { Key: o.Key }));
    if (keys.length > 0) await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
    token = page.NextContinuationToken;
  } while (token);
  return bytes;
}

const s3env = startS3();
const s3 = new S3Client({ endpoint: s3env.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: s3env.key, secretAccessKey: s3env.secret } });
const work = mkdtempSync(join(tmpdir(), 'destination-s3-huge-'));
const bucket = `huge-${Date.now()}`;
const results = [];
try {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const catalog = join(work, 'catalog.json');
  writeFileSync(catalog, JSON.stringify({ streams: Object.entries(SCHEMAS).map(([name, properties]) => ({ stream: { name, namespace: 'bench', json_schema: { type: 'object', properties } }, destination_sync_mode: 'append' })) }));
  for (const [name, format] of RUNS) {
    const config = join(work, `${name}.json`);
    writeFileSync(config, JSON.stringify({ access_key_id: s3env.key, secret_access_key: s3env.secret, s3_bucket_name: bucket, s3_bucket_path: name, s3_bucket_region: '', s3_endpoint: s3env.endpoint, format }));
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [join(ROOT, 'dist/main.js'), 'write', '--config', config, '--catalog', catalog], { stdio: ['pipe', 'pipe', 'inherit'] });
    let peakKb = 0;
    const sampler = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      } catch {}
    }, 200);
    let outputBytes = 0;
    let cleaning = Promise.resolve();
    let pending = '';
    let lastLog = '';
    child.stdout.setEncoding('utf8').on('data', (text) => {
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        if (line.startsWith('{"type":"STATE"')) cleaning = cleaning.then(async () => (outputBytes += await deleteCommitted(s3, bucket, `${name}/`)));
        else if (line.includes('"progress:') || line.includes('"summary:')) lastLog = line;
      }
    });
    console.error(`${name}: streaming ${SIZE_GB} GB of generated messages...`);
    const records = await writeMessages(child.stdin, SIZE_GB * 1e9);
    child.stdin.end();
    const [code] = await once(child, 'close');
    clearInterval(sampler);
    await cleaning;
    outputBytes += await deleteCommitted(s3, bucket, `${name}/`);
    if (code !== 0) throw new Error(`${name}: write exited ${code}: ${lastLog}`);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const row = { name, inputGB: SIZE_GB, records, seconds: +seconds.toFixed(1), mbPerS: +((SIZE_GB * 1000) / seconds).toFixed(1), recordsPerS: Math.round(records / seconds), peakRssMb: Math.round(peakKb / 1024), outputMB: Math.round(outputBytes / 1e6) };
    results.push(row);
    console.log(JSON.stringify(row));
  }
} finally {
  s3env.stop();
}
console.log('\n| format | input | records | time | MB/s | records/s | peak RSS | output |\n|---|---|---|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.name} | ${r.inputGB} GB | ${r.records} | ${r.seconds} s | ${r.mbPerS} | ${r.recordsPerS} | ${r.peakRssMb} MB | ${r.outputMB} MB |`);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results', `huge-${new Date().toISOString().slice(0, 10)}.json`), JSON.stringify(results, null, 2));
