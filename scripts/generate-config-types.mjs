// Generates, from spec/spec.json, src/config/generated/config-types.ts (the TypeScript view of the
// user's config) and src/config/generated/config-validator.ts (ajv's validator compiled ahead of
// time), so neither can drift from the schema. `--check` exits 1 when a committed file is stale
// (a unit test runs it).
import { readFile, writeFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { compile } from 'json-schema-to-typescript';

const specUrl = new URL('../spec/spec.json', import.meta.url);
const typesUrl = new URL('../src/config/generated/config-types.ts', import.meta.url);
const validatorUrl = new URL('../src/config/generated/config-validator.ts', import.meta.url);
const BANNER = '/* Generated from spec/spec.json by scripts/generate-config-types.mjs. Do not edit. */';

const readSpec = async () => JSON.parse(await readFile(specUrl, 'utf8'));

export async function renderConfigTypes() {
  const schema = structuredClone((await readSpec()).connectionSpecification);
  // The public config accepts unknown keys (as Airbyte's does) but the types should not invite them.
  const closeObjects = (node) => {
    if (node && typeof node === 'object') {
      if (node.type === 'object' && node.additionalProperties === true) node.additionalProperties = false;
      Object.values(node).forEach(closeObjects);
    }
  };
  closeObjects(schema);
  return compile(schema, 'DestinationS3Config', {
    bannerComment: BANNER,
    additionalProperties: false,
    style: { singleQuote: true },
  });
}

/**
 * The config validator as ajv's standalone code. Compiled ahead of time because compiling the
 * spec (and loading ajv) cost every `check` and `write` about 0.15 s of startup.
 */
export async function renderConfigValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false, discriminator: true, verbose: true, code: { source: true, esm: true } });
  // Airbyte's UI annotations: allowed, and meaningless to validation.
  for (const keyword of ['airbyte_secret', 'always_show', 'order']) ajv.addKeyword(keyword);
  const validate = ajv.compile(withDiscriminators((await readSpec()).connectionSpecification));
  return `${BANNER}\n// @ts-nocheck\n${standaloneCode(ajv, validate)}\n`;
}

/**
 * Marks every oneOf whose branches are told apart by one required single-value property
 * (format_type, compression_type, codec) as an ajv discriminator, so a bad field is reported
 * against the branch the user chose instead of against every branch. Only the compiled copy
 * changes; the published spec stays plain JSON Schema.
 */
function withDiscriminators(node) {
  if (Array.isArray(node)) node.forEach(withDiscriminators);
  else if (node && typeof node === 'object') {
    if (Array.isArray(node.oneOf)) {
      const tags = node.oneOf.map((b) => Object.entries(b.properties ?? {}).find(([k, v]) => v.enum?.length === 1 && b.required?.includes(k))?.[0]);
      if (tags.every((t) => t !== undefined && t === tags[0])) node.discriminator = { propertyName: tags[0] };
    }
    Object.values(node).forEach(withDiscriminators);
  }
  return node;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outputs = [
    [typesUrl, await renderConfigTypes()],
    [validatorUrl, await renderConfigValidator()],
  ];
  for (const [url, text] of outputs) {
    const name = url.pathname.slice(url.pathname.indexOf('src/'));
    if (process.argv.includes('--check')) {
      const current = await readFile(url, 'utf8').catch(() => '');
      if (current !== text) {
        console.error(`${name} is stale: run \`npm run gen:types\``);
        process.exitCode = 1;
      }
    } else {
      await writeFile(url, text);
      console.log(`wrote ${name}`);
    }
  }
}
