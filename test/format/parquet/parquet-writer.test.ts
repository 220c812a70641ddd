import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parquetMetadata, parquetReadObjects, readOffsetIndex } from 'hyparquet';
import { decompress as zstdDecompress } from '@bokuweb/zstd-wasm';
import { zstdReady } from '../../../src/format/zstd.js';
import { ParquetWriterFactory, type ParquetOptions } from '../../../src/format/parquet/parquet-writer.js';
import { RowGroupPool } from '../../../src/format/parquet/row-group-pool.js';
import type { FormatWriter } from '../../../src/format/format-writer.js';
import { UUID_V4 } from '../../support/messages.js';

const schema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    score: { type: 'number' },
  },
};

function factory(options: Partial<ParquetOptions> = {}): ParquetWriterFactory {
  return new ParquetWriterFactory(schema, 'rows', 'ns', {
    codec: 'SNAPPY',
    rowGroupBytes: 128 * 1024 * 1024,
    pageBytes: 1024 * 1024,
    dictionaryBytes: 1024 * 1024,
    dictionary: true,
    pool: new RowGroupPool(64 * 1024 * 1024),
    ...options,
  });
}

/** A record whose data is exactly `bytes` of JSON, as the scanner hands it on. */
function row(id: number, bytes = 0): { abId: string; emittedAt: number; data: Record<string, unknown>; dataJson: Buffer } {
  const head = `{"id":${id},"score":${id / 4},"name":"`;
  const name = `row ${id} `.padEnd(Math.max(0, bytes - head.length - 2), 'x');
  const dataJson = Buffer.from(`${head}${name}"}`);
  return { abId: randomUUID(), emittedAt: 1_700_000_000_000 + id, data: JSON.parse(dataJson.toString()), dataJson };
}

/** Writes every row, awaiting chunks in order as OpenFile does, and returns the whole file. */
async function writeFile(writer: FormatWriter, rows: ReturnType<typeof row>[]): Promise<Buffer> {
  const chunks: Promise<Buffer>[] = [];
  for (const r of rows) {
    const chunk = writer.write(r);
    if (chunk !== undefined) chunks.push(Promise.resolve(chunk));
  }
  chunks.push(Promise.resolve(writer.finish()));
  return Buffer.concat(await Promise.all(chunks));
}

/** The file's bytes in an ArrayBuffer of their own, as hyparquet's reader takes them. */
const arrayBuffer = (file: Buffer): ArrayBuffer => new Uint8Array(file).buffer;

async function readBack(file: Buffer): Promise<Record<string, unknown>[]> {
  await zstdReady();
  return parquetReadObjects({ file: arrayBuffer(file), compressors: { ZSTD: (input) => zstdDecompress(input) } });
}


describe('Parquet writer', () => {
  it('keeps the rows of a batch sent to the worker just before the file finishes', async () => {
    // 1 KB records: the 128th fills a 128 KB batch, which goes to the worker with no rows left here.
    const rows = Array.from({ length: 128 }, (_, i) => row(i, 1024));
    expect(rows[0]!.dataJson.length).toBe(1024);
    const back = await readBack(await writeFile(factory().create(), rows));
    expect(back.map((r) => r.id)).toEqual(rows.map((_, i) => BigInt(i)));
    expect(back.at(-1)).toMatchObject({ _airbyte_ab_id: expect.stringMatching(UUID_V4), name: rows.at(-1)!.data.name });
  });

  it('places row groups encoded on workers at their offsets in the file, page indexes included', async () => {
    // Row groups of about 64 KB of JSON, pages of 1 KB: many row groups, several pages each.
    const rows = Array.from({ length: 3000 }, (_, i) => row(i, 200));
    const file = await writeFile(factory({ rowGroupBytes: 64 * 1024, pageBytes: 1024 }).create(), rows);
    const back = await readBack(file);
    expect(back).toHaveLength(rows.length);
    back.forEach((r, i) => expect(r).toMatchObject({ id: BigInt(i), score: i / 4, name: rows[i]!.data.name, _airbyte_ab_id: expect.stringMatching(UUID_V4) }));
    expect(new Set(back.map((r) => r._airbyte_ab_id)).size).toBe(rows.length);

    const meta = parquetMetadata(arrayBuffer(file));
    expect(meta.row_groups.length).toBeGreaterThan(5);
    let end = 4n; // after the leading "PAR1"
    let offsetIndexes = 0;
    for (const group of meta.row_groups) {
      for (const chunk of group.columns) {
        const m = chunk.meta_data!;
        const start = m.dictionary_page_offset ?? m.data_page_offset;
        expect(start).toBe(end); // each column chunk starts where the one before it ends
        end = start + m.total_compressed_size;
        if (chunk.offset_index_offset === undefined) continue;
        offsetIndexes++;
        const at = Number(chunk.offset_index_offset);
        const index = readOffsetIndex({ view: new DataView(file.buffer, file.byteOffset + at, chunk.offset_index_length!), offset: 0 });
        expect(index.page_locations[0]!.offset).toBe(m.data_page_offset);
        const last = index.page_locations.at(-1)!;
        expect(last.offset + BigInt(last.compressed_page_size)).toBe(end);
      }
    }
    expect(offsetIndexes).toBeGreaterThan(0);
  });

  it('counts values that do not fit their declared type, as they come back from the worker', async () => {
    const f = factory();
    const bad = { abId: randomUUID(), emittedAt: 0, data: { id: 'seven', name: 'x', score: 1 }, dataJson: Buffer.from('{"id":"seven","name":"x","score":1}') };
    const back = await readBack(await writeFile(f.create(), [row(1), bad, row(2)]));
    expect(back.map((r) => r.id)).toEqual([1n, null, 2n]);
    expect([...f.typeMismatches]).toEqual([['id', 1]]);
  });

  it('writes ZSTD pages that decompress when several streams set up their codec at once', async () => {
    // Each stream's first rows make the worker load the codec; zstd's WebAssembly loaded again
    // while pages were being compressed left pages no reader could decompress.
    const writers = [0, 1, 2].map(() => factory({ codec: 'ZSTD', rowGroupBytes: 32 * 1024, pageBytes: 4096 }).create());
    const rows = Array.from({ length: 1500 }, (_, i) => row(i, 150));
    const chunks = writers.map(() => [] as Promise<Buffer>[]);
    rows.forEach((r, i) => {
      const chunk = writers[i % 3]!.write(r);
      if (chunk !== undefined) chunks[i % 3]!.push(Promise.resolve(chunk));
    });
    for (let w = 0; w < 3; w++) {
      chunks[w]!.push(Promise.resolve(writers[w]!.finish()));
      const back = await readBack(Buffer.concat(await Promise.all(chunks[w]!)));
      expect(back.map((r) => r.id)).toEqual(rows.filter((_, i) => i % 3 === w).map((r) => BigInt(r.data.id as number)));
    }
  });

  it('writes a readable file with no rows', async () => {
    const file = await writeFile(factory().create(), []);
    expect(await readBack(file)).toEqual([]);
  });
});
