import { describe, expect, it } from 'vitest';
import { LineTooLongError, readLines } from '../../src/protocol/line-reader.js';

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
});
