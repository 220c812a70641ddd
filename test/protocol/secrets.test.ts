import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { ProtocolWriter } from '../../src/protocol/protocol-writer.js';

function capture(): { out: ProtocolWriter; text: () => string } {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  return { out: new ProtocolWriter(sink), text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('secrets', () => {
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfi"CYEXAMPLEKEY';
  parseConfig({
    access_key_id: 'AKIAIOSFODNN7EXAMPLE',
    secret_access_key: secret,
    s3_bucket_name: 'b',
    s3_bucket_path: 'p',
    s3_bucket_region: '',
    format: { format_type: 'JSONL' },
  });

  it('are scrubbed from logs, error messages and stack traces, JSON-escaped or not', () => {
    const { out, text } = capture();
    out.info(`connecting with ${secret}`);
    const err = new Error(`signature for AKIAIOSFODNN7EXAMPLE:${secret} rejected`);
    out.traceError(err);
    out.emit({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'FAILED', message: `bad key AKIAIOSFODNN7EXAMPLE` } });
    const printed = text();
    expect(printed).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(printed).not.toContain('wJalrXUtnFEMI');
    expect(printed).toContain('**********');
    expect(printed.split('\n').filter(Boolean).map((l) => JSON.parse(l).type)).toEqual(['LOG', 'TRACE', 'CONNECTION_STATUS']);
  });

  it('include nested secrets: the SSE-C customer key and the client-side master key', () => {
    const customer = Buffer.alloc(32, 3).toString('base64');
    const master = Buffer.alloc(32, 5).toString('base64');
    const config = { s3_bucket_name: 'b', s3_bucket_path: 'p', s3_bucket_region: '', format: { format_type: 'JSONL' } };
    parseConfig({ ...config, encryption: { encryption_type: 'SSE-C', customer_key: customer } });
    parseConfig({ ...config, encryption: { encryption_type: 'client-side', master_key: master } });
    const { out, text } = capture();
    out.warn(`keys ${customer} and ${master}`);
    expect(text()).not.toContain(customer);
    expect(text()).not.toContain(master);
  });

  it('leave STATE messages byte for byte, as the source sent them', () => {
    const { out, text } = capture();
    out.state({ type: 'LEGACY', data: { cursor: 'AKIAIOSFODNN7EXAMPLE' } });
    expect(text()).toContain('AKIAIOSFODNN7EXAMPLE');
  });
});
