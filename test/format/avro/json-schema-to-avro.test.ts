import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { fieldToAvro, jsonSchemaToAvro } from '../../../src/format/avro/json-schema-to-avro.js';
import { compileRecord } from '../../../src/format/avro/avro-values.js';
import { avroTypeOf } from '../../../src/format/avro/avro-writer.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/airbyte/${name}`, import.meta.url), 'utf8'));
const conversionCases: any[] = fixture('json_to_avro_conversion_cases.json');
const typeCases: any[] = fixture('json_to_avro_type_cases.json');

/** Our values wrap union branches ({"long": 5}) and keep int64 as BigInt; Airbyte's cases show plain JSON. */
function unwrap(value: unknown, type: avro.Type): unknown {
  return JSON.parse(JSON.stringify(type.fromBuffer(type.toBuffer(value)), (_k, v) => (typeof v === 'bigint' ? Number(v) : v)), (_k, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      // A wrapped union value is an object with one key naming a branch type.
      if (keys.length === 1 && /^(string|long|int|double|boolean|map|array|[\w.]*[A-Za-z_]\w*)$/.test(keys[0]!) && isBranch(keys[0]!)) return v[keys[0]!];
    }
    return v;
  });
}
let branchNames = new Set<string>();
const isBranch = (k: string) => branchNames.has(k);
function collectBranchNames(type: avro.Type): Set<string> {
  const names = new Set<string>();
  const visit = (t: any) => {
    if (t.typeName === 'union:wrapped') for (const b of t.types) { names.add(b.branchName); visit(b); }
    else if (t.typeName === 'record') t.fields.forEach((f: any) => visit(f.type));
    else if (t.typeName === 'array') visit(t.itemsType);
  };
  visit(type);
  return names;
}

describe('JSON schema to Avro, by Airbyte’s conversion cases', () => {
  it.each(conversionCases.map((c) => [c.schemaName, c]))('converts %s: schema and record', (_name, c) => {
    const schema = jsonSchemaToAvro(c.jsonSchema, c.schemaName, c.namespace, c.appendAirbyteFields);
    expect(schema).toEqual(c.avroSchema);
    const type = avroTypeOf(schema);
    branchNames = collectBranchNames(type);
    const mismatches: string[] = [];
    const value = compileRecord(schema)(c.jsonObject, (p) => mismatches.push(p));
    expect(unwrap(value, type)).toEqual(c.avroObject);
    expect(mismatches).toEqual([]);
  });

  it.each(typeCases.map((c) => [c.fieldName, c]))('converts the field type %s', (_name, c) => {
    // Airbyte's type cases show nested records without the (empty) namespace of a root field.
    const withoutEmptyNamespace = JSON.parse(JSON.stringify(fieldToAvro(c.fieldName, c.jsonFieldSchema)), (k, v) => (k === 'namespace' && v === '' ? undefined : v));
    expect(withoutEmptyNamespace).toEqual(c.avroFieldType);
  });
});

describe('Avro values', () => {
  const schema = jsonSchemaToAvro(
    {
      type: 'object',
      properties: {
        count: { type: ['null', 'integer'] },
        price: { type: 'number' },
        at: { type: 'string', format: 'date-time' },
        day: { type: 'string', format: 'date' },
        big: { type: 'integer' },
      },
    },
    'values',
    'ns',
  );
  const convert = compileRecord(schema);
  const meta = { abId: '00000000-0000-4000-8000-000000000000', emittedAt: 1 };

  it('keeps integers beyond 2^53 exact, as BigInt', () => {
    const v = convert({ big: '9223372036854775807' }, () => undefined, meta);
    expect(v.big).toEqual({ long: 9223372036854775807n });
  });

  it('writes a value that does not fit its declared type as null and counts it', () => {
    const seen: string[] = [];
    const v = convert({ count: 'many', price: { x: 1 }, big: 2 ** 64 }, (p) => seen.push(p), meta);
    expect(v.count).toBeNull();
    expect(v.price).toBeNull();
    expect(v.big).toBeNull();
    expect(seen).toEqual(['count', 'price', 'big']);
  });

  it('converts date-times with zones to UTC microseconds and falls back to text when unparseable', () => {
    expect(convert({ at: '2021-01-01T01:01:01.123456+01:00' }, () => undefined, meta).at).toEqual({ long: 1609459261123456n });
    expect(convert({ at: '2021-01-01T00:00:00' }, () => undefined, meta).at).toEqual({ long: 1609459200000000n });
    expect(convert({ at: 'yesterday' }, () => undefined, meta).at).toEqual({ string: 'yesterday' });
    expect(convert({ day: '2021-02-30' }, () => undefined, meta).day).toEqual({ string: '2021-02-30' });
    expect(convert({ day: '1969-12-31' }, () => undefined, meta).day).toEqual({ int: -1 });
  });

  it('takes the metadata fields from the row', () => {
    const v = convert({ _airbyte_ab_id: 'spoof' }, () => undefined, meta);
    expect(v._airbyte_ab_id).toBe(meta.abId);
    expect(v._airbyte_emitted_at).toBe(1);
    expect(v._airbyte_additional_properties).toBeNull();
  });

  it('reads fields whose names need escaping or sanitising, and counts nested mismatches by path', () => {
    const odd = jsonSchemaToAvro(
      {
        type: 'object',
        properties: {
          'we"ird': { type: 'string' },
          ['__proto__']: { type: 'integer' },
          nested: { type: 'object', properties: { n: { type: 'integer' } } },
          list: { type: 'array', items: { type: 'integer' } },
        },
      },
      'odd',
      'ns',
    );
    const seen: string[] = [];
    const data = JSON.parse('{"we\\"ird":"x","__proto__":5,"nested":{"n":"bad"},"list":[1,"bad"],"more":true}');
    const value = compileRecord(odd)(data, (p) => seen.push(p), meta);
    expect(seen).toEqual(['nested.n', 'list[]']);
    const back = avroTypeOf(odd).fromBuffer(avroTypeOf(odd).toBuffer(value)) as Record<string, any>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(back.we_ird).toEqual({ string: 'x' });
    // An own property of the value (avsc's own decoder cannot give one back, so not `back`).
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ long: 5 });
    expect(back.nested).toEqual({ nested: { n: null, _airbyte_additional_properties: null } });
    expect(back.list).toEqual({ array: [{ long: 1 }, null] });
    expect(back._airbyte_additional_properties).toEqual({ map: { more: 'true' } });
  });
});
