import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { FormatWriter } from '../../src/format/format-writer.js';
import type { ObjectUploader } from '../../src/roll/object-uploader.js';
import { OpenFile } from '../../src/roll/open-file.js';
import type { OutputRow } from '../../src/transform/output-row.js';

/** A chunk encoded elsewhere (an Avro block on a worker), settled when the test says. */
function deferred() {
  let resolve!: (b: Buffer) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<Buffer>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** An OpenFile whose writer hands out the given chunks, one per row, into a sink that keeps the bytes. */
function openFile(chunks: Promise<Buffer>[]) {
  const received: Buffer[] = [];
  const writer: FormatWriter = { write: () => chunks.shift(), finish: () => Buffer.alloc(0) };
  const sink = new Writable({ write: (c, _e, done) => (received.push(c), done()) });
  const file = new OpenFile('k', writer, new PassThrough(), sink as unknown as ObjectUploader, 0);
  return { file, received };
}

const row = {} as OutputRow;
const settledYet = async (p: Promise<unknown> | undefined) => {
  let settled = false;
  void p?.then(() => (settled = true));
  await new Promise((r) => setImmediate(r));
  return settled;
};

describe('OpenFile queue of chunks encoded off the main thread', () => {
  it('makes the writer wait only for the oldest pending chunk, not the whole queue', async () => {
    const blocks = [deferred(), deferred(), deferred(), deferred(), deferred()];
    const { file, received } = openFile(blocks.map((b) => b.promise));
    expect(file.write(row)).toBeUndefined();
    expect(file.write(row)).toBeUndefined();
    expect(file.write(row)).toBeUndefined();
    const wait = file.write(row); // the fourth pending chunk: wait
    expect(wait).toBeDefined();
    blocks[0]!.resolve(Buffer.from('a'));
    expect(await settledYet(wait)).toBe(true); // three still pending, yet the writer goes on
    const next = file.write(row); // four pending again
    blocks[1]!.resolve(Buffer.from('b'));
    expect(await settledYet(next)).toBe(true);
    blocks.slice(2).reverse().forEach((b, i) => b.resolve(Buffer.from('edc'[i]!)));
    await file.finish();
    expect(Buffer.concat(received).toString()).toBe('abcde'); // in order, whatever order they settled in
  });

  it('reports a failed chunk through the wait or finish(), never unhandled', async () => {
    const blocks = [deferred(), deferred(), deferred(), deferred()];
    const { file } = openFile(blocks.map((b) => b.promise));
    for (let i = 0; i < 3; i++) file.write(row);
    const wait = file.write(row);
    blocks[0]!.reject(new Error('worker died'));
    await expect(wait).rejects.toThrow('worker died');
    await expect(file.finish()).rejects.toThrow('worker died');
  });
});
