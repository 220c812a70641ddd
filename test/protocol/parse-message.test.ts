import { describe, expect, it } from 'vitest';
import { hasLongDigitRun, parseMessage } from '../../src/protocol/parse-message.js';

describe('parseMessage', () => {
  it('finds a run of 16 digits wherever it starts, and never a shorter one', () => {
    for (let length = 14; length <= 18; length++) {
      for (let at = 0; at < 40; at++) {
        const text = 'x'.repeat(at) + '7'.repeat(length) + 'y'.repeat(40 - at);
        expect(hasLongDigitRun(text), `${length} digits at ${at}`).toBe(length >= 16);
      }
    }
  });

  it('agrees with /\\d{16}/ on random digit-heavy text', () => {
    let seed = 3;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) % n);
    for (let k = 0; k < 20_000; k++) {
      const text = Array.from({ length: rand(120) }, () => (rand(10) < 9 ? String(rand(10)) : ',')).join('');
      expect(hasLongDigitRun(text), text).toBe(/\d{16}/.test(text));
    }
  });

  it('ignores long runs of fraction digits, which JSON.parse reads as exactly as the slow parser', () => {
    let seed = 5;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) % n);
    for (let k = 0; k < 20_000; k++) {
      const text = Array.from({ length: rand(120) }, () => (rand(12) < 9 ? String(rand(10)) : rand(2) ? ',' : '.')).join('');
      expect(hasLongDigitRun(text), text).toBe(/(^|[^.\d])\d{16}/.test(text));
    }
    const line = '{"lat":0.30000000000000004,"lon":-85.380497127771381234,"e":1.2345678901234567e-7}';
    expect(hasLongDigitRun(line)).toBe(false);
    expect(parseMessage(line)).toEqual(JSON.parse(line));
  });

  it('keeps integers beyond 2^53 exact and parses every other line with JSON.parse', () => {
    expect(parseMessage('{"id":12345678901234567890,"f":1.5}')).toEqual({ id: 12345678901234567890n, f: 1.5 });
    expect(parseMessage('{"id":9007199254740991,"s":"12345678901234567890"}')).toEqual({ id: 9007199254740991, s: '12345678901234567890' });
  });

  it('keeps the last value of a duplicated key on lines with long integers, as JSON.parse does on the others', () => {
    expect(parseMessage('{"a":1,"a":2,"id":12345678901234567890}')).toEqual({ a: 2, id: 12345678901234567890n });
    expect(parseMessage('{"a":{"k":1},"id":12345678901234567890,"a":"x"}')).toEqual({ a: 'x', id: 12345678901234567890n });
    expect(parseMessage('{"a":1,"a":2}')).toEqual({ a: 2 });
  });
});
