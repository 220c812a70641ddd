import { describe, expect, it } from 'vitest';
import { JsonlWriterFactory, encodeJsonlRow } from '../../src/format/jsonl-writer.js';
import type { OutputRow } from '../../src/transform/output-row.js';

const row = { abId: '5e0c1a2b-0000-4000-8000-000000000001', emittedAt: 1609459200000, data: { id: 1, name: 'x "y"', nested: { a: [1, null] } } };

describe('JSONL writer', () => {
  it('wraps the record in _airbyte_data without flattening', () => {
    expect(JSON.parse(encodeJsonlRow(row, 'none'))).toEqual({
      _airbyte_ab_id: row.abId,
      _airbyte_emitted_at: row.emittedAt,
      _airbyte_data: row.data,
    });
  });

  it('puts the record’s fields beside the metadata with root-level flattening', () => {
    const line = encodeJsonlRow(row, 'root');
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual({ _airbyte_ab_id: row.abId, _airbyte_emitted_at: row.emittedAt, ...row.data });
    expect(JSON.parse(encodeJsonlRow({ ...row, data: {} }, 'root'))).toEqual({ _airbyte_ab_id: row.abId, _airbyte_emitted_at: row.emittedAt });
  });

  it('never writes a duplicate key when a record has a field named like a metadata column', () => {
    const line = encodeJsonlRow({ ...row, data: { _airbyte_ab_id: 'spoof', v: 1 } }, 'root');
    expect(line.match(/_airbyte_ab_id/g)).toHaveLength(1);
    expect(JSON.parse(line)._airbyte_ab_id).toBe(row.abId);
  });

  it('emits one line per row, batched into chunks', () => {
    const w = new JsonlWriterFactory('none').create();
    const parts: Buffer[] = [];
    for (let i = 0; i < 3000; i++) {
      const c = w.write({ ...row, data: { i, pad: 'x'.repeat(200) } });
      if (c) parts.push(c);
    }
    expect(parts.length).toBeGreaterThan(0);
    parts.push(w.finish());
    const lines = Buffer.concat(parts).toString('utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l)._airbyte_data.i)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });

  describe('with the data as the source sent it (dataJson)', () => {
    const write = (flattening: 'none' | 'root', json: string) => {
      const w = new JsonlWriterFactory(flattening).create();
      const scanned: OutputRow = { abId: row.abId, emittedAt: row.emittedAt, dataJson: Buffer.from(json), get data() { return JSON.parse(json); } };
      return Buffer.concat([w.write(scanned) ?? Buffer.alloc(0), w.finish()]).toString('utf8');
    };

    it('copies the bytes unchanged, numbers and escapes included', () => {
      const json = '{"price":1.50,"big":12345678901234567890,"name":"caf\\u00e9 \\"q\\""}';
      expect(write('none', json)).toBe(`{"_airbyte_ab_id":"${row.abId}","_airbyte_emitted_at":${row.emittedAt},"_airbyte_data":${json}}\n`);
    });

    it('splices the fields beside the metadata with root-level flattening', () => {
      expect(write('root', '{"a":1.0,"b":[2]}')).toBe(`{"_airbyte_ab_id":"${row.abId}","_airbyte_emitted_at":${row.emittedAt},"a":1.0,"b":[2]}\n`);
      expect(JSON.parse(write('root', '{ }'))).toEqual({ _airbyte_ab_id: row.abId, _airbyte_emitted_at: row.emittedAt });
    });

    it('still never duplicates a metadata key, even one spelled with escapes', () => {
      for (const json of ['{"_airbyte_ab_id":"spoof","v":1}', '{"\\u005fairbyte_ab_id":"spoof","v":1}']) {
        const line = write('root', json);
        expect(line.match(/_airbyte_ab_id/g), line).toHaveLength(1);
        expect(JSON.parse(line)).toEqual({ _airbyte_ab_id: row.abId, _airbyte_emitted_at: row.emittedAt, v: 1 });
      }
    });
  });
});
