import { describe, expect, it } from 'vitest';
import { JsonlWriterFactory, encodeJsonlRow } from '../../src/format/jsonl-writer.js';

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
});
