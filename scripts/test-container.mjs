#!/usr/bin/env node
// Builds the connector image and checks it the way an orchestrator runs it: `spec`, `check` and a
// `write` inside the container against the S3 server on 127.0.0.1, whose objects must match those
// of the same `write` run from the checkout. Uses docker where an engine answers, else podman
// (with ../shared/container/make-base-image.sh for the base image, as no registry is reachable).
// Uses the store named by S3_ENDPOINT/S3_ACCESS_KEY/S3_SECRET_KEY, or starts a throwaway Ceph RGW.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const IMAGE = 'destination-s3:ci';
const results = [];
const check = (name, ok, detail = '') => {
  results.push({ name, ok });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
};
const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'inherit'], maxBuffer: 1 << 28, ...opts });

function engine() {
  if (spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0) return { cli: 'docker', pull: [] };
  const standIn = join(ROOT, '../shared/container/make-base-image.sh');
  if (existsSync(standIn)) sh('bash', [standIn], { stdio: 'inherit' });
  return { cli: 'podman', pull: ['--pull=never'] };
}

function startS3() {
  if (process.env.S3_ENDPOINT) {
    return { endpoint: process.env.S3_ENDPOINT, key: process.env.S3_ACCESS_KEY ?? 'S3RVER', secret: process.env.S3_SECRET_KEY ?? 'S3RVER', stop: () => {} };
  }
  const script = join(ROOT, 'scripts/s3/ceph-rgw.sh');
  const dir = join(tmpdir(), 'destination-s3-container-rgw');
  const vars = Object.fromEntries(sh('bash', [script, 'start', dir, '7491']).trim().split('\n').map((l) => l.split('=', 2)));
  return { endpoint: vars.S3_ENDPOINT, key: vars.S3_ACCESS_KEY, secret: vars.S3_SECRET_KEY, stop: () => sh('bash', [script, 'stop', dir], { stdio: 'inherit' }) };
}

const { cli, pull } = engine();
const t0 = Date.now();
sh(cli, ['build', ...pull, '--network', 'host', '-t', IMAGE, ROOT], { stdio: 'inherit' });
const bytes = Number(sh(cli, ['image', 'inspect', '--format', '{{.Size}}', IMAGE]).trim());
console.log(`built ${IMAGE} with ${cli} in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${(bytes / 1e6).toFixed(0)} MB`);

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const labels = JSON.parse(sh(cli, ['image', 'inspect', '--format', '{{json .Config.Labels}}', IMAGE]));
check('image labels carry name and package version', labels['io.airbyte.name'] === 'destination-s3' && labels['io.airbyte.version'] === pkg.version, JSON.stringify(labels));
const user = sh(cli, ['image', 'inspect', '--format', '{{.Config.User}}', IMAGE]).trim();
check('image runs as the node user', user === 'node', user);

const run = (args, { input, mounts = [] } = {}) =>
  spawnSync(cli, ['run', '--rm', '-i', '--network', 'host', ...mounts.flatMap((m) => ['-v', m]), IMAGE, ...args], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
const messages = (stdout) => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));

const specIn = run(['spec']);
const specOut = sh(process.execPath, [join(ROOT, 'dist/main.js'), 'spec']);
check('spec in the container equals spec from the checkout', specIn.status === 0 && specIn.stdout === specOut);

