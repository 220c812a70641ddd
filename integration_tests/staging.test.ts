import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConnector, ofType } from '../test/support/run-connector.js';
import { catalogOf, record, streamState } from '../test/support/messages.js';
import { download, duckdb, getBytes, head, listKeys, newBucket, readBack, workDir, writeConfig, writeJson } from './support/s3.js';

const COUNTRIES = ['PL', 'FR', 'DE', null, 'US'];

async function sync(dir: string, config: string, streams: Parameters<typeof catalogOf>[0], lines: string[], env: NodeJS.ProcessEnv = {}) {
  const catalog = writeJson(dir, `catalog-${Math.random()}.json`, catalogOf(streams));
  return runConnector(['write', '--config', config, '--catalog', catalog], { stdin: lines.join('\n') + '\n', env });
}

describe('staging for warehouses and lakes', () => {
  it('writes Hive-style and record-field folders that DuckDB reads back with hive_partitioning', async () => {
    const bucket = await newBucket('hive');
    const dir = workDir();
    const config = writeConfig(dir, bucket, { s3_path_format: '${STREAM_NAME}/year=${YEAR}/country=${FIELD:country}/' });
    const lines = Array.from({ length: 500 }, (_, i) => record('orders', { id: i, country: COUNTRIES[i % 5], total: i / 4 }));
    const run = await sync(dir, config, [{ name: 'orders' }], lines);
    expect(run.code, run.stdout).toBe(0);
    const local = join(workDir(), 'lake');
    const keys = await download(bucket, 'out/', local);
    expect(keys.every((k) => /^out\/orders\/year=\d{4}\/country=(PL|FR|DE|US|__null__)\/0\.jsonl\.gz$/.test(k))).toBe(true);
    const rows = duckdb(
      `SELECT country, year, count(*) AS n, count(DISTINCT _airbyte_data.id) AS ids, bool_and(coalesce(_airbyte_data.country, '__null__') = country) AS consistent
       FROM read_json('${local}/**/*.jsonl.gz', hive_partitioning = true) GROUP BY ALL ORDER BY country`,
    );
    expect(rows).toEqual(
      ['DE', 'FR', 'PL', 'US', '__null__'].map((country) => ({ country, year: new Date().getUTCFullYear(), n: 100, ids: 100, consistent: true })),
    );
  });

  it('keeps at most the configured number of files open per stream, rolling the least recently used', async () => {
    const bucket = await newBucket('lru');
    const dir = workDir();
    const config = writeConfig(dir, bucket, { s3_path_format: '${STREAM_NAME}/${FIELD:country}/' });
    const lines: string[] = [];
    for (let i = 0; i < 500; i++) {
      // Runs of 10 records per country, cycling through 5 countries.
      lines.push(record('orders', { id: i, country: COUNTRIES[Math.floor(i / 10) % 5] }));
      if (i % 50 === 49) lines.push(streamState('orders', i));
    }
    const run = await sync(dir, config, [{ name: 'orders' }], lines, { DESTINATION_S3_MAX_OPEN_FILES_PER_STREAM: '2' });
    expect(run.code, run.stdout).toBe(0);
    expect(ofType(run, 'STATE')).toHaveLength(10);
    const keys = await listKeys(bucket);
    // With 5 values and 2 open files, each run for a partition that was rolled opens a new file.
    expect(keys.length).toBe(50);
    const seen: number[] = [];
    for (const key of keys) {
      const folder = key.split('/')[2];
      for (const row of await readBack(bucket, key, 'jsonl')) {
        expect(row._airbyte_data.country ?? '__null__').toBe(folder);
        seen.push(row._airbyte_data.id);
      }
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    // Part numbers continue within each partition folder.
    const pl = keys.filter((k) => k.startsWith('out/orders/PL/')).map((k) => Number(/(\d+)\.jsonl\.gz$/.exec(k)![1]));
    expect(pl.sort((a, b) => a - b)).toEqual(Array.from({ length: pl.length }, (_, i) => i));
  });

  it('overwrites every partition of a stream, keeping the new ones', async () => {
    const bucket = await newBucket('overwrite-partitions');
    const dir = workDir();
    const config = writeConfig(dir, bucket, { s3_path_format: '${STREAM_NAME}/${FIELD:country}/' });
    expect((await sync(dir, config, [{ name: 'orders' }], [record('orders', { id: 1, country: 'PL' }), record('orders', { id: 2, country: 'FR' })])).code).toBe(0);
    const run = await sync(dir, config, [{ name: 'orders', mode: 'overwrite' }], [record('orders', { id: 3, country: 'DE' })]);
    expect(run.code, run.stdout).toBe(0);
    expect(await listKeys(bucket)).toEqual(['out/orders/DE/0.jsonl.gz']);
  });

  it.each([
    ['JSONL', { format_type: 'JSONL', compression: { compression_type: 'ZSTD', compression_level: 19 } }, '.jsonl.zst', 'read_json'],
    ['CSV', { format_type: 'CSV', flattening: 'Root level flattening', compression: { compression_type: 'ZSTD' } }, '.csv.zst', 'read_csv'],
  ])('writes %s with zstd that the zstd tool and DuckDB read', async (_name, format, extension, reader) => {
    const bucket = await newBucket('zstd');
    const dir = workDir();
    const config = writeConfig(dir, bucket, { format, s3_path_format: '${STREAM_NAME}/' });
    const lines = Array.from({ length: 20000 }, (_, i) => record('events', { id: i, text: `event ${i} ${'z'.repeat(i % 50)}` }));
    const run = await sync(dir, config, [{ name: 'events', properties: { id: { type: 'integer' }, text: { type: 'string' } } }], lines);
    expect(run.code, run.stdout).toBe(0);
    const keys = await listKeys(bucket);
    expect(keys).toEqual([`out/events/0${extension}`]);
    const plain = execFileSync('zstd', ['-d', '-c'], { input: await getBytes(bucket, keys[0]!), maxBuffer: 1 << 28 }).toString('utf8');
    expect(plain.trimEnd().split('\n')).toHaveLength(reader === 'read_csv' ? 20001 : 20000);
    const local = join(workDir(), 'zst');
    await download(bucket, 'out/', local);
    const idColumn = reader === 'read_csv' ? 'id' : '_airbyte_data.id';
    expect(duckdb(`SELECT count(*) AS n, count(DISTINCT ${idColumn}) AS ids FROM ${reader}('${local}/out/events/0${extension}')`)).toEqual([{ n: 20000, ids: 20000 }]);
  });

  it('writes a Redshift manifest listing exactly the objects of the sync, and replaces it on overwrite', async () => {
    const bucket = await newBucket('manifest');
    const dir = workDir();
    const config = writeConfig(dir, bucket, {
      write_redshift_manifest: true,
      format: { format_type: 'CSV', flattening: 'No flattening', compression: { compression_type: 'No Compression' } },
    });
    const lines = Array.from({ length: 6000 }, (_, i) => record(i % 2 ? 'users' : 'orders', { id: i, pad: Math.random().toString(36).repeat(20) }));
    const run = await sync(dir, config, [{ name: 'users' }, { name: 'orders' }], lines, { DESTINATION_S3_ROLL_BYTES: String(300 * 1024) });
    expect(run.code, run.stdout).toBe(0);
    const keys = await listKeys(bucket);
    for (const stream of ['users', 'orders']) {
      const data = keys.filter((k) => k.startsWith(`out/${stream}/`) && k.endsWith('.csv'));
      const manifests = keys.filter((k) => k.startsWith(`out/${stream}/`) && k.endsWith('.json'));
      expect(data.length).toBeGreaterThan(1);
      expect(manifests).toHaveLength(1);
      expect(manifests[0]).toMatch(new RegExp(`^out/${stream}/\\d{4}_\\d{2}_\\d{2}_(\\d+)_manifest-\\1\\.json$`));
      const manifest = JSON.parse((await getBytes(bucket, manifests[0]!)).toString('utf8'));
      expect(manifest.entries.map((e: any) => e.url)).toEqual(data.map((k) => `s3://${bucket}/${k}`));
      for (const entry of manifest.entries) {
        expect(entry.mandatory).toBe(true);
        const key = entry.url.slice(`s3://${bucket}/`.length);
        expect(entry.meta.content_length).toBe((await head(bucket, key)).ContentLength);
      }
    }
    expect(ofType(run, 'LOG').filter((m) => /wrote the Redshift COPY manifest/.test(m.log.message))).toHaveLength(2);

    const again = await sync(dir, config, [{ name: 'users', mode: 'overwrite' }], [record('users', { id: 'new' })]);
    expect(again.code, again.stdout).toBe(0);
    const users = (await listKeys(bucket)).filter((k) => k.startsWith('out/users/'));
    expect(users).toHaveLength(2);
    const newManifest = JSON.parse((await getBytes(bucket, users.find((k) => k.endsWith('.json'))!)).toString('utf8'));
    expect(newManifest.entries.map((e: any) => e.url)).toEqual([`s3://${bucket}/${users.find((k) => k.endsWith('.csv'))}`]);
  });

  it('writes no manifest unless asked to', async () => {
    const bucket = await newBucket('no-manifest');
    const dir = workDir();
    expect((await sync(dir, writeConfig(dir, bucket), [{ name: 'users' }], [record('users', { id: 1 })])).code).toBe(0);
    expect((await listKeys(bucket)).filter((k) => k.endsWith('.json'))).toEqual([]);
  });
});
