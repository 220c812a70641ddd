import { describe, expect, it } from 'vitest';
import { epochDay, NO_MATCH, timeMicros, timestampMicros, timestampMicrosAt, timestampMicrosByPattern } from '../../src/transform/dates.js';

/**
 * The reference: the calendar from Date (setUTCFullYear, which unlike Date.UTC takes years below
 * 100 as they are) and the arithmetic in BigInt, the way the parser did it before it moved to
 * doubles.
 */
function referenceDay(y: number, mo: number, d: number): number | typeof NO_MATCH {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return NO_MATCH;
  return Math.round(date.getTime() / 86_400_000);
}

function referenceMicros(y: number, mo: number, d: number, h: number, mi: number, s: number, fraction: string, zoneMinutes: number): bigint | typeof NO_MATCH {
  const day = referenceDay(y, mo, d);
  if (day === NO_MATCH) return NO_MATCH;
  const seconds = BigInt(day) * 86_400n + BigInt(h * 3600 + mi * 60 + s - zoneMinutes * 60);
  return seconds * 1_000_000n + (fraction ? BigInt((fraction + '000000').slice(0, 6)) : 0n);
}

/** A deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

describe('RFC 3339 dates', () => {
  it('converts date-times as the BigInt reference does, across years 0000-9999, zones and fractions', () => {
    const r = random(7);
    const pick = (n: number) => Math.floor(r() * n);
    for (let i = 0; i < 20_000; i++) {
      // Mostly valid fields, sometimes a day the month lacks (31 April, 29 February of 1900).
      const [y, mo, d] = [pick(10_000), 1 + pick(12), 1 + pick(31)];
      const [h, mi, s] = [pick(24), pick(60), pick(61)];
      const fraction = pick(3) === 0 ? '' : String(pick(10 ** 9)).slice(0, 1 + pick(9));
      const zoneMinutes = pick(3) === 0 ? 0 : (pick(2) ? 1 : -1) * (pick(15) * 60 + pick(60));
      const zone = zoneMinutes === 0 ? (pick(2) ? 'Z' : '') : `${zoneMinutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(zoneMinutes) / 60), 2)}:${pad(Math.abs(zoneMinutes) % 60, 2)}`;
      const text = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}${pick(2) ? 'T' : ' '}${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${fraction ? '.' + fraction : ''}${zone}`;
      expect(timestampMicros(text), text).toBe(referenceMicros(y, mo, d, h, mi, s, fraction, zoneMinutes));
      expect(epochDay(text.slice(0, 10)), text).toBe(referenceDay(y, mo, d));
    }
  });

  it('takes years below 100 as written, not as 19xx', () => {
    expect(epochDay('0050-03-01')).toBe(referenceDay(50, 3, 1));
    expect(epochDay('0050-03-01')).not.toBe(epochDay('1950-03-01'));
    expect(timestampMicros('0001-01-01T00:00:00Z')).toBe(-62_135_596_800_000_000n);
  });

  it('keeps microseconds exact beyond 2^53', () => {
    expect(timestampMicros('9999-12-31T23:59:59.999999Z')).toBe(253_402_300_799_999_999n);
    expect(timestampMicros('2023-11-14T22:13:20.123456+01:00')).toBe(1_699_996_400_123_456n);
  });

  it('refuses what is not an RFC 3339 date, date-time or time', () => {
    expect(epochDay('2000-02-29')).toBe(referenceDay(2000, 2, 29)); // divisible by 400: a leap year
    expect(epochDay('2024-02-29')).toBe(referenceDay(2024, 2, 29));
    for (const text of ['1900-02-29', '2100-02-29', '2023-02-29', '2023-13-01', '2023-00-10', '2023-1-01', 'yesterday', '']) expect(epochDay(text), text).toBe(NO_MATCH);
    for (const text of ['2023-04-31T00:00:00Z', '2023-01-01T24:00:00Z', '2023-01-01T10:60:00Z', '2023-01-01', '2023-01-01T10:00']) {
      expect(timestampMicros(text), text).toBe(NO_MATCH);
    }
    expect(timeMicros('25:00:00')).toBe(NO_MATCH);
  });

  it('converts times of day to microseconds after midnight, UTC, wrapping across midnight', () => {
    expect(timeMicros('12:34:56.789')).toBe(45_296_789_000n);
    expect(timeMicros('00:30:00+01:00')).toBe(84_600_000_000n);
    expect(timeMicros(' 23:59:59.999999 ')).toBe(86_399_999_999n);
  });

  it('reads the common date-time form from bytes exactly as the pattern does, and leaves every other form to it', () => {
    const r = random(11);
    const pick = (n: number) => Math.floor(r() * n);
    const mutate = (text: string): string => {
      const at = pick(text.length + 1);
      switch (pick(6)) {
        case 0: return text.slice(0, at) + ' :.-+TZz0a'[pick(11)]! + text.slice(at + 1); // one character changed
        case 1: return text.slice(0, at); // cut short
        case 2: return text.slice(0, at) + '0123456789:.-'[pick(13)]! + text.slice(at); // one inserted
        case 3: return ` ${text}`;
        case 4: return text.replace(/([+-]\d\d):(\d\d)$/, '$1$2'); // +0100
        default: return text.replace(/Z$/, 'z');
      }
    };
    let accepted = 0;
    for (let i = 0; i < 30_000; i++) {
      // Years within 2^53 microseconds of 1970 (1685-2255) mostly, the bytes path's range.
      const [y, mo, d] = [pick(4) ? 1690 + pick(560) : pick(10_000), 1 + pick(12), 1 + pick(31)];
      const zoneMinutes = pick(3) === 0 ? 0 : (pick(2) ? 1 : -1) * (pick(15) * 60 + pick(60));
      const zone = zoneMinutes === 0 ? (pick(2) ? 'Z' : '') : `${zoneMinutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(zoneMinutes) / 60), 2)}:${pad(Math.abs(zoneMinutes) % 60, 2)}`;
      const fraction = pick(3) === 0 ? '' : '.' + String(pick(10 ** 9)).slice(0, 1 + pick(9));
      let text = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}${pick(2) ? 'T' : ' '}${pad(pick(25), 2)}:${pad(pick(61), 2)}:${pad(pick(62), 2)}${fraction}${zone}`;
      const isCommon = pick(3) !== 0;
      if (!isCommon) text = mutate(text);
      const bytes = Buffer.from(`"${text}"`);
      const fast = timestampMicrosAt(bytes, 1, bytes.length - 1);
      const slow = timestampMicrosByPattern(text);
      expect(timestampMicros(text), text).toBe(slow);
      if (!Number.isNaN(fast)) {
        accepted++;
        expect(BigInt(fast), text).toBe(slow);
      } else if (isCommon && slow !== NO_MATCH && Number.isSafeInteger(Number(slow))) {
        throw new Error(`the common form ${text} was left to the text parser`);
      }
    }
    expect(accepted).toBeGreaterThan(5_000);
    expect(timestampMicrosAt(Buffer.from('2023-11-14T22:13:20.123456+01:00'), 0, 32)).toBe(1_699_996_400_123_456);
    expect(timestampMicrosAt(Buffer.from('9999-12-31T23:59:59.999999Z'), 0, 27)).toBeNaN(); // beyond 2^53: BigInt's
  });
});