const s3env = startS3();
try {
  const s3 = new S3Client({ endpoint: s3env.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: s3env.key, secretAccessKey: s3env.secret } });
  const bucket = `container-${Date.now()}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const dir = mkdtempSync(join(tmpdir(), 'container-test-'));
  chmodSync(dir, 0o755);
  const config = (bucketPath) => ({
    access_key_id: s3env.key, secret_access_key: s3env.secret, s3_bucket_name: bucket, s3_bucket_path: bucketPath,
    s3_bucket_region: '', s3_endpoint: s3env.endpoint, s3_path_format: '${NAMESPACE}/${STREAM_NAME}/', format: { format_type: 'JSONL' },
  });
  for (const [name, value] of [['container.json', config('container')], ['checkout.json', config('checkout')]]) {
    writeFileSync(join(dir, name), JSON.stringify(value));
    chmodSync(join(dir, name), 0o644); // readable by the image's node user (uid 1000)
  }
  const catalog = readFileSync(join(ROOT, 'demo/catalog.json'));
  writeFileSync(join(dir, 'catalog.json'), catalog);
  chmodSync(join(dir, 'catalog.json'), 0o644);
  const input = readFileSync(join(ROOT, 'demo/messages.jsonl'), 'utf8');
  const mounts = [`${dir}:/config:ro`];

  const checked = run(['check', '--config', '/config/container.json'], { mounts });
  const status = messages(checked.stdout).find((m) => m.type === 'CONNECTION_STATUS')?.connectionStatus;
  check('check in the container succeeds against S3 on 127.0.0.1', checked.status === 0 && status?.status === 'SUCCEEDED', JSON.stringify(status));

  const inContainer = run(['write', '--config', '/config/container.json', '--catalog', '/config/catalog.json'], { input, mounts });
  const fromCheckout = spawnSync(process.execPath, [join(ROOT, 'dist/main.js'), 'write', '--config', join(dir, 'checkout.json'), '--catalog', join(dir, 'catalog.json')], { input, encoding: 'utf8' });
  check('write in the container exits 0', inContainer.status === 0, inContainer.stderr.slice(-500));
  const states = (r) => messages(r.stdout).filter((m) => m.type === 'STATE').map((m) => JSON.stringify(m.state));
  check('the container echoes the same states as the checkout', JSON.stringify(states(inContainer)) === JSON.stringify(states(fromCheckout)) && states(inContainer).length === 5);

  // Same keys under each bucket path; same rows once the random _airbyte_ab_id is set aside.
  const objects = async (prefix) => {
    const out = new Map();
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/` }));
    for (const o of page.Contents ?? []) {
      const body = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }))).Body.transformToByteArray());
      const rows = gunzipSync(body).toString('utf8').split('\n').filter(Boolean).map((l) => {
        const { _airbyte_ab_id, ...rest } = JSON.parse(l);
        return JSON.stringify(rest);
      });
      out.set(o.Key.slice(prefix.length), rows);
    }
    return out;
  };
  const a = await objects('container');
  const b = await objects('checkout');
  check('the container writes the same objects as the checkout', a.size === 3 && JSON.stringify([...a]) === JSON.stringify([...b]), `${a.size} objects: ${[...a.keys()].join(', ')}`);

  // The typed formats load native and WebAssembly codecs: each must work inside the image too.
  for (const [label, format, magic, ext] of [
    ['Avro with xz', { format_type: 'Avro', compression_codec: { codec: 'xz', compression_level: 6 } }, 'Obj\x01', '.avro'],
    ['Parquet with ZSTD', { format_type: 'Parquet', compression_codec: 'ZSTD' }, 'PAR1', '.parquet'],
  ]) {
    const name = `typed-${ext.slice(1)}.json`;
    writeFileSync(join(dir, name), JSON.stringify({ ...config(`typed${ext}`), format }));
    chmodSync(join(dir, name), 0o644);
    const typed = run(['write', '--config', `/config/${name}`, '--catalog', '/config/catalog.json'], { input, mounts });
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `typed${ext}/` }));
    const heads = await Promise.all((page.Contents ?? []).map(async (o) => Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }))).Body.transformToByteArray())));
    const ok = typed.status === 0 && heads.length === 3 && heads.every((h) => h.subarray(0, 4).toString('latin1') === magic && (magic !== 'PAR1' || h.subarray(-4).toString('latin1') === 'PAR1'));
    check(`the container writes ${label}`, ok, typed.status === 0 ? `${heads.length} objects` : typed.stdout.slice(-400));
  }
} finally {
  s3env.stop();
}

const failed = results.filter((r) => !r.ok).length;
console.log(`container: ${results.length - failed} passed, ${failed} failed (image ${(bytes / 1e6).toFixed(0)} MB)`);
process.exitCode = failed === 0 ? 0 : 1;
