#!/usr/bin/env node
// npm run bench -- [--size-mb 200] [--only jsonl-gzip,parquet-snappy] [--skip-ceilings]
// Measures the connector end to end (the real `write` command into the S3 server on 127.0.0.1)
// for each format and main codec, and the ceilings of this machine on the same bytes; prints a
// table with every figure also as a ratio to its ceiling and writes bench/results/latest.json.
// Uses S3_ENDPOINT/S3_ACCESS_KEY/S3_SECRET_KEY if set, else starts a throwaway Ceph RGW.
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SCHEMAS, writeMessages } from './generate-records.mjs';
import { ROOT, arg, ensureCeilingTools, startS3 } from './bench-support.mjs';

const SIZE_MB = Number(arg('size-mb', '200'));
const ONLY = arg('only', '')?.split(',').filter(Boolean) ?? [];
const SKIP_CEILINGS = process.argv.includes('--skip-ceilings');

const RUNS = [
  ['jsonl-none', { format_type: 'JSONL', compression: { compression_type: 'No Compression' } }, 'parse'],
  ['jsonl-gzip', { format_type: 'JSONL', compression: { compression_type: 'GZIP' } }, 'gzip'],
  ['csv-none', { format_type: 'CSV', flattening: 'Root level flattening', compression: { compression_type: 'No Compression' } }, 'parse'],
  ['csv-gzip', { format_type: 'CSV', flattening: 'Root level flattening', compression: { compression_type: 'GZIP' } }, 'gzip'],
  ['avro-snappy', { format_type: 'Avro', compression_codec: { codec: 'snappy' } }, 'parse'],
  ['avro-zstandard', { format_type: 'Avro', compression_codec: { codec: 'zstandard', compression_level: 3, include_checksum: false } }, 'parse'],
  ['avro-deflate', { format_type: 'Avro', compression_codec: { codec: 'Deflate', compression_level: 6 } }, 'parse'],
  ['parquet-snappy', { format_type: 'Parquet', compression_codec: 'SNAPPY' }, 'duckdb-snappy'],
  ['parquet-zstd', { format_type: 'Parquet', compression_codec: 'ZSTD' }, 'duckdb-zstd'],
  ['parquet-gzip', { format_type: 'Parquet', compression_codec: 'GZIP' }, 'duckdb-gzip'],
  ['parquet-uncompressed', { format_type: 'Parquet', compression_codec: 'UNCOMPRESSED' }, 'duckdb-uncompressed'],
].filter(([name]) => ONLY.length === 0 || ONLY.includes(name));

