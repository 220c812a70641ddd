import { describe, expect, it } from 'vitest';
import { avroName } from '../../../src/format/avro/avro-names.js';
import { AvroTranscoder } from '../../../src/format/avro/avro-transcoder.js';
import { compileRecord } from '../../../src/format/avro/avro-values.js';
import { avroTypeOf } from '../../../src/format/avro/avro-writer.js';
import { jsonSchemaToAvro } from '../../../src/format/avro/json-schema-to-avro.js';
import { parseMessage } from '../../../src/protocol/parse-message.js';

/** A small seeded generator (mulberry32), so a failure names a case that can be run again. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Random = ReturnType<typeof random>;

const NAMES = ['id', 'name', 'é clé', '9lives', 'a b', 'a_b', 'price', 'when', 'tags', 'nested', 'x', '_airbyte_additional_properties', '__proto__'];
const LEAVES: object[] = [
  { type: 'integer' },
  { type: 'number' },
  { type: 'string' },
  { type: 'boolean' },
  { type: 'string', format: 'date-time' },
  { type: ['null', 'string'], format: 'date-time' },
  { type: 'string', format: 'date' },
  { type: 'string', format: 'time' },
  { type: ['null', 'integer'] },
  { type: ['integer', 'string'] },
  { type: ['number', 'boolean'] },
  { type: 'number', airbyte_type: 'integer' },
  { $ref: 'WellKnownTypes.json#/definitions/TimestampWithTimezone' },
  { $ref: 'WellKnownTypes.json#/definitions/Integer' },
  { oneOf: [{ type: 'string' }, { type: 'integer' }] },
  {},
];

function jsonSchema(rnd: Random, depth: number, excluded: string[] = []): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const count = rnd.int(6);
  for (let i = 0; i < count; i++) {
    const name = rnd.pick(NAMES);
    if (excluded.includes(name) && rnd.chance(0.9)) continue;
    const r = rnd.next();
    properties[name] =
      depth > 0 && r < 0.2
        ? jsonSchema(rnd, depth - 1, excluded)
        : depth > 0 && r < 0.35
          ? { type: 'array', items: rnd.chance(0.5) ? jsonSchema(rnd, depth - 1, excluded) : rnd.pick(LEAVES) }
          : rnd.pick(LEAVES);
  }
  return { type: 'object', properties };
}

const STRINGS = [
  'plain',
  '',
  'Zoë Ødegaard 🚀',
  'quote " and \\ backslash',
  'tab\tnewline\n',
  'a\ud800lone',
  '153',
  ' 42 ',
  '1.5e3',
  'NaN',
  '2023-07-22T19:20:57.247Z',
  '2023-07-22 19:20:57+02:00',
  ' 2023-07-22T19:20:57Z\u00a0',
  '2023-02-30T00:00:00Z',
  '0050-01-01T00:00:00.123456789Z',
  '2024-02-29',
  '23:59:59.5-01:30',
  'lorem ipsum '.repeat(8),
];
const NUMBERS = ['0', '-0', '7', '-12', '1.0', '1e2', '1.5', '-0.000123', '3.141592653589793', '-85.38049712777138', '1e400', '2.5e-308', '9007199254740993', '-9223372036854775808', '123456789012345', '1700000000000', '1234567890.5', '9223372036854775807', '9223372036854775808', '1e23', '8.5e22', '3e-23', '1.7976931348623157e308'];

/** JSON text of a value for a schema: mostly conforming, sometimes anything; written with the quirks sources have. */
function valueText(rnd: Random, schema: any, depth: number, noise = 0.25): string {
  if (rnd.chance(noise)) return anyValue(rnd, depth);
  if (schema.type === 'object' || schema.properties) return objectText(rnd, schema, depth);
  if (schema.type === 'array') {
    // Long arrays (a two-byte count) of conforming items, or a few items of anything.
    const long = rnd.chance(0.1);
    const n = long ? 64 + rnd.int(80) : rnd.int(4);
    return `[${Array.from({ length: n }, () => valueText(rnd, schema.items ?? {}, depth + 1, long ? 0 : noise)).join(rnd.chance(0.2) ? ' , ' : ',')}]`;
  }
  const types = ([] as unknown[]).concat(schema.type ?? []);
  // Without noise, values every path takes (no long integer, no lone surrogate).
  if (types.includes('integer') || types.includes('number') || schema.$ref?.endsWith('Integer')) return rnd.pick(noise ? NUMBERS : NUMBERS.slice(0, 8));
  if (types.includes('boolean')) return rnd.pick(['true', 'false']);
  return stringText(rnd, rnd.pick(noise ? STRINGS : STRINGS.slice(0, 5)));
}

