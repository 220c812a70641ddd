import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/catalog/configured-catalog.js';
import { ConfigError } from '../../src/errors.js';

const entry = (over: Record<string, unknown> = {}, stream: Record<string, unknown> = {}) => ({
  stream: { name: 'users', namespace: 'public', json_schema: { type: 'object' }, ...stream },
  sync_mode: 'incremental',
  destination_sync_mode: 'append',
  ...over,
});

describe('configured catalog', () => {
  it('reads streams with their sync mode and generation ids', () => {
    const [s] = parseCatalog({ streams: [entry({ destination_sync_mode: 'overwrite', generation_id: 4, minimum_generation_id: 4, sync_id: 99 })] });
    expect(s).toEqual({
      descriptor: { name: 'users', namespace: 'public' },
      jsonSchema: { type: 'object' },
      syncMode: 'overwrite',
      generationId: 4,
      minimumGenerationId: 4,
      syncId: 99,
    });
  });

  it('refuses append_dedup before anything is written', () => {
    expect(() => parseCatalog({ streams: [entry({ destination_sync_mode: 'append_dedup' })] })).toThrow(/append_dedup.*Choose append or overwrite/);
  });

  it.each([
    ['no streams array', {}, /no "streams" array/],
    ['a stream without a name', { streams: [entry({}, { name: '' })] }, /has no stream.name/],
    ['the same stream twice', { streams: [entry(), entry()] }, /lists stream public.users twice/],
    ['an unknown sync mode', { streams: [entry({ destination_sync_mode: 'merge' })] }, /Use "append" or "overwrite"/],
    ['a negative generation id', { streams: [entry({ generation_id: -1 })] }, /generation_id -1/],
  ])('refuses %s as a config error', (_label, raw, message) => {
    expect(() => parseCatalog(raw)).toThrow(ConfigError);
    expect(() => parseCatalog(raw)).toThrow(message);
  });
});
