import { parse as parseLossless } from 'lossless-json';

/**
 * Whether the text holds a run of 16 or more digits that is not a fraction's: it may be an integer
 * beyond 2^53, which JSON.parse would round. Digits after a decimal point belong to a number that
 * is a double either way (exactNumber gives what JSON.parse gives), so they do not count: a
 * double printed in full (0.30000000000000004) would otherwise send its line to the slow parser,
 * as 2% of the benchmark's lines were. Any such run covers one of every 16 positions, so only
 * those are looked at, and a digit there is measured both ways: six times faster than /\d{16}/
 * on the benchmark's lines, where the regex was 5% of an Avro sync.
 */
export function hasLongDigitRun(text: string): boolean {
  for (let i = 15; i < text.length; i += 16) {
    if (!isDigitAt(text, i)) continue;
    let first = i;
    let last = i;
    while (first > 0 && isDigitAt(text, first - 1)) first--;
    while (last + 1 < text.length && isDigitAt(text, last + 1)) last++;
    if (last - first + 1 >= 16 && text.charCodeAt(first - 1) !== 0x2e) return true;
    i = last; // the next run starts after last + 1; the next sample is last + 16
  }
  return false;
}

/** Module level rather than a closure in hasLongDigitRun, which runs once per input line. */
function isDigitAt(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return c >= 0x30 && c <= 0x39;
}

/** A JSON number's value: integers beyond 2^53 as BigInt, exactly as written. */
export function exactNumber(text: string): number | bigint {
  if (/^-?\d+$/.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }
  return Number(text);
}

/** A key given twice keeps its last value, as JSON.parse and the record scanner do (lossless-json would throw). */
const LOSSLESS = { parseNumber: exactNumber, onDuplicateKey: ({ newValue }: { newValue: unknown }) => newValue };

/**
 * Parses one input line. Integers beyond 2^53 (64-bit ids, for example) come out as BigInt,
 * exactly as the source sent them; every other number is a plain number. Only lines that contain
 * a long digit run take the slower lossless parser.
 */
export function parseMessage(line: string): unknown {
  return hasLongDigitRun(line) ? parseLossless(line, null, LOSSLESS) : JSON.parse(line);
}
