/**
 * `npm run demo`: replays the captured sync in demo/messages.jsonl through the real `write`
 * command, as an orchestrator would run it, into a local directory behind the same object-store
 * interface the S3 store implements (no cloud account, no server). Then prints every key written
 * and the first rows of each file.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { LocalDirectoryStore } from '../store/local-directory-store.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = join(ROOT, 'demo-output');
const STORE_URL = `file://${join(OUT, 'store')}`;
const BUCKET = 'demo-bucket';

const RUNS = [
  { name: 'jsonl', format: { format_type: 'JSONL', flattening: 'No flattening', compression: { compression_type: 'GZIP' } } },
  { name: 'csv', format: { format_type: 'CSV', flattening: 'Root level flattening', compression: { compression_type: 'No Compression' } } },
];

function runWrite(configPath: string): Promise<{ code: number | null; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/main.js'), 'write', '--config', configPath, '--catalog', join(ROOT, 'demo/catalog.json')], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    createReadStream(join(ROOT, 'demo/messages.jsonl')).pipe(child.stdin);
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, lines: out.split('\n').filter(Boolean) }));
  });
}

async function main(): Promise<number> {
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
  for (const run of RUNS) {
    const config = {
      s3_bucket_name: BUCKET,
      s3_bucket_path: `airbyte_${run.name}`,
      s3_bucket_region: '',
      s3_endpoint: STORE_URL,
      format: run.format,
    };
    const configPath = join(OUT, `config-${run.name}.json`);
    await writeFile(configPath, JSON.stringify(config, null, 2));
    console.log(`\n=== ${run.name.toUpperCase()}: node dist/main.js write --config ${configPath} --catalog demo/catalog.json < demo/messages.jsonl`);
    const { code, lines } = await runWrite(configPath);
    const messages = lines.map((l) => JSON.parse(l) as { type: string; log?: { message: string }; state?: unknown; trace?: { error?: { message: string } } });
    const states = messages.filter((m) => m.type === 'STATE').length;
    const summary = messages.filter((m) => m.type === 'LOG').at(-1)?.log?.message;
    const error = messages.find((m) => m.type === 'TRACE')?.trace?.error?.message;
    console.log(`exit ${code}; ${states} STATE messages echoed; ${error ?? summary}`);
    if (code !== 0) return 1;

    const store = new LocalDirectoryStore(STORE_URL, BUCKET);
    for await (const object of store.list(`airbyte_${run.name}/`)) {
      const bytes = await store.getObject(object.key);
      const text = (object.key.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
      console.log(`\ns3://${BUCKET}/${object.key}  (${object.size} bytes)`);
      for (const line of text.split('\n').slice(0, 3)) console.log(`  ${line.length > 160 ? line.slice(0, 157) + '...' : line}`);
    }
  }
  console.log(`\nFiles are in ${join(OUT, 'store', BUCKET)}. Replay any captured sync the same way:`);
  console.log('  node dist/main.js write --config config.json --catalog catalog.json < messages.jsonl');
  return 0;
}

process.exitCode = await main();
