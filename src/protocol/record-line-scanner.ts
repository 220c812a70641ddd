import { isUtf8 } from 'node:buffer';
import { MemberSpans } from '../transform/json-members.js';

/** A RECORD read from its line's bytes: the envelope decoded, the data left as the source's JSON. */
export interface ScannedRecord {
  stream: string;
  namespace: string | null | undefined;
  emitted_at: number;
  /** The bytes of record.data exactly as received: a JSON object, validated, UTF-8. */
  dataJson: Buffer;
  /** Which scan read it: scannedMembers(scan) gives the data's members while they are current. */
  scan: number;
}

const enum Byte {
  Tab = 0x09,
  Lf = 0x0a,
  Cr = 0x0d,
  Space = 0x20,
  Quote = 0x22,
  Plus = 0x2b,
  Comma = 0x2c,
  Minus = 0x2d,
  Dot = 0x2e,
  Slash = 0x2f,
  Zero = 0x30,
  One = 0x31,
  Nine = 0x39,
  Colon = 0x3a,
  UpperE = 0x45,
  OpenBracket = 0x5b,
  Backslash = 0x5c,
  CloseBracket = 0x5d,
  LowerA = 0x61,
  LowerB = 0x62,
  LowerE = 0x65,
  LowerF = 0x66,
  LowerN = 0x6e,
  LowerR = 0x72,
  LowerT = 0x74,
  LowerU = 0x75,
  OpenBrace = 0x7b,
  CloseBrace = 0x7d,
}

const FAIL = -1;
const TYPE = Buffer.from('"type"');
const RECORD_KEY = Buffer.from('"record"');
const RECORD_VALUE = Buffer.from('"RECORD"');
const STREAM = Buffer.from('"stream"');
const NAMESPACE = Buffer.from('"namespace"');
const DATA = Buffer.from('"data"');
const EMITTED_AT = Buffer.from('"emitted_at"');

/** Whether b[start, end) holds exactly `expected`: a short loop, cheaper than a Buffer view and equals(). */
function bytesAre(b: Buffer, start: number, end: number, expected: Buffer): boolean {
  if (end - start !== expected.length) return false;
  for (let k = 0; k < expected.length; k++) if (b[start + k] !== expected[k]) return false;
  return true;
}

/**
 * Reads a RECORD line without JSON.parse of its data: a validating scan over the bytes finds the
 * envelope (type, stream, namespace, emitted_at) and the span of record.data, which JSON formats
 * then copy as they are. On the benchmark's records the scan takes about a third of JSON.parse's
 * time and allocates nothing per value, and the data keeps the source's exact numbers (integers
 * beyond 2^53 included).
 *
 * Safety: it returns a record only when the whole line is valid JSON (RFC 8259 grammar, valid
 * UTF-8) and the envelope is unambiguous: no escaped key at the envelope's two levels, a string
 * stream, a numeric emitted_at, an object data. Duplicate keys resolve to the last, as JSON.parse
 * does. In every other case it returns undefined and the caller parses the line with JSON.parse,
 * which reads it (or reports it) exactly as before: the scan can only take the fast path, never
 * change what a line means.
 *
 * With `noteMembers`, the data object's members are noted for scannedMembers (root-level CSV
 * takes its cells from them); without, the data is only validated, which is 5% quicker.
 */
export function scanRecordLine(line: Buffer, noteMembers = false): ScannedRecord | undefined {
  const scan = SCAN.reset(line, noteMembers);
  const scanNumber = ++DATA_MEMBERS.scan;
  try {
    if (!scan.run() || !isUtf8(line)) return undefined;
  } catch {
    return undefined; // nested deeper than the stack allows: JSON.parse decides
  }
  const { typeStart, streamStart, namespaceStart, dataStart, emittedAtStart } = scan;
  if (typeStart < 0 || !bytesAre(line, typeStart, scan.typeEnd, RECORD_VALUE)) return undefined;
  if (streamStart < 0 || line[streamStart] !== Byte.Quote || dataStart < 0 || line[dataStart] !== Byte.OpenBrace) return undefined;
  if (emittedAtStart < 0 || !isNumberStart(line[emittedAtStart]!)) return undefined;
  let ns: string | null | undefined;
  if (namespaceStart >= 0) {
    const first = line[namespaceStart];
    if (first === Byte.Quote) ns = namespaces.read(line, namespaceStart, scan.namespaceEnd);
    else if (first === Byte.LowerN) ns = null;
    else return undefined;
  }
  return {
    stream: streamNames.read(line, streamStart, scan.streamEnd),
    namespace: ns,
    emitted_at: numberAt(line, emittedAtStart, scan.emittedAtEnd),
    dataJson: line.subarray(dataStart, scan.dataEnd),
    scan: scanNumber,
  };
}

