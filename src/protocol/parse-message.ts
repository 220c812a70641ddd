import { parse as parseLossless } from 'lossless-json';

// A run of 16 or more digits may be an integer beyond 2^53, which JSON.parse would round.
const LONG_DIGIT_RUN = /\d{16}/;

/** A JSON number's value: integers beyond 2^53 as BigInt, exactly as written. */
export function exactNumber(text: string): number | bigint {
  if (/^-?\d+$/.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }
  return Number(text);
}

/**
 * Parses one input line. Integers beyond 2^53 (64-bit ids, for example) come out as BigInt,
 * exactly as the source sent them; every other number is a plain number. Only lines that contain
 * a long digit run take the slower lossless parser.
 */
export function parseMessage(line: string): unknown {
  return LONG_DIGIT_RUN.test(line) ? parseLossless(line, null, exactNumber) : JSON.parse(line);
}
