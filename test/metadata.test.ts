import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const pkg = JSON.parse(read('package.json'));
const spec = JSON.parse(read('spec/spec.json'));
const metadata = parseYaml(read('metadata.yaml'));
const dockerfile = read('Dockerfile');

describe('connector metadata', () => {
  it('is an Airbyte destination of subtype file', () => {
    expect(metadata.metadataSpecVersion).toBe('1.0');
    expect(metadata.data).toMatchObject({ connectorType: 'destination', connectorSubtype: 'file', supportsRefreshes: true });
    expect(metadata.data.definitionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(['alpha', 'beta', 'generally_available']).toContain(metadata.data.releaseStage);
  });

  it('tags the image with the package version, in metadata.yaml and in the Dockerfile', () => {
    expect(metadata.data.dockerImageTag).toBe(pkg.version);
    expect(dockerfile).toMatch(new RegExp(`^ARG VERSION=${pkg.version.replaceAll('.', '\\.')}$`, 'm'));
    expect(dockerfile).toContain(`io.airbyte.name="${metadata.data.dockerRepository}"`);
    expect(dockerfile).toContain('io.airbyte.version="${VERSION}"');
  });

  it('agrees with the spec on documentation, sync modes and license', () => {
    expect(metadata.data.documentationUrl).toBe(spec.documentationUrl);
    expect(metadata.data.supportedDestinationSyncModes).toEqual(spec.supported_destination_sync_modes);
    expect(metadata.data.license).toBe(pkg.license);
  });

  it('builds on the official node image and runs the connector as the node user', () => {
    expect(dockerfile.match(/^FROM .*/gm)).toEqual(['FROM node:24-bookworm-slim AS build', 'FROM node:24-bookworm-slim']);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "\/airbyte\/integration_code\/dist\/main.js"\]$/m);
    expect(dockerfile).toMatch(/AIRBYTE_ENTRYPOINT="node \/airbyte\/integration_code\/dist\/main.js"/);
  });
});