/**
 * The top-level members of the data object of the line scanned last, noted as the scan validated
 * them: four offsets per member (key start and end, quotes included; value start and end),
 * relative to dataJson, as MemberSpans.read gives them. A flattened CSV row takes its cells from
 * these instead of walking the data a second time.
 *
 * Safety: the spans are overwritten by the next line's scan, so they are handed out only for the
 * record of that scan (rows are written before the reader scans on, but a row written later, or
 * twice, gets undefined and walks its data itself).
 */
export function scannedMembers(scan: number): { spans: Int32Array; count: number } | undefined {
  return scan === DATA_MEMBERS.scan && DATA_MEMBERS.base >= 0 ? DATA_MEMBERS : undefined;
}

/** MemberSpans filled by the scan, with offsets made relative to the data object. */
class DataMembers extends MemberSpans {
  /** Where the data object starts in the line; -1 until one is found. */
  base = -1;
  scan = 0;

  start(base: number): void {
    this.base = base;
    this.count = 0;
  }

  add(keyStart: number, keyEnd: number, valueStart: number, valueEnd: number): void {
    const base = this.base;
    this.push(keyStart - base, keyEnd - base, valueStart - base, valueEnd - base);
  }
}

const DATA_MEMBERS = new DataMembers();
/** object()'s level for record.data itself: validated like any nested object, its members noted. */
const DATA_OBJECT = 3;

/** A validated JSON number's value: short integers (epoch milliseconds) without making a string. */
function numberAt(b: Buffer, start: number, end: number): number {
  if (end - start <= 15) {
    let n = 0;
    let k = start;
    for (; k < end; k++) {
      const c = b[k]!;
      if (c < Byte.Zero || c > Byte.Nine) break;
      n = n * 10 + (c - Byte.Zero);
    }
    if (k === end) return n;
  }
  return Number(b.toString('latin1', start, end));
}

const isNumberStart = (c: number) => c === Byte.Minus || (c >= Byte.Zero && c <= Byte.Nine);

/**
 * Decodes a JSON string value, remembering the last few: records name a handful of streams over
 * and over (interleaved, not in runs), and comparing a few bytes is cheaper than decoding them
 * again. Handing back the same string objects also lets the router's lookups skip hashing.
 */
class RecentStrings {
  private readonly bytes: Buffer[] = [];
  private readonly values: string[] = [];
  private next = 0;

  read(b: Buffer, start: number, end: number): string {
    for (let k = 0; k < this.bytes.length; k++) if (bytesAre(b, start, end, this.bytes[k]!)) return this.values[k]!;
    const text = b.toString('utf8', start, end);
    // Without a backslash the bytes between the quotes are the string itself.
    const value = text.includes('\\') ? (JSON.parse(text) as string) : text.slice(1, -1);
    // Up to RECENT strings, the oldest replaced first.
    this.bytes[this.next] = Buffer.from(b.subarray(start, end));
    this.values[this.next] = value;
    this.next = (this.next + 1) % RECENT;
    return value;
  }
}

const RECENT = 8;

/** Bytes a string holds as they are: not a quote, a backslash or a control character. */
const PLAIN = new Uint8Array(256).map((_, c) => (c >= Byte.Space && c !== Byte.Quote && c !== Byte.Backslash ? 1 : 0));

const streamNames = new RecentStrings();
const namespaces = new RecentStrings();