function stringText(rnd: Random, s: string): string {
  const text = JSON.stringify(s);
  // Escapes a source may use where JSON.stringify would not.
  return rnd.chance(0.2) ? text.replace(/[a-z]/, (c) => `\\u00${c.charCodeAt(0).toString(16)}`).replace('/', '\\/') : text;
}

function anyValue(rnd: Random, depth: number): string {
  switch (rnd.int(depth > 2 ? 4 : 6)) {
    case 0:
      return 'null';
    case 1:
      return rnd.pick(NUMBERS);
    case 2:
      return rnd.pick(['true', 'false']);
    case 3:
      return stringText(rnd, rnd.pick(STRINGS));
    case 4:
      return `[${Array.from({ length: rnd.int(3) }, () => anyValue(rnd, depth + 1)).join(',')}]`;
    default:
      return `{"k":${anyValue(rnd, depth + 1)}}`;
  }
}

function objectText(rnd: Random, schema: any, depth: number): string {
  const members: string[] = [];
  for (const [name, def] of Object.entries<any>(schema.properties ?? {})) {
    if (rnd.chance(0.15)) {
      // Absent, or given under its Avro name ("a_b" for "a b"), which the general path also reads.
      if (rnd.chance(0.5)) members.push(`${JSON.stringify(avroName(name))}:${valueText(rnd, def, depth + 1)}`);
      continue;
    }
    members.push(`${stringText(rnd, name)}:${rnd.chance(0.1) ? ' ' : ''}${valueText(rnd, def, depth + 1)}`);
  }
  if (rnd.chance(0.05)) members.push(`"undeclared":${anyValue(rnd, depth + 1)}`);
  // Any name: undeclared here, or a field's Avro name ("a_b" for "a b"), which the general path also reads.
  if (rnd.chance(0.1)) members.push(`${JSON.stringify(rnd.pick(NAMES))}:${anyValue(rnd, depth + 1)}`);
  if (rnd.chance(0.05) && members.length) members.push(members[0]!); // a duplicate key: the last wins
  if (rnd.chance(0.3)) members.reverse();
  return `{${members.join(rnd.chance(0.1) ? ', ' : ',')}}`;
}

/** The general path: parse, convert by Airbyte's rules, encode with avsc. */
function generalPath(schema: ReturnType<typeof jsonSchemaToAvro>) {
  const type = avroTypeOf(schema);
  const convert = compileRecord(schema);
  return (json: string, abId: string, emittedAt: number) => {
    const mismatches: string[] = [];
    try {
      const value = convert(parseMessage(json) as Record<string, unknown>, (p) => mismatches.push(p), { abId, emittedAt });
      return { bytes: type.toBuffer(value), mismatches };
    } catch (err) {
      return { error: err, mismatches };
    }
  };
}

function transcode(transcoder: AvroTranscoder, json: string, abId: string, emittedAt: number) {
  const bytes = Buffer.from(json);
  const out = Buffer.alloc(transcoder.reserve(bytes.length) + 7);
  const mismatches: string[] = [];
  const end = transcoder.transcode(bytes, 0, bytes.length, Buffer.from(abId, 'latin1'), 0, emittedAt, out, 7, (p) => mismatches.push(p));
  return { bytes: end < 0 ? undefined : out.subarray(7, end), mismatches };
}

