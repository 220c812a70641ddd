import { ConfigError } from '../errors.js';
import { readJsonFile } from '../config/load-config.js';
import type { StreamDescriptor } from '../protocol/messages.js';

export type SyncMode = 'append' | 'overwrite';

/** One stream of the configured catalog, as the writer needs it. */
export interface CatalogStream {
  descriptor: StreamDescriptor;
  jsonSchema: unknown;
  syncMode: SyncMode;
  generationId?: number;
  minimumGenerationId?: number;
  syncId?: number | string;
}

/** The key under which records and states find their stream: namespace and name. */
export function streamKey(namespace: string | null | undefined, name: string): string {
  return `${namespace ?? ''}\u0000${name}`;
}

export async function loadCatalog(path: string): Promise<CatalogStream[]> {
  return parseCatalog(await readJsonFile(path, 'catalog'));
}

/** Reads a ConfiguredAirbyteCatalog; refuses what this destination cannot honour before any write. */
export function parseCatalog(raw: unknown): CatalogStream[] {
  const streams = (raw as { streams?: unknown } | null)?.streams;
  if (!Array.isArray(streams)) {
    throw new ConfigError('The catalog has no "streams" array. Pass a ConfiguredAirbyteCatalog: {"streams": [{"stream": {...}, "destination_sync_mode": ...}]}.');
  }
  const seen = new Set<string>();
  return streams.map((entry: unknown, i) => {
    const e = entry as Record<string, unknown>;
    const stream = e?.stream as Record<string, unknown> | undefined;
    const name = stream?.name;
    if (typeof name !== 'string' || name === '') {
      throw new ConfigError(`Catalog stream #${i + 1} has no stream.name. Every configured stream needs a name.`);
    }
    const namespace = typeof stream!.namespace === 'string' && stream!.namespace !== '' ? stream!.namespace : undefined;
    const label = namespace ? `${namespace}.${name}` : name;
    const key = streamKey(namespace, name);
    if (seen.has(key)) throw new ConfigError(`The catalog lists stream ${label} twice. Keep one entry per stream.`);
    seen.add(key);
    const mode = e.destination_sync_mode ?? 'append';
    if (mode === 'append_dedup') {
      throw new ConfigError(
        `Stream ${label} uses destination_sync_mode append_dedup, which an S3 destination cannot honour (files cannot be deduplicated in place). Choose append or overwrite.`,
      );
    }
    if (mode !== 'append' && mode !== 'overwrite') {
      throw new ConfigError(`Stream ${label} has destination_sync_mode ${JSON.stringify(mode)}. Use "append" or "overwrite".`);
    }
    const out: CatalogStream = {
      descriptor: namespace ? { name, namespace } : { name },
      jsonSchema: stream!.json_schema ?? {},
      syncMode: mode,
    };
    for (const field of ['generation_id', 'minimum_generation_id'] as const) {
      const v = e[field];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
        throw new ConfigError(`Stream ${label} has ${field} ${JSON.stringify(v)}; it must be a non-negative integer.`);
      }
      if (field === 'generation_id') out.generationId = v;
      else out.minimumGenerationId = v;
    }
    if (typeof e.sync_id === 'number' || typeof e.sync_id === 'string') out.syncId = e.sync_id;
    return out;
  });
}
