import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/protocol/parse-message.js';
import { jsonText } from '../../src/transform/json-text.js';
import { runConnector } from '../support/run-connector.js';

const BIG = '9223372036854775807';
const HUGE = '123456789012345678901234567890';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));
}

describe('integers beyond 2^53', () => {
  it('survive parsing and serialising unchanged', () => {
    const line = `{"type":"RECORD","record":{"stream":"s","data":{"id":${BIG},"neg":-${BIG},"huge":${HUGE},"small":12,"f":1.5,"nested":[{"x":${BIG}}],"text":"${BIG}"},"emitted_at":1}}`;
    const parsed = parseMessage(line) as { record: { data: Record<string, unknown> } };
    expect(parsed.record.data.id).toBe(BigInt(BIG));
    expect(parsed.record.data.small).toBe(12);
    expect(parsed.record.data.text).toBe(BIG);
    expect(jsonText(parsed)).toBe(line);
  });

  it.each([
    ['JSONL', { format_type: 'JSONL', compression: { compression_type: 'No Compression' } }],
    ['CSV', { format_type: 'CSV', flattening: 'Root level flattening', compression: { compression_type: 'No Compression' } }],
  ])('are written exactly in %s, and a state carrying one is echoed exactly', async (_name, format) => {
    const dir = mkdtempSync(join(tmpdir(), 'bigint-'));
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ s3_bucket_name: 'b', s3_bucket_path: 'p', s3_bucket_region: '', s3_endpoint: `file://${dir}/store`, format }));
    const catalog = join(dir, 'catalog.json');
    writeFileSync(catalog, JSON.stringify({ streams: [{ stream: { name: 's', json_schema: { properties: { id: { type: 'integer' }, ids: { type: 'array' } } } } }] }));
    const state = `{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"s"},"stream_state":{"cursor":${HUGE}}}}}`;
    const run = await runConnector(['write', '--config', config, '--catalog', catalog], {
      stdin: `{"type":"RECORD","record":{"stream":"s","data":{"id":${BIG},"ids":[${BIG},1]},"emitted_at":1}}\n${state}\n`,
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain(`"stream_state":{"cursor":${HUGE}}`);
    const [file] = filesUnder(join(dir, 'store', 'b'));
    const text = readFileSync(file!).toString('utf8');
    expect(text).toContain(BIG);
    expect(text).toContain(`[${BIG},1]`);
  });
});
