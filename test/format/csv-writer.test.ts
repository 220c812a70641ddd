import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvWriterFactory, csvCell } from '../../src/format/csv-writer.js';
import type { OutputRow } from '../../src/transform/output-row.js';
import { parseMessage } from '../../src/protocol/parse-message.js';

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

  describe('with the data as the source sent it (dataJson)', () => {
    const scanned = (json: string, n = 1): OutputRow => ({
      abId: `id-${n}`,
      emittedAt: 1000 + n,
      dataJson: Buffer.from(json),
      get data() {
        return parseMessage(json) as Record<string, unknown>;
      },
    });
    const parsedRow = (json: string, n = 1): OutputRow => row(parseMessage(json) as Record<string, unknown>, n);
    const oddSchema = { properties: { id: {}, name: {}, 'we"ird': {}, 'ünï': {}, tags: {}, flag: {} } };

    it('flattens exactly the cells the parsed record gives, for any mix of keys, escapes and values', () => {
      let seed = 5;
      const rand = (n: number) => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) % n);
      const chars = ['a', 'é', '😀', '"', '\\', ',', '\n', '\r', '\t', '\u0001', '\u2028', ' ', '/'];
      const text = () => Array.from({ length: rand(6) }, () => chars[rand(chars.length)]).join('');
      const keys = ['id', 'name', 'we"ird', 'ünï', 'tags', 'flag', 'other', 'x"y', '', 'ID'];
      const value = (depth: number): unknown => {
        switch (rand(depth > 1 ? 7 : 9)) {
          case 0: return text();
          case 1: return rand(2000) - 1000;
          case 2: return (rand(1e6) - 5e5) / 128;
          case 3: return null;
          case 4: return rand(2) === 0;
          case 5: return 1e21 * (rand(3) + 1);
          case 6: return Number.MAX_SAFE_INTEGER - rand(3);
          case 7: return Array.from({ length: rand(3) }, () => value(depth + 1));
          default: return Object.fromEntries(Array.from({ length: rand(3) }, () => [text(), value(depth + 1)]));
        }
      };
      const jsons = Array.from({ length: 2000 }, () =>
        JSON.stringify(Object.fromEntries(Array.from({ length: rand(8) }, () => [keys[rand(keys.length)]!, value(0)]))),
      );
      const factory = new CsvWriterFactory('root', oddSchema);
      const fromBytes = writeAll(factory, jsons.map((j, i) => scanned(j, i)));
      const fromParsed = writeAll(factory, jsons.map((j, i) => parsedRow(j, i)));
      expect(fromBytes).toBe(fromParsed);
      expect((parse(fromBytes) as string[][]).length).toBe(2001);
    });

    it('keeps nested values as the source wrote them but scalars as their values', () => {
      const json = '{"id":1.50, "name":"caf\\u00e9 \\"q\\"", "tags":[1.0, 2], "flag":false, "big":12345678901234567890, "e":1E2}';
      const [, cells] = parse(writeAll(new CsvWriterFactory('root', oddSchema), [scanned(json)])) as string[][];
      expect(cells).toEqual(['id-1', '1001', 'false', '1.5', 'caf\u00e9 "q"', '[1.0, 2]', '', '', '{"big":12345678901234567890,"e":1E2}']);
    });

    it('keeps integers beyond 2^53 and negative zero as the parsed path prints them', () => {
      const json = '{"id":-12345678901234567890,"tags":-0,"flag":123456789012345,"name":9007199254740993}';
      const factory = new CsvWriterFactory('root', oddSchema);
      expect(writeAll(factory, [scanned(json)])).toBe(writeAll(factory, [parsedRow(json)]));
      expect(writeAll(factory, [scanned(json)])).toContain(',-12345678901234567890,9007199254740993,0,');
    });

    it('takes the last value of a repeated key, as JSON.parse does', () => {
      const json = '{"id":1,"x":1,"id":2,"x":2,"\\u0078":3}';
      const [, cells] = parse(writeAll(new CsvWriterFactory('root', oddSchema), [scanned(json)])) as string[][];
      expect(cells![3]).toBe('2');
      expect(cells![8]).toBe('{"x":3}');
      const [, declaredTwice] = parse(writeAll(new CsvWriterFactory('root', oddSchema), [scanned('{"id":1,"id":2,"y":0}')])) as string[][];
      expect(declaredTwice!.slice(3)).toEqual(['2', '', '', '', '', '{"y":0}']);
    });
  });
});
