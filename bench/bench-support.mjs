// Shared by the benchmark scripts: command-line options and the S3 server they write into.
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The value after `--name` on the command line, or the fallback. */
export function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}

/**
 * The S3 server given by S3_ENDPOINT/S3_ACCESS_KEY/S3_SECRET_KEY, else a throwaway Ceph RGW
 * (port 7492; `env` may set RGW_MEMSTORE_BYTES). Returns its endpoint, keys and stop().
 */
export function startS3(env = {}) {
  if (process.env.S3_ENDPOINT) return { endpoint: process.env.S3_ENDPOINT, key: process.env.S3_ACCESS_KEY ?? 'S3RVER', secret: process.env.S3_SECRET_KEY ?? 'S3RVER', stop() {} };
  const script = join(ROOT, 'scripts/s3/ceph-rgw.sh');
  const dir = join(tmpdir(), 'destination-s3-bench-rgw');
  const out = execFileSync('bash', [script, 'start', dir, '7492'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const v = Object.fromEntries(out.trim().split('\n').map((l) => l.split('=', 2)));
  return { endpoint: v.S3_ENDPOINT, key: v.S3_ACCESS_KEY, secret: v.S3_SECRET_KEY, stop: () => execFileSync('bash', [script, 'stop', dir], { stdio: 'inherit' }) };
}

/**
 * The ceilings' tools: DuckDB (pip, from the integration tests' requirements) and the zstd tool
 * (Debian's package), installed when missing so the bench runs on a new machine as the tests do.
 */
export function ensureCeilingTools() {
  const has = (cmd, args) => {
    try {
      execFileSync(cmd, args, { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (!has('python3', ['-c', 'import duckdb'])) {
    console.error('installing DuckDB for the Parquet ceiling...');
    execFileSync('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', join(ROOT, 'integration_tests/requirements.txt')], { stdio: 'inherit' });
  }
  if (!has('zstd', ['--version'])) {
    execFileSync('bash', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zstd >/dev/null'], { stdio: 'inherit' });
  }
}
