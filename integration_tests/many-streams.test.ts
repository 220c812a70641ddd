import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ofType, runConnector } from '../test/support/run-connector.js';
import { catalogOf, globalState, record } from '../test/support/messages.js';
import { duckdb, download, newBucket, openMultipartUploads, workDir, writeConfig, writeJson } from './support/s3.js';

const STREAMS = 1000;
const ROUNDS = 2;
const BURST = 5;

describe('many streams', () => {
  it('syncs 1,000 interleaved streams within the open-file cap, every record once', { timeout: 600_000 }, async () => {
    const bucket = await newBucket('many-streams');
    const dir = workDir();
    const names = Array.from({ length: STREAMS }, (_, i) => `stream_${String(i).padStart(4, '0')}`);
    const catalog = writeJson(dir, 'catalog.json', catalogOf(names.map((name) => ({ name, properties: { id: { type: 'integer' } } }))));
    const lines: string[] = [];
    let id = 0;
    // Round-robin bursts: every stream is written, left for 999 others, and written again.
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of names) {
        for (let k = 0; k < BURST; k++) lines.push(record(name, { id: id++, text: `row ${id} of ${name}` }));
        if (lines.length % 500 < BURST) lines.push(globalState(id));
      }
    }
    lines.push(globalState(id));
    const run = await runConnector(['write', '--config', writeConfig(dir, bucket), '--catalog', catalog], { stdin: lines.join('\n') + '\n' });
    expect(run.code, run.stdout.slice(-2000)).toBe(0);
    expect(ofType(run, 'STATE').at(-1)!.state.global.shared_state.cursor).toBe(id);
    console.log(ofType(run, 'LOG').at(-1)!.log.message.slice(0, 200));

    const local = workDir();
    const keys = await download(bucket, 'out/', local);
    // With at most 128 files open, each stream's two visits land in two files.
    expect(keys.length).toBe(STREAMS * ROUNDS);
    const rows = duckdb(
      `SELECT count(*) AS n, count(DISTINCT _airbyte_data.id) AS d, count(DISTINCT split_part(filename, '/', -2)) AS streams
       FROM read_json('${join(local, 'out', '*', '*.jsonl.gz')}', format = 'newline_delimited', filename = true)`,
    );
    expect(rows[0]).toEqual({ n: id, d: id, streams: STREAMS });
    expect(await openMultipartUploads(bucket)).toEqual([]);
  });
});