/**
 * The scan of one line: validates all of it and notes the spans of the envelope's values (start
 * -1: absent). One instance serves every line, with its spans as numbers: a scan object and six
 * span arrays per line were a tenth of the main thread's garbage.
 */
class EnvelopeScan {
  private b: Buffer = Buffer.alloc(0);
  typeStart = -1;
  typeEnd = -1;
  streamStart = -1;
  streamEnd = -1;
  namespaceStart = -1;
  namespaceEnd = -1;
  dataStart = -1;
  dataEnd = -1;
  emittedAtStart = -1;
  emittedAtEnd = -1;
  /** Whether the last string scanned held an escape (an envelope key must not). */
  private escaped = false;
  /** Whether the data's members are noted (scannedMembers) or the data only validated. */
  private dataLevel = DATA_OBJECT;

  reset(b: Buffer, noteMembers: boolean): this {
    this.b = b;
    this.dataLevel = noteMembers ? DATA_OBJECT : 2;
    this.typeStart = -1;
    this.forgetRecord();
    DATA_MEMBERS.base = -1;
    return this;
  }

  run(): boolean {
    const b = this.b;
    let i = this.ws(0);
    if (b[i] !== Byte.OpenBrace) return false;
    i = this.object(i, 0);
    return i !== FAIL && this.ws(i) === b.length;
  }

  /**
   * An object starting at i. level 0 is the message, 1 its "record" object: their keys are
   * matched; deeper objects are only validated.
   */
  private object(i: number, level: number): number {
    const b = this.b;
    if (level === 1) this.forgetRecord(); // a later "record" key replaces an earlier one
    i = this.ws(i + 1);
    if (b[i] === Byte.CloseBrace) return i + 1;
    for (;;) {
      if (b[i] !== Byte.Quote) return FAIL;
      const keyStart = i;
      i = this.string(i);
      if (i === FAIL) return FAIL;
      if (this.escaped && level < 2) return FAIL;
      const keyEnd = i;
      i = this.ws(i);
      if (b[i] !== Byte.Colon) return FAIL;
      const valueStart = this.ws(i + 1);
      if (level === 0 && b[valueStart] === Byte.OpenBrace && bytesAre(b, keyStart, keyEnd, RECORD_KEY)) {
        i = this.object(valueStart, 1);
      } else if (level === 1 && b[valueStart] === Byte.OpenBrace && bytesAre(b, keyStart, keyEnd, DATA)) {
        if (this.dataLevel === DATA_OBJECT) DATA_MEMBERS.start(valueStart); // a later "data" key replaces an earlier one, as its span does
        i = this.object(valueStart, this.dataLevel);
      } else {
        i = this.value(valueStart);
      }
      if (i === FAIL) return FAIL;
      if (level === DATA_OBJECT) DATA_MEMBERS.add(keyStart, keyEnd, valueStart, i);
      if (level < 2) this.note(level, keyStart, keyEnd, valueStart, i);
      i = this.ws(i);
      if (b[i] === Byte.Comma) {
        i = this.ws(i + 1);
        continue;
      }
      return b[i] === Byte.CloseBrace ? i + 1 : FAIL;
    }
  }

  /** Notes the value of an envelope key (the key is b[start, end), quotes included). */
  private note(level: number, start: number, end: number, valueStart: number, valueEnd: number): void {
    const b = this.b;
    if (level === 0) {
      if (bytesAre(b, start, end, TYPE)) {
        this.typeStart = valueStart;
        this.typeEnd = valueEnd;
      } else if (bytesAre(b, start, end, RECORD_KEY) && b[valueStart] !== Byte.OpenBrace) this.forgetRecord();
    } else if (bytesAre(b, start, end, DATA)) {
      this.dataStart = valueStart;
      this.dataEnd = valueEnd;
    } else if (bytesAre(b, start, end, STREAM)) {
      this.streamStart = valueStart;
      this.streamEnd = valueEnd;
    } else if (bytesAre(b, start, end, NAMESPACE)) {
      this.namespaceStart = valueStart;
      this.namespaceEnd = valueEnd;
    } else if (bytesAre(b, start, end, EMITTED_AT)) {
      this.emittedAtStart = valueStart;
      this.emittedAtEnd = valueEnd;
    }
  }

