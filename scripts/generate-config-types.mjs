// Generates src/config/generated/config-types.ts from spec/spec.json, so the TypeScript view of
// the user's config can never drift from the schema that validates it. `--check` exits 1 when the
// committed file is stale (a unit test runs it).
import { readFile, writeFile } from 'node:fs/promises';
import { compile } from 'json-schema-to-typescript';

const specUrl = new URL('../spec/spec.json', import.meta.url);
const outUrl = new URL('../src/config/generated/config-types.ts', import.meta.url);

export async function renderConfigTypes() {
  const spec = JSON.parse(await readFile(specUrl, 'utf8'));
  const schema = structuredClone(spec.connectionSpecification);
  // The public config accepts unknown keys (as Airbyte's does) but the types should not invite them.
  const closeObjects = (node) => {
    if (node && typeof node === 'object') {
      if (node.type === 'object' && node.additionalProperties === true) node.additionalProperties = false;
      Object.values(node).forEach(closeObjects);
    }
  };
  closeObjects(schema);
  return compile(schema, 'DestinationS3Config', {
    bannerComment: '/* Generated from spec/spec.json by scripts/generate-config-types.mjs. Do not edit. */',
    additionalProperties: false,
    style: { singleQuote: true },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ts = await renderConfigTypes();
  if (process.argv.includes('--check')) {
    const current = await readFile(outUrl, 'utf8').catch(() => '');
    if (current !== ts) {
      console.error('src/config/generated/config-types.ts is stale: run `npm run gen:types`');
      process.exit(1);
    }
  } else {
    await writeFile(outUrl, ts);
    console.log('wrote src/config/generated/config-types.ts');
  }
}
