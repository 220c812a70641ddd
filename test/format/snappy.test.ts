import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import snappy from 'snappy';
import { snappyCompressor } from '../../src/format/snappy.js';

describe('the snappy compressor', () => {
  it('returns blocks that snappy decompresses back to their input', async () => {
    const compress = await snappyCompressor();
    const input = Buffer.from('abc'.repeat(10_000));
    const view = new Uint8Array(input.buffer, input.byteOffset + 3, input.byteLength - 3);
    expect(snappy.uncompressSync(compress(view))).toEqual(Buffer.from(view));
  });

  // The addon's own output is an external buffer, freed only from the worker's event loop, which a
  // busy encoding worker does not reach (src/format/snappy.ts). Node counts the memory of buffers
  // V8 owns in arrayBuffers, and not that of external ones, so the count tells which came back.
  it('returns its output in memory V8 owns, which a busy worker frees at its next collection', async () => {
    const compress = await snappyCompressor();
    const input = randomBytes(4 * 1024 * 1024); // incompressible: the output is as large
    const before = process.memoryUsage().arrayBuffers;
    const output = compress(input);
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(grown).toBeGreaterThanOrEqual(output.length);
  });
});
