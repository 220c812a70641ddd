import { describe, expect, it } from 'vitest';
import { ByteChunker } from '../../src/format/format-writer.js';

const text = (build: (c: ByteChunker) => unknown) => {
  const c = new ByteChunker();
  build(c);
  return c.take().toString('utf8');
};

describe('ByteChunker', () => {
  it('writes integers as String() does, epoch milliseconds and negatives included', () => {
    for (const n of [0, 7, 10, 99, 100, -1, -10, 1_700_000_000_000, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 53, 1e21, -0]) {
      expect(text((c) => c.addInteger(n)), String(n)).toBe(String(n));
    }
  });

  it('copies byte ranges of any length without touching the bytes around them', () => {
    const src = Buffer.from('x'.repeat(10) + 'é'.repeat(100) + 'y'.repeat(10));
    expect(text((c) => c.addRange(src, 10, 12).addRange(src, 10, 210).addRange(src, 0, 0))).toBe('é' + 'é'.repeat(100));
  });

  it('quotes a CSV cell only when RFC 4180 asks, doubling its quotes', () => {
    const cell = (s: string) => text((c) => c.addCsvRange(Buffer.from(`<${s}>`), 1, Buffer.byteLength(s) + 1));
    expect(cell('plain é')).toBe('plain é');
    expect(cell('')).toBe('""');
    expect(cell('a,b')).toBe('"a,b"');
    expect(cell('line\nbreak')).toBe('"line\nbreak"');
    expect(cell('cr\r')).toBe('"cr\r"');
    expect(cell('say "hi"')).toBe('"say ""hi"""');
    expect(cell('"'.repeat(300))).toBe(`"${'"'.repeat(600)}"`);
  });

  it('grows past a chunk for a row larger than what is left', () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 0x61);
    const c = new ByteChunker().addAscii('head,').addCsvCell(big);
    expect(c.full).toBe(true);
    const out = c.take();
    expect(out.length).toBe(5 + big.length);
    expect(out.subarray(0, 5).toString()).toBe('head,');
  });
});