/** Runs a command with the input file on stdin; returns seconds and peak RSS (sampled from /proc). */
async function measure(cmd, args, input, env = {}) {
  const started = process.hrtime.bigint();
  const child = spawn(cmd, args, { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  let peakKb = 0;
  const sample = () => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+)/.exec(status) ?? /VmRSS:\s+(\d+)/.exec(status);
      if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
    } catch {}
  };
  const timer = setInterval(sample, 50);
  let stdout = '';
  child.stdout.on('data', (c) => (stdout += c.length < 100_000 ? c.toString() : ''));
  if (input) createReadStream(input).pipe(child.stdin);
  const [code] = await once(child, 'close');
  clearInterval(timer);
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stdout.slice(-500)}`);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, peakMb: peakKb / 1024, stdout };
}

const work = mkdtempSync(join(tmpdir(), 'destination-s3-bench-'));
const input = join(work, 'messages.jsonl');
console.error(`generating ${SIZE_MB} MB of messages...`);
const out = createWriteStream(input);
const records = await writeMessages(out, SIZE_MB * 1e6);
out.end();
await once(out, 'finish');
const inputBytes = statSync(input).size;
const mb = inputBytes / 1e6;
console.error(`${records} records, ${mb.toFixed(1)} MB`);

const ceilings = {};
if (!SKIP_CEILINGS) {
  ensureCeilingTools();
  const node = (code) => ['-e', code];
  ceilings.read = await measure(process.execPath, node('let n=0;process.stdin.on("data",c=>n+=c.length).on("end",()=>console.log(n))'), input);
  ceilings.parse = await measure(process.execPath, node('const rl=require("readline").createInterface({input:process.stdin,crlfDelay:Infinity});let n=0;rl.on("line",l=>{JSON.parse(l);n++}).on("close",()=>console.log(n))'), input);
  ceilings.gzip = await measure('gzip', ['-6', '-c'], input);
  ceilings['zstd'] = await measure('zstd', ['-3', '-c', '-q'], input);
  ceilings['zstd-T2'] = await measure('zstd', ['-3', '-T2', '-c', '-q'], input);
  for (const codec of ['snappy', 'zstd', 'gzip', 'uncompressed']) {
    const sql = Object.keys(SCHEMAS)
      .map((s) => `COPY (SELECT unnest(record.data) FROM read_json('${input}', format='newline_delimited') WHERE type = 'RECORD' AND record.stream = '${s}') TO '${work}/duck-${s}.parquet' (FORMAT parquet, COMPRESSION ${codec});`)
      .join('\n');
    ceilings[`duckdb-${codec}`] = await measure('python3', ['-c', `import duckdb\nfor q in ${JSON.stringify(sql.split('\n'))}: duckdb.sql(q)`], null);
  }
}

const s3env = startS3({ RGW_MEMSTORE_BYTES: String(8 * 1024 ** 3) });
const results = [];
try {
  const s3 = new S3Client({ endpoint: s3env.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: s3env.key, secretAccessKey: s3env.secret } });
  const bucket = `bench-${Date.now()}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const catalog = join(work, 'catalog.json');
  writeFileSync(catalog, JSON.stringify({ streams: Object.entries(SCHEMAS).map(([name, properties]) => ({ stream: { name, namespace: 'bench', json_schema: { type: 'object', properties } }, destination_sync_mode: 'append' })) }));
  for (const [name, format, ceilingName] of RUNS) {
    const config = join(work, `${name}.json`);
    writeFileSync(config, JSON.stringify({ access_key_id: s3env.key, secret_access_key: s3env.secret, s3_bucket_name: bucket, s3_bucket_path: name, s3_bucket_region: '', s3_endpoint: s3env.endpoint, format }));
    console.error(`running ${name}...`);
    const run = await measure(process.execPath, [join(ROOT, 'dist/main.js'), 'write', '--config', config, '--catalog', catalog], input);
    let outBytes = 0;
    let token;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${name}/`, ContinuationToken: token }));
      for (const o of page.Contents ?? []) outBytes += o.Size ?? 0;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    const ceiling = ceilings[ceilingName];
    results.push({
      run: name, seconds: run.seconds, mbPerSecond: mb / run.seconds, recordsPerSecond: records / run.seconds, peakRssMb: run.peakMb,
      outputMb: outBytes / 1e6, ceiling: ceilingName, ceilingMbPerSecond: ceiling ? mb / ceiling.seconds : null,
      ratioToCeiling: ceiling ? ceiling.seconds / run.seconds : null,
    });
  }
} finally {
  s3env.stop();
  rmSync(work, { recursive: true, force: true });
}

const pad = (s, n) => String(s).padEnd(n);
const num = (v, d = 1) => (v === null || v === undefined ? '-' : v.toFixed(d));
console.log(`\ninput: ${records} records, ${mb.toFixed(1)} MB; machine: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
console.log('\nceilings (same bytes)');
for (const [name, c] of Object.entries(ceilings)) console.log(`  ${pad(name, 22)} ${num(mb / c.seconds)} MB/s  ${num(records / c.seconds / 1000)}k rec/s`);
console.log(`\n${pad('run', 22)} ${pad('MB/s in', 9)} ${pad('k rec/s', 9)} ${pad('peak RSS MB', 12)} ${pad('out MB', 8)} ${pad('ceiling', 20)} ratio`);
for (const r of results) {
  console.log(`${pad(r.run, 22)} ${pad(num(r.mbPerSecond), 9)} ${pad(num(r.recordsPerSecond / 1000), 9)} ${pad(num(r.peakRssMb, 0), 12)} ${pad(num(r.outputMb), 8)} ${pad(`${r.ceiling} ${num(r.ceilingMbPerSecond)}`, 20)} ${num(r.ratioToCeiling, 2)}`);
}
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const report = { date: new Date().toISOString(), node: process.version, cores: cpus().length, inputMb: mb, records, ceilings: Object.fromEntries(Object.entries(ceilings).map(([k, c]) => [k, { seconds: c.seconds, mbPerSecond: mb / c.seconds, peakRssMb: c.peakMb }])), results };
writeFileSync(join(ROOT, 'bench/results/latest.json'), JSON.stringify(report, null, 2) + '\n');
console.log('\nwrote bench/results/latest.json');
