import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { ParallelGzip } from '../../src/format/parallel-gzip.js';

async function compress(chunks: Buffer[]): Promise<Buffer> {
  return buffer(Readable.from(chunks).pipe(new ParallelGzip(6, 1024 * 1024)));
}

/** JSON-ish text with repeats across block boundaries, as rows are. */
function rows(n: number): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(`{"id":${i},"name":"user ${i % 977}","city":"${['Łódź', 'Lyon', 'Reykjavík'][i % 3]}","n":${(i * 7919) % 10007}}\n`);
  return Buffer.from(lines.join(''));
}

function split(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}

describe('parallel gzip', () => {
  it('writes one gzip member that decompresses to exactly the input, across many blocks', async () => {
    const data = rows(200_000);
    const gz = await compress(split(data, 256 * 1024));
    expect(data.length).toBeGreaterThan(10 * 1024 * 1024);
    expect(gunzipSync(gz).equals(data)).toBe(true);
    // One member: the gzip tool itself checks the CRC-32 and length in the trailer.
    const tool = spawnSync('gzip', ['-dc'], { input: gz, maxBuffer: 64 * 1024 * 1024 });
    expect(tool.status, tool.stderr.toString()).toBe(0);
    expect(tool.stdout.equals(data)).toBe(true);
  });

  it('compresses nearly as well as one zlib stream at the same level', async () => {
    const data = rows(100_000);
    const gz = await compress(split(data, 256 * 1024));
    const single = gzipSync(data, { level: 6 });
    expect(gz.length / single.length).toBeLessThan(1.01);
  });

  it('handles empty input, a tiny input, odd chunk sizes and incompressible bytes', async () => {
    expect(gunzipSync(await compress([])).length).toBe(0);
    expect(gunzipSync(await compress([Buffer.from('a')])).toString()).toBe('a');
    const noise = randomBytes(700_000);
    expect(gunzipSync(await compress(split(noise, 33_333))).equals(noise)).toBe(true);
    const data = rows(30_000);
    expect(gunzipSync(await compress(split(data, 1000))).equals(data)).toBe(true);
    expect(gunzipSync(await compress([data])).equals(data)).toBe(true);
  });
});
