import { jsonText } from '../../src/transform/json-text.js';

/** A random UUID, version 4, as the connector writes `_airbyte_ab_id`. */
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Builders for Airbyte input messages, as a source would emit them (BigInt values as JSON integers). */
export function record(stream: string, data: Record<string, unknown>, opts: { namespace?: string; emittedAt?: number } = {}): string {
  return jsonText({
    type: 'RECORD',
    record: { stream, ...(opts.namespace ? { namespace: opts.namespace } : {}), data, emitted_at: opts.emittedAt ?? 1_700_000_000_000 },
  });
}

export function streamState(stream: string, cursor: unknown, namespace?: string): string {
  return JSON.stringify({
    type: 'STATE',
    state: { type: 'STREAM', stream: { stream_descriptor: { name: stream, ...(namespace ? { namespace } : {}) }, stream_state: { cursor } } },
  });
}

export function globalState(cursor: unknown): string {
  return JSON.stringify({ type: 'STATE', state: { type: 'GLOBAL', global: { shared_state: { cursor }, stream_states: [] } } });
}

export function catalogOf(
  streams: { name: string; namespace?: string; mode?: string; properties?: Record<string, unknown>; generationId?: number; minimumGenerationId?: number }[],
): object {
  return {
    streams: streams.map((s) => ({
      stream: {
        name: s.name,
        ...(s.namespace ? { namespace: s.namespace } : {}),
        json_schema: { type: 'object', properties: s.properties ?? {} },
        supported_sync_modes: ['full_refresh', 'incremental'],
      },
      sync_mode: 'full_refresh',
      destination_sync_mode: s.mode ?? 'append',
      ...(s.generationId !== undefined ? { generation_id: s.generationId } : {}),
      ...(s.minimumGenerationId !== undefined ? { minimum_generation_id: s.minimumGenerationId } : {}),
      sync_id: 7,
    })),
  };
}
