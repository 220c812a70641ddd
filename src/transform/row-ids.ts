import { randomFillSync } from 'node:crypto';

/** An _airbyte_ab_id's length: a UUID's text, 8-4-4-4-12 hex digits. */
export const UUID_LENGTH = 36;

const HEX = Buffer.from('0123456789abcdef');

/**
 * `count` new random UUIDs (version 4, RFC 9562), as crypto.randomUUID makes them, 16 bytes each,
 * one after another, from one call for the entropy of all of them. Parquet stores these bytes.
 */
export function randomUuids(count: number): Buffer {
  const random = randomFillSync(Buffer.allocUnsafe(16 * count));
  for (let base = 0; base < random.length; base += 16) {
    random[base + 6] = (random[base + 6]! & 0x0f) | 0x40; // version 4
    random[base + 8] = (random[base + 8]! & 0x3f) | 0x80; // variant 10xx
  }
  return random;
}

/**
 * `count` new _airbyte_ab_id values, one after another, UUID_LENGTH ASCII bytes each: random
 * UUIDs as text. Written as bytes, so the Avro transcoder copies them with no string in between.
 */
export function newRowIds(count: number): Buffer {
  const random = randomUuids(count);
  const ids = Buffer.allocUnsafe(UUID_LENGTH * count);
  let o = 0;
  for (let r = 0; r < count; r++) {
    const base = 16 * r;
    for (let k = 0; k < 16; k++) {
      // Dashes before bytes 4, 6, 8 and 10: 8-4-4-4-12 hex digits.
      if (k === 4 || k === 6 || k === 8 || k === 10) ids[o++] = 0x2d;
      const b = random[base + k]!;
      ids[o++] = HEX[b >> 4]!;
      ids[o++] = HEX[b & 15]!;
    }
  }
  return ids;
}

const POOL = 1024;
let pool: Buffer = Buffer.alloc(0);
let next = 0;

/**
 * One new id as a string, for rows written on this thread (CSV, JSONL): made from a pool of
 * newRowIds rather than one crypto.randomUUID call and 16 string concatenations each.
 */
export function nextRowId(): string {
  if (next === pool.length) {
    pool = newRowIds(POOL);
    next = 0;
  }
  const id = pool.toString('latin1', next, next + UUID_LENGTH);
  next += UUID_LENGTH;
  return id;
}
