import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

export interface S3TestEnv {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Which implementation answers: 'ceph', 'minio', or 'external' (S3_ENDPOINT given). */
  server: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    s3: S3TestEnv;
  }
}

/**
 * The servers the suite can start itself: S3_TEST_SERVER=ceph (the default; the first start
 * apt-get installs Ceph, which needs root) or minio (built from source with Go and cached).
 */
const SERVERS: Record<string, { script: string; dir: string; port: string }> = {
  ceph: {
    script: fileURLToPath(new URL('../../scripts/s3/ceph-rgw.sh', import.meta.url)),
    dir: join(process.env.TMPDIR ?? tmpdir(), 'destination-s3-test-rgw'),
    port: process.env.S3_TEST_PORT ?? '7490',
  },
  minio: {
    script: fileURLToPath(new URL('../../scripts/s3/minio.sh', import.meta.url)),
    dir: join(process.env.TMPDIR ?? tmpdir(), 'destination-s3-test-minio'),
    port: process.env.S3_TEST_PORT ?? '9310',
  },
};

/**
 * Gives the integration tests a real S3 on 127.0.0.1. With S3_ENDPOINT (and S3_ACCESS_KEY,
 * S3_SECRET_KEY) set, that store is used; otherwise the server S3_TEST_SERVER names is started
 * and stopped after the run.
 */
/** The Python readers the tests use to read files back (fastavro and its codecs, pyarrow, DuckDB). */
function ensurePythonReaders(): void {
  const probe = 'import fastavro, cramjam, pyarrow, duckdb, pytz, cryptography\ntry:\n import compression.zstd\nexcept ImportError:\n import backports.zstd';
  try {
    execFileSync('python3', ['-c', probe], { stdio: 'ignore' });
  } catch {
    const requirements = fileURLToPath(new URL('../requirements.txt', import.meta.url));
    execFileSync('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirements], { stdio: 'inherit' });
  }
}

/** The zstd tool, one of the independent readers of .zst files (Debian's package). */
function ensureZstdTool(): void {
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore' });
  } catch {
    execFileSync('bash', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zstd >/dev/null'], { stdio: 'inherit' });
  }
}

export default function setup(project: TestProject): () => void {
  ensurePythonReaders();
  ensureZstdTool();
  let started = false;
  let env: S3TestEnv;
  const server = SERVERS[process.env.S3_TEST_SERVER ?? 'ceph'];
  if (!server) throw new Error(`S3_TEST_SERVER=${process.env.S3_TEST_SERVER}: use ceph or minio`);
  if (process.env.S3_ENDPOINT) {
    env = {
      endpoint: process.env.S3_ENDPOINT,
      accessKeyId: process.env.S3_ACCESS_KEY ?? 'S3RVER',
      secretAccessKey: process.env.S3_SECRET_KEY ?? 'S3RVER',
      region: process.env.S3_REGION ?? 'us-east-1',
      server: process.env.S3_SERVER ?? 'external',
    };
  } else {
    const out = execFileSync('bash', [server.script, 'start', server.dir, server.port], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const vars = Object.fromEntries(out.trim().split('\n').map((l) => l.split('=', 2) as [string, string]));
    env = {
      endpoint: vars.S3_ENDPOINT!,
      accessKeyId: vars.S3_ACCESS_KEY!,
      secretAccessKey: vars.S3_SECRET_KEY!,
      region: vars.S3_REGION ?? 'us-east-1',
      server: process.env.S3_TEST_SERVER ?? 'ceph',
    };
    started = true;
  }
  project.provide('s3', env);
  return () => {
    if (started) execFileSync('bash', [server.script, 'stop', server.dir], { stdio: 'inherit' });
  };
}