  private forgetRecord(): void {
    this.streamStart = this.namespaceStart = this.dataStart = this.emittedAtStart = -1;
  }

  private value(i: number): number {
    const b = this.b;
    switch (b[i]) {
      case Byte.Quote:
        return this.string(i);
      case Byte.OpenBrace:
        return this.object(i, 2);
      case Byte.OpenBracket: {
        i = this.ws(i + 1);
        if (b[i] === Byte.CloseBracket) return i + 1;
        for (;;) {
          i = this.value(i);
          if (i === FAIL) return FAIL;
          i = this.ws(i);
          if (b[i] === Byte.Comma) i = this.ws(i + 1);
          else return b[i] === Byte.CloseBracket ? i + 1 : FAIL;
        }
      }
      case Byte.LowerT:
        return b[i + 1] === Byte.LowerR && b[i + 2] === Byte.LowerU && b[i + 3] === Byte.LowerE ? i + 4 : FAIL;
      case Byte.LowerF:
        return b[i + 1] === Byte.LowerA && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === Byte.LowerE ? i + 5 : FAIL;
      case Byte.LowerN:
        return b[i + 1] === Byte.LowerU && b[i + 2] === 0x6c && b[i + 3] === 0x6c ? i + 4 : FAIL;
      default:
        return this.number(i);
    }
  }

  /** A string starting at its opening quote; returns the index after the closing one. */
  private string(i: number): number {
    const b = this.b;
    this.escaped = false;
    i++;
    for (;;) {
      // Most bytes of a string need no look beyond one table load.
      while (PLAIN[b[i]!] === 1) i++;
      const c = b[i];
      if (c === Byte.Quote) return i + 1;
      if (c === Byte.Backslash) {
        this.escaped = true;
        const e = b[i + 1];
        if (e === Byte.LowerU) {
          for (let k = i + 2; k < i + 6; k++) if (!isHexDigit(b[k])) return FAIL;
          i += 6;
        } else if (
          e === Byte.Quote || e === Byte.Backslash || e === Byte.Slash || e === Byte.LowerB ||
          e === Byte.LowerF || e === Byte.LowerN || e === Byte.LowerR || e === Byte.LowerT
        ) {
          i += 2;
        } else return FAIL;
      } else if (c === undefined || c < Byte.Space) return FAIL; // the end, or an unescaped control character
      else i++;
    }
  }

  private number(i: number): number {
    const b = this.b;
    if (b[i] === Byte.Minus) i++;
    let c = b[i];
    if (c === Byte.Zero) i++;
    else if (c !== undefined && c >= Byte.One && c <= Byte.Nine) i = this.digits(i);
    else return FAIL;
    if (b[i] === Byte.Dot) {
      if (!isDigit(b[i + 1])) return FAIL;
      i = this.digits(i + 1);
    }
    c = b[i];
    if (c === Byte.LowerE || c === Byte.UpperE) {
      i++;
      c = b[i];
      if (c === Byte.Plus || c === Byte.Minus) i++;
      if (!isDigit(b[i])) return FAIL;
      i = this.digits(i);
    }
    return i;
  }

  private digits(i: number): number {
    const b = this.b;
    while (isDigit(b[i])) i++;
    return i;
  }

  private ws(i: number): number {
    const b = this.b;
    let c = b[i];
    while (c === Byte.Space || c === Byte.Lf || c === Byte.Cr || c === Byte.Tab) c = b[++i];
    return i;
  }
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= Byte.Zero && c <= Byte.Nine;
}

function isHexDigit(c: number | undefined): boolean {
  if (c === undefined) return false;
  const lower = c | 0x20;
  return (c >= Byte.Zero && c <= Byte.Nine) || (lower >= Byte.LowerA && lower <= Byte.LowerF);
}

const SCAN = new EnvelopeScan();
