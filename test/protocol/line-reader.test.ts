import { describe, expect, it } from 'vitest';
import { LineTooLongError, readLineBatches, readLines } from '../../src/protocol/line-reader.js';

async function collect(chunks: (string | Buffer)[], max = 1024): Promise<string[]> {
  const out: string[] = [];
  for await (const line of readLines((async function* () { yield* chunks; })(), max)) out.push(line.toString('utf8'));
  return out;
}

describe('line reader', () => {
  it('splits lines across chunk boundaries, including inside a multi-byte character', async () => {
    const text = Buffer.from('{"a":"żó"}\r\n{"b":2}\nlast');
    const chunks = [text.subarray(0, 7), text.subarray(7, 13), text.subarray(13)];
    expect(await collect(chunks)).toEqual(['{"a":"żó"}', '{"b":2}', 'last']);
  });

  it('refuses a line longer than the limit, naming its number', async () => {
    await expect(collect(['ok\n', 'x'.repeat(600), 'x'.repeat(600), '\n'], 1000)).rejects.toThrow(LineTooLongError);
    await expect(collect(['ok\n', 'y'.repeat(2000) + '\n'], 1000)).rejects.toThrow(/line 2 is longer than 1000 bytes/);
  });

  it('keeps empty lines so line numbers in errors stay right', async () => {
    expect(await collect(['a\n\nb\n'])).toEqual(['a', '', 'b']);
  });

  it('hands out the lines before a line too long, in the same chunk, before refusing it', async () => {
    const seen: string[] = [];
    const input = (async function* () { yield Buffer.from('a\nb\n' + 'z'.repeat(50) + '\nc\n'); })();
    await expect((async () => {
      for await (const lines of readLineBatches(input, 20)) seen.push(...lines.map(String));
    })()).rejects.toThrow(/line 3 is longer than 20 bytes/);
    expect(seen).toEqual(['a', 'b']);
  });

  it('names a line too long by its first bytes even when it has not ended in the chunk that overflows', async () => {
    const err = await collect(['ok\n{"stream":"users",' + 'x'.repeat(100)], 50).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LineTooLongError);
    expect((err as LineTooLongError).lineNumber).toBe(2);
    expect((err as LineTooLongError).head).toMatch(/^\{"stream":"users"/);
  });

  it('gives every line of a chunk in one batch', async () => {
    const batches: string[][] = [];
    for await (const lines of readLineBatches((async function* () { yield 'a\nb\nc'; yield 'd\ne\n'; })(), 100)) batches.push(lines.map(String));
    expect(batches).toEqual([['a', 'b'], ['cd', 'e']]);
  });
});
