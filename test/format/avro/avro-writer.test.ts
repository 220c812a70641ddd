import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { avroCodec } from '../../../src/format/avro/avro-codecs.js';
import { AvroWriterFactory, avroTypeOf } from '../../../src/format/avro/avro-writer.js';
import { parseMessage } from '../../../src/protocol/parse-message.js';
import type { Chunk } from '../../../src/format/format-writer.js';
import type { OutputRow } from '../../../src/transform/output-row.js';
import { UUID_V4 } from '../../support/messages.js';

const schema = {
  type: 'object',
  properties: { id: { type: 'integer' }, name: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } }, score: { type: 'number' } },
};

/** A row as the reader hands it on: the data's bytes, parsed only if asked. */
const scanned = (json: string, emittedAt: number): OutputRow => ({
  abId: randomUUID(),
  emittedAt,
  dataJson: Buffer.from(json),
  get data() {
    return parseMessage(json) as Record<string, unknown>;
  },
});

/** Writes rows the way OpenFile does (chunks in order, promises awaited) and decodes the file with avsc's own container reader. */
async function roundTrip(factory: AvroWriterFactory, rows: OutputRow[]): Promise<{ records: any[] }> {
  const writer = factory.create();
  const chunks: Chunk[] = [];
  for (const row of rows) {
    const chunk = writer.write(row);
    if (chunk) chunks.push(chunk);
  }
  chunks.push(writer.finish());
  const file = Buffer.concat(await Promise.all(chunks));
  const records: any[] = [];
  const decoder = new avro.streams.BlockDecoder({ parseHook: (s: any) => avroTypeOf(s) });
  decoder.on('data', (r: any) => records.push(r));
  await new Promise((resolve, reject) => {
    decoder.on('end', resolve).on('error', reject);
    Readable.from([file]).pipe(decoder);
  });
  return { records };
}


describe('Avro writer (encoding on worker threads)', () => {
  it('keeps every record, in order, across many blocks encoded in parallel', async () => {
    const factory = new AvroWriterFactory(schema, 'items', 'ns', await avroCodec({ codec: 'Deflate', compression_level: 6 } as never));
    const rows = Array.from({ length: 20_000 }, (_, i) =>
      scanned(JSON.stringify({ id: i, name: `n${i} ${'é'.repeat(i % 50)}`, tags: [String(i)], score: i / 7 }), 1_700_000_000_000 + i),
    );
    const { records } = await roundTrip(factory, rows);
    expect(records).toHaveLength(rows.length);
    // Ids are made on the workers: every one a UUID v4, none repeated.
    expect(new Set(records.map((r) => r._airbyte_ab_id)).size).toBe(rows.length);
    records.forEach((r, i) => {
      expect(r._airbyte_ab_id).toMatch(UUID_V4);
      expect(r._airbyte_emitted_at).toBe(1_700_000_000_000 + i);
      expect(r.id).toEqual({ long: i });
      expect(r.score).toEqual({ double: i / 7 });
    });
  });

  it('keeps integers beyond 2^53 exact, from the source bytes and from parsed rows alike', async () => {
    const factory = new AvroWriterFactory(schema, 'items', 'ns', await avroCodec({ codec: 'no compression' } as never));
    const parsed: OutputRow = { abId: randomUUID(), emittedAt: 2, data: { id: 9223372036854775807n, name: 'parsed' } };
    const { records } = await roundTrip(factory, [scanned('{"id":-9223372036854775808,"name":"bytes"}', 1), parsed]);
    expect(records.map((r) => r.id)).toEqual([{ long: -9223372036854775808n }, { long: 9223372036854775807n }]);
    expect(records.map((r) => r.name)).toEqual([{ string: 'bytes' }, { string: 'parsed' }]);
  });

  it('counts values that do not fit their declared type, by field, once the workers report them', async () => {
    const factory = new AvroWriterFactory(schema, 'items', 'ns', await avroCodec({ codec: 'no compression' } as never));
    const rows = Array.from({ length: 3000 }, (_, i) => scanned(i % 3 === 0 ? '{"id":"many","tags":[1]}' : `{"id":${i}}`, i));
    const { records } = await roundTrip(factory, rows);
    expect(records[0].id).toBeNull();
    expect(Object.fromEntries(factory.typeMismatches)).toEqual({ id: 1000 });
  });
});
