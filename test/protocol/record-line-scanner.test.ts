import { describe, expect, it } from 'vitest';
import { scanRecordLine, scannedMembers } from '../../src/protocol/record-line-scanner.js';
import { MemberSpans } from '../../src/transform/json-members.js';

const scan = (line: string) => scanRecordLine(Buffer.from(line), true);

/** What JSON.parse makes of a line's record, in the scanner's terms (data compared as parsed values). */
function viaJsonParse(line: string) {
  const m = JSON.parse(line) as { record: { stream: string; namespace?: string | null; emitted_at: number; data: unknown } };
  return { stream: m.record.stream, namespace: m.record.namespace, emitted_at: m.record.emitted_at, data: m.record.data };
}

function agreesWithJsonParse(line: string): void {
  const scanned = scan(line);
  expect(scanned, line).toBeDefined();
  const { dataJson, scan: scanNumber, ...envelope } = scanned!;
  const expected = viaJsonParse(line);
  // The data's members as noted by the scan: the spans a second walk of the data finds.
  const walk = new MemberSpans();
  const count = walk.read(dataJson);
  const noted = scannedMembers(scanNumber)!;
  expect(noted.count, line).toBe(count);
  expect([...noted.spans.subarray(0, 4 * count)], line).toEqual([...walk.spans.subarray(0, 4 * count)]);
  expect({ ...envelope, data: JSON.parse(dataJson.toString('utf8')) }).toEqual(expected);
}

