import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

/** Whether a Docker-compatible engine is configured: then testcontainers is the convention. */
function containerEngine(): boolean {
  return Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
}

/**
 * MinIO in a container through testcontainers, the Node ecosystem's way for developers with a
 * Docker engine. S3_TEST_MINIO_IMAGE picks the image (scripts/test-testcontainers.sh builds one
 * locally and runs this path through podman's Docker-compatible socket).
 */
async function startTestcontainer(): Promise<{ env: S3TestEnv; stop: () => Promise<unknown> }> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const [user, secret] = ['S3RVER', 'S3RVERS3RVER'];
  const container = await new GenericContainer(process.env.S3_TEST_MINIO_IMAGE ?? 'minio/minio:latest')
    .withCommand(['server', '/data', '--address', ':9000'])
    .withEnvironment({
      MINIO_ROOT_USER: user,
      MINIO_ROOT_PASSWORD: secret,
      MINIO_KMS_SECRET_KEY: `destination-s3-test:${Buffer.alloc(32).toString('base64')}`,
      // A declared region makes MinIO refuse requests signed for another one, as AWS does.
      MINIO_SITE_REGION: 'us-east-1',
    })
    .withExposedPorts(9000)
    .withWaitStrategy(Wait.forHttp('/minio/health/ready', 9000))
    .start();
  return {
    env: {
      endpoint: `http://${container.getHost()}:${container.getMappedPort(9000)}`,
      accessKeyId: user,
      secretAccessKey: secret,
      region: 'us-east-1',
      server: 'minio',
    },
    stop: () => container.stop(),
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensurePythonReaders();
  ensureZstdTool();
  let started = false;
  let env: S3TestEnv;
  // S3_TEST_SERVER: ceph | minio (local servers) | testcontainers. Unset: testcontainers when a
  // container engine answers, else the local Ceph RGW.
  const choice = process.env.S3_TEST_SERVER ?? (containerEngine() && !process.env.S3_ENDPOINT ? 'testcontainers' : 'ceph');
  if (choice === 'testcontainers' && !process.env.S3_ENDPOINT) {
    const c = await startTestcontainer();
    project.provide('s3', c.env);
    return async () => void (await c.stop());
  }
  const server = SERVERS[choice];
  if (!server && process.env.S3_ENDPOINT) {
    throw new Error(`S3_TEST_SERVER=${choice} and S3_ENDPOINT=${process.env.S3_ENDPOINT} are both set: unset S3_ENDPOINT to let the suite start its own server`);
  }
  if (!server) throw new Error(`S3_TEST_SERVER=${process.env.S3_TEST_SERVER}: use ceph, minio or testcontainers`);
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
      server: choice,
    };
    started = true;
  }
  project.provide('s3', env);
  return async () => {
    if (started) execFileSync('bash', [server.script, 'stop', server.dir], { stdio: 'inherit' });
  };
}
