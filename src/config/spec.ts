import { readFileSync } from 'node:fs';

/** spec/spec.json ships beside dist/ and src/, so one relative URL works from both. */
const SPEC_URL = new URL('../../spec/spec.json', import.meta.url);

export interface ConnectorSpecification {
  documentationUrl: string;
  connectionSpecification: Record<string, unknown>;
  supportsIncremental: boolean;
  supportsNormalization: boolean;
  supportsDBT: boolean;
  supported_destination_sync_modes: string[];
}

let cached: ConnectorSpecification | undefined;

export function loadSpec(): ConnectorSpecification {
  cached ??= JSON.parse(readFileSync(SPEC_URL, 'utf8')) as ConnectorSpecification;
  return cached;
}