/** A deterministic pseudo-random generator, so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

function randomValue(rnd: () => number, depth: number): unknown {
  const pick = Math.floor(rnd() * (depth > 3 ? 6 : 8));
  switch (pick) {
    case 0: return null;
    case 1: return rnd() < 0.5;
    case 2: return Math.floor((rnd() - 0.5) * 1e6);
    case 3: return (rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20);
    case 4: return ['', 'plain', 'quote " and \\ backslash', 'tab\tnewline\ncr\r', 'żółć 🚀 \u2028', '\u0001\u001f'][Math.floor(rnd() * 6)];
    case 5: return 'x'.repeat(Math.floor(rnd() * 50));
    case 6: return Array.from({ length: Math.floor(rnd() * 4) }, () => randomValue(rnd, depth + 1));
    default: return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, (_, i) => [`k${i}${rnd() < 0.2 ? '"\\é' : ''}`, randomValue(rnd, depth + 1)]));
  }
}

describe('record line scanner', () => {
  it('reads the envelope and keeps the data as the exact bytes the source sent', () => {
    const data = '{"id":12345678901234567890,"price":1.50,"e":1E+2,"name":"caf\\u00e9","nested":{"a":[1,{"b":null}]}}';
    const line = `{"type":"RECORD","record":{"stream":"users","namespace":"public","data":${data},"emitted_at":1700000000123}}`;
    const scanned = scan(line)!;
    expect(scanned.stream).toBe('users');
    expect(scanned.namespace).toBe('public');
    expect(scanned.emitted_at).toBe(1700000000123);
    expect(scanned.dataJson.toString('utf8')).toBe(data);
  });

  it('accepts any key order, whitespace, extra fields and escaped stream names, as JSON.parse does', () => {
    agreesWithJsonParse('{"record":{"emitted_at":1.5e3,"data":{},"stream":"a\\"b\\u00e9","meta":{"x":[1,2]}},"type":"RECORD","extra":true}');
    agreesWithJsonParse(' \t{ "type" : "RECORD" , "record" : { "stream" : "s" , "namespace" : null , "data" : { "a" : [ ] } , "emitted_at" : -0 } } \r');
    agreesWithJsonParse('{"type":"RECORD","record":{"stream":"s","data":{"a":1},"emitted_at":1,"data":{"b":2}}}');
  });

  it("notes the data's members only for the line scanned last", () => {
    const first = scan('{"type":"RECORD","record":{"stream":"s","data":{"a":1},"emitted_at":1}}')!;
    expect(scannedMembers(first.scan)?.count).toBe(1);
    const second = scan('{"type":"RECORD","record":{"stream":"s","data":{"a":1,"b":[2]},"emitted_at":2}}')!;
    expect(scannedMembers(first.scan)).toBeUndefined();
    expect(scannedMembers(second.scan)?.count).toBe(2);
    scan('not json');
    expect(scannedMembers(second.scan)).toBeUndefined();
  });

  it("notes no members when not asked to, so a stale set is never handed out", () => {
    const noted = scan('{"type":"RECORD","record":{"stream":"s","data":{"a":1},"emitted_at":1}}')!;
    expect(scannedMembers(noted.scan)?.count).toBe(1);
    const plain = scanRecordLine(Buffer.from('{"type":"RECORD","record":{"stream":"s","data":{"a":1,"b":2},"emitted_at":2}}'))!;
    expect(plain.dataJson.toString()).toBe('{"a":1,"b":2}');
    expect(scannedMembers(plain.scan)).toBeUndefined();
    expect(scannedMembers(noted.scan)).toBeUndefined();
  });

  it('agrees with JSON.parse on thousands of generated records', () => {
    const rnd = random(42);
    for (let i = 0; i < 3000; i++) {
      const data = randomValue(rnd, 0);
      const record = { stream: `s${i % 3}`, namespace: i % 2 ? 'ns' : undefined, data: typeof data === 'object' && data && !Array.isArray(data) ? data : { v: data }, emitted_at: i };
      const text = JSON.stringify({ type: 'RECORD', record }, null, i % 5 === 0 ? 1 : undefined).replaceAll('\n', ' ');
      agreesWithJsonParse(text);
    }
  });

  it('never takes a line JSON.parse refuses, nor a record whose envelope it cannot read without doubt', () => {
    const rnd = random(7);
    const base = '{"type":"RECORD","record":{"stream":"s","data":{"a":[1,-2.5e-3,true,false,null,"x\\n\\u0041"],"b":{}},"emitted_at":17}}';
    for (let i = 0; i < 5000; i++) {
      const bytes = Buffer.from(base);
      for (let k = 0; k < 1 + Math.floor(rnd() * 3); k++) bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 128);
      const line = bytes.toString('latin1');
      let valid = true;
      try {
        JSON.parse(line);
      } catch {
        valid = false;
      }
      const scanned = scanRecordLine(bytes);
      if (!valid) expect(scanned, line).toBeUndefined();
      else if (scanned) agreesWithJsonParse(line);
    }
    for (const line of [
      '{"type":"RECORD","record":{"stream":"s","data":[1],"emitted_at":1}}', // data not an object
      '{"type":"RECORD","record":{"stream":1,"data":{},"emitted_at":1}}', // stream not a string
      '{"type":"RECORD","record":{"stream":"s","data":{},"emitted_at":"1"}}', // emitted_at not a number
      '{"type":"RECORD","record":{"stream":"s","d\\u0061ta":{},"emitted_at":1}}', // an escaped envelope key
      '{"type":"RECORD","record":{"stream":"s","data":{},"emitted_at":1},"record":7}', // a later record replaces it
      '{"type":"STATE","state":{"data":{}}}',
      '{"type":"RECORD","record":{"stream":"s","data":{"a":01},"emitted_at":1}}',
      '{"type":"RECORD","record":{"stream":"s","data":{"a":"\t"},"emitted_at":1}}', // raw control character
      '{"type":"RECORD","record":{"stream":"s","data":{},"emitted_at":1}} x',
      '',
    ]) {
      expect(scan(line), line).toBeUndefined();
    }
    const invalidUtf8 = Buffer.concat([Buffer.from('{"type":"RECORD","record":{"stream":"s","data":{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"},"emitted_at":1}}')]);
    expect(scanRecordLine(invalidUtf8)).toBeUndefined();
  });

  it('leaves nesting deeper than the stack to JSON.parse', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    expect(scan(`{"type":"RECORD","record":{"stream":"s","data":{"a":${deep}},"emitted_at":1}}`)).toBeUndefined();
  });
});
