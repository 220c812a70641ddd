import { describe, expect, it } from 'vitest';
import { newRowIds, nextRowId, randomUuids, UUID_LENGTH } from '../../src/transform/row-ids.js';
import { UUID_V4 } from '../support/messages.js';


describe('row ids made on an encoding worker', () => {
  it('are random UUIDs v4, none repeated', () => {
    const count = 50_000;
    const ids = newRowIds(count);
    expect(ids.length).toBe(count * UUID_LENGTH);
    const seen = new Set<string>();
    for (let r = 0; r < count; r++) {
      const id = ids.toString('latin1', r * UUID_LENGTH, (r + 1) * UUID_LENGTH);
      expect(id).toMatch(UUID_V4);
      seen.add(id);
    }
    expect(seen.size).toBe(count);
  });

  it('use every hex digit in every random position', () => {
    // 122 random bits each: a digit stuck at one value (a wrong shift or table) shows at once.
    const count = 2_000;
    const ids = newRowIds(count);
    for (let k = 0; k < UUID_LENGTH; k++) {
      if (k === 8 || k === 13 || k === 18 || k === 23 || k === 14) continue; // dashes, and the version digit
      const digits = new Set<number>();
      for (let r = 0; r < count; r++) digits.add(ids[r * UUID_LENGTH + k]!);
      expect(digits.size, `position ${k}`).toBe(k === 19 ? 4 : 16);
    }
  });

  it('are handed out one at a time on the main thread, still unique across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      const id = nextRowId();
      expect(id).toMatch(UUID_V4);
      seen.add(id);
    }
    expect(seen.size).toBe(5_000);
  });

  it('as bytes (Parquet) carry the version and variant bits, the rest random', () => {
    const count = 4_000;
    const raw = randomUuids(count);
    expect(raw.length).toBe(16 * count);
    const seen = new Set<string>();
    const lowBitsOfByte6 = new Set<number>();
    for (let r = 0; r < count; r++) {
      expect(raw[16 * r + 6]! >> 4, `row ${r}`).toBe(4);
      expect(raw[16 * r + 8]! >> 6, `row ${r}`).toBe(2);
      lowBitsOfByte6.add(raw[16 * r + 6]! & 15);
      seen.add(raw.toString('hex', 16 * r, 16 * r + 16));
    }
    expect(lowBitsOfByte6.size).toBe(16);
    expect(seen.size).toBe(count);
  });
});
