import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConnector, type ConnectorRun } from '../support/run-connector.js';
import { catalogOf, record, streamState, globalState } from '../support/messages.js';

const protocol = parseYaml(readFileSync(new URL('../fixtures/airbyte/airbyte_protocol.yaml', import.meta.url), 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: true });
const validateMessage = ajv.compile({ ...protocol, $ref: '#/definitions/AirbyteMessage' });

function expectValid(run: ConnectorRun): void {
  expect(run.messages.length).toBeGreaterThan(0);
  for (const m of run.messages) {
    const ok = validateMessage(m);
    expect(ok, `${JSON.stringify(m).slice(0, 300)}\n${ajv.errorsText(validateMessage.errors)}`).toBe(true);
  }
}

describe('every message the connector prints is a valid AirbyteMessage', () => {
  let dir: string;
  const seen = new Set<string>();
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'protocol-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    // The suite covers each kind the connector can print.
    expect([...seen].sort()).toEqual(['CONNECTION_STATUS', 'LOG', 'SPEC', 'STATE', 'TRACE']);
  });

  const remember = (run: ConnectorRun) => run.messages.forEach((m) => seen.add(m.type));
  const localConfig = () =>
    file('config.json', {
      s3_bucket_name: 'bucket',
      s3_bucket_path: 'out',
      s3_bucket_region: '',
      s3_endpoint: `file://${dir}/store`,
      format: { format_type: 'JSONL' },
    });

  it('spec prints one SPEC whose connectionSpecification declares both sync modes', async () => {
    const run = await runConnector(['spec']);
    expectValid(run);
    remember(run);
    expect(run.messages).toHaveLength(1);
    expect(run.messages[0]!.spec.supported_destination_sync_modes).toEqual(['overwrite', 'append']);
    expect(run.messages[0]!.spec.connectionSpecification.properties.secret_access_key.airbyte_secret).toBe(true);
    expect(run.code).toBe(0);
  });

  it('check prints CONNECTION_STATUS, SUCCEEDED or FAILED', async () => {
    const ok = await runConnector(['check', '--config', localConfig()]);
    expectValid(ok);
    remember(ok);
    expect(ok.messages.at(-1)!.connectionStatus.status).toBe('SUCCEEDED');
    const bad = await runConnector(['check', '--config', file('bad.json', { s3_bucket_name: 'b' })]);
    expectValid(bad);
    expect(bad.messages.at(-1)!.connectionStatus.status).toBe('FAILED');
    expect(bad.messages.at(-1)!.connectionStatus.message).toMatch(/s3_bucket_path is required/);
  });

  it('write prints LOG and STATE messages (with destinationStats), and TRACE on failure', async () => {
    const catalog = file('catalog.json', catalogOf([{ name: 'users' }]));
    const input = [record('users', { id: 1 }), streamState('users', 1), record('users', { id: 2 }), globalState(2)].join('\n') + '\n';
    const run = await runConnector(['write', '--config', localConfig(), '--catalog', catalog], { stdin: input });
    expectValid(run);
    remember(run);
    expect(run.code).toBe(0);
    expect(run.messages.filter((m) => m.type === 'STATE').map((m) => m.state.destinationStats.recordCount)).toEqual([1, 2]);

    const failing = await runConnector(['write', '--config', localConfig(), '--catalog', catalog], { stdin: 'not json\n' });
    expectValid(failing);
    remember(failing);
    expect(failing.code).not.toBe(0);
  });
});