const AB_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('Avro transcoder (record bytes straight to Avro)', () => {
  it('writes exactly the bytes of parse, conversion and avsc, and counts the same mismatches, on generated schemas and records', () => {
    let direct = 0;
    let general = 0;
    // What the direct path met, so the comparison cannot pass on easy records alone.
    const met = { mismatches: 0, escapes: 0, longArrays: 0, dates: 0, doubles: 0 };
    for (let seed = 1; seed <= 300; seed++) {
      const rnd = random(seed);
      const json = jsonSchema(rnd, 3, rnd.chance(0.5) ? ['_airbyte_additional_properties', '__proto__', 'a_b'] : []);
      const schema = jsonSchemaToAvro(json, 'stream', 'ns');
      let expected: ReturnType<typeof generalPath>;
      try {
        expected = generalPath(schema);
      } catch {
        continue; // two names Avro makes the same ("a b" and "a_b"): no Avro file for this stream at all
      }
      const transcoder = new AvroTranscoder(schema);
      for (let r = 0; r < 40; r++) {
        const text = objectText(rnd, json, 0);
        const emittedAt = rnd.chance(0.9) ? 1_700_000_000_000 + r : 2 ** 53 - r;
        const want = expected(text, AB_ID, emittedAt);
        const got = transcode(transcoder, text, AB_ID, emittedAt);
        if (!got.bytes) {
          general++;
          expect(got.mismatches, `seed ${seed}: nothing counted when giving up`).toEqual([]);
          continue;
        }
        direct++;
        if (got.mismatches.length) met.mismatches++;
        if (text.includes('\\')) met.escapes++;
        if (/\[(?:[^\][]*?,){64}/.test(text)) met.longArrays++;
        if (text.includes('T19:20:57')) met.dates++;
        if (text.includes('.38049712777138')) met.doubles++;
        expect(want.error, `seed ${seed} ${text}: the general path fails where the transcoder wrote`).toBeUndefined();
        expect(got.bytes.toString('hex'), `seed ${seed} ${text}`).toBe(want.bytes!.toString('hex'));
        expect(got.mismatches, `seed ${seed} ${text}`).toEqual(want.mismatches);
      }
    }
    // Thousands of generated records take the direct path; the rest check that giving up is clean.
    console.log({ direct, general, ...met });
    expect(direct).toBeGreaterThan(3000);
    expect(general).toBeGreaterThan(100);
    for (const [what, n] of Object.entries(met)) expect(n, what).toBeGreaterThan(20);
  });

  it("takes records like the benchmark's in full, without the general path", () => {
    const schema = jsonSchemaToAvro(
      {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          name: { type: 'string' },
          address: { type: 'object', properties: { city: { type: 'string' }, geo: { type: 'object', properties: { lat: { type: 'number' } } } } },
          tags: { type: 'array', items: { type: 'string' } },
          bio: { type: ['null', 'string'] },
          created_at: { type: 'string', format: 'date-time' },
        },
      },
      'users',
      'bench',
    );
    const transcoder = new AvroTranscoder(schema);
    const text = '{"id":1,"name":"Zoë","address":{"city":"Reykjavík","geo":{"lat":-73.66497184149921}},"tags":["a","b"],"bio":null,"created_at":"2023-09-12T05:01:56.301Z"}';
    const got = transcode(transcoder, text, AB_ID, 1_700_000_000_001);
    expect(got.bytes?.toString('hex')).toBe(generalPath(schema)(text, AB_ID, 1_700_000_000_001).bytes!.toString('hex'));
  });

  it('leaves undeclared keys, long integers and numeric strings to the general path', () => {
    const schema = jsonSchemaToAvro({ type: 'object', properties: { id: { type: ['integer', 'string'] }, n: { type: 'integer' } } }, 's', null);
    const transcoder = new AvroTranscoder(schema);
    for (const text of ['{"id":1,"other":2}', '{"n":12345678901234567}', '{"id":"153"}', '{"_airbyte_additional_properties":{"a":"b"}}']) {
      expect(transcode(transcoder, text, AB_ID, 1).bytes, text).toBeUndefined();
    }
    expect(transcode(transcoder, '{"id":1,"n":2}', AB_ID, 1).bytes).toBeDefined();
  });
});
