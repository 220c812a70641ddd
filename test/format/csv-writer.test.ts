import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvWriterFactory, csvCell } from '../../src/format/csv-writer.js';
import type { OutputRow } from '../../src/transform/output-row.js';

const schema = {
  type: 'object',
  properties: { name: { type: 'string' }, id: { type: 'integer' }, tags: { type: 'array' }, address: { type: 'object' } },
};

function writeAll(factory: CsvWriterFactory, rows: OutputRow[]): string {
  const w = factory.create();
  const chunks: Buffer[] = [];
  for (const r of rows) {
    const c = w.write(r);
    if (c) chunks.push(c);
  }
  chunks.push(w.finish());
  return Buffer.concat(chunks).toString('utf8');
}

const row = (data: Record<string, unknown>, n = 1): OutputRow => ({ abId: `id-${n}`, emittedAt: 1000 + n, data });

describe('CSV writer', () => {
  it('writes the three Airbyte columns without flattening, the record as JSON', () => {
    const text = writeAll(new CsvWriterFactory('none', schema), [row({ id: 1, name: 'a,b' })]);
    const [header, first] = parse(text) as string[][];
    expect(header).toEqual(['_airbyte_ab_id', '_airbyte_emitted_at', '_airbyte_data']);
    expect(first).toEqual(['id-1', '1001', '{"id":1,"name":"a,b"}']);
  });

  it('flattens root-level fields into declared columns sorted by name, undeclared ones into _airbyte_additional_properties', () => {
    const factory = new CsvWriterFactory('root', schema);
    expect(factory.columns).toEqual(['_airbyte_ab_id', '_airbyte_emitted_at', 'address', 'id', 'name', 'tags', '_airbyte_additional_properties']);
    const text = writeAll(factory, [row({ id: 7, name: 'x', extra: true, more: { a: [1] } }), row({ id: 8 }, 2)]);
    const [, first, second] = parse(text) as string[][];
    expect(first).toEqual(['id-1', '1001', '', '7', 'x', '', '{"extra":true,"more":{"a":[1]}}']);
    expect(second).toEqual(['id-2', '1002', '', '8', '', '', '']);
  });

  it('escapes quotes, delimiters and line breaks as RFC 4180 requires', () => {
    const tricky = 'say "hi", then\r\nleave\nnow';
    const text = writeAll(new CsvWriterFactory('root', schema), [row({ name: tricky, id: 1 })]);
    expect(text).toContain('"say ""hi"", then\r\nleave\nnow"');
    const [, first] = parse(text) as string[][];
    expect(first![4]).toBe(tricky);
  });

  it('round-trips any mix of quotes, commas, CR, LF, spaces and unicode through an independent parser', () => {
    const alphabet = ['"', ',', '\r', '\n', ' ', 'a', 'é', '😀', "'", ';', '\t'];
    let seed = 11;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) % n);
    const names = Array.from({ length: 500 }, () => Array.from({ length: rand(12) + 1 }, () => alphabet[rand(alphabet.length)]).join(''));
    const text = writeAll(new CsvWriterFactory('root', schema), names.map((name, i) => row({ name, id: i }, i)));
    const parsed = (parse(text) as string[][]).slice(1);
    expect(parsed.map((r) => r[4])).toEqual(names);
  });

  it('writes null as an empty cell and an empty string as "" so loaders can tell them apart', () => {
    const text = writeAll(new CsvWriterFactory('root', schema), [row({ name: '', id: null })]);
    const lines = text.trimEnd().split('\n');
    expect(lines[1]).toBe('id-1,1001,,,"",,');
  });

  it('writes nested values as JSON text and booleans as true/false', () => {
    expect(csvCell({ a: [1, { b: null }] })).toBe('{"a":[1,{"b":null}]}');
    expect(csvCell([1, 'x'])).toBe('[1,"x"]');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(false)).toBe('false');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(-1.5e-7)).toBe('-1.5e-7');
    expect(csvCell(undefined)).toBeNull();
    expect(csvCell(null)).toBeNull();
  });

  it('keeps unicode intact across chunk boundaries', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => row({ id: i, name: 'żółć 🚀 '.repeat(20) }, i));
    const text = writeAll(new CsvWriterFactory('root', schema), rows);
    const parsed = parse(text) as string[][];
    expect(parsed).toHaveLength(5001);
    expect(parsed.slice(1).every((r) => r[4] === 'żółć 🚀 '.repeat(20))).toBe(true);
  });

  it('starts every file with its own header row', () => {
    const factory = new CsvWriterFactory('none', schema);
    for (let i = 0; i < 2; i++) expect(writeAll(factory, [row({})]).startsWith('_airbyte_ab_id,')).toBe(true);
  });
});
