/**
 * Converts a stream's JSON schema to an Avro record schema by the rules of Airbyte's S3
 * destination (checked against its 25 conversion cases in test/format/avro):
 * - `_airbyte_ab_id` (string, uuid) and `_airbyte_emitted_at` (long, timestamp-millis) first;
 * - every declared property as a nullable union with `default: null`, in schema order;
 * - nested objects as named records, namespaced by their path (children of the root record get
 *   namespace ""); arrays with their item types; oneOf/anyOf/allOf as unions, objects among the
 *   members merged into one record;
 * - date, time and date-time strings as logical types with a string fallback (plain strings
 *   inside a oneOf/anyOf/allOf);
 * - schemaless values as strings (JSON text), and a trailing `_airbyte_additional_properties`
 *   map of strings in every record for the fields a schema does not declare.
 */
import { ADDITIONAL_PROPERTIES, AB_ID, EMITTED_AT } from '../../transform/output-row.js';
import { avroName, avroNamespace, ORIGINAL_NAME_DOC } from './avro-names.js';

export type AvroType = string | AvroSchemaObject | AvroType[];
export interface AvroSchemaObject {
  type: string;
  [key: string]: unknown;
}
export interface AvroField {
  name: string;
  type: AvroType;
  default?: null;
  doc?: string;
}
export interface AvroRecordSchema extends AvroSchemaObject {
  type: 'record';
  name: string;
  namespace?: string;
  doc?: string;
  fields: AvroField[];
}

type JsonSchema = Record<string, any>;

/** Property names that always mean "the additional properties", whatever a schema says of them. */
export const ADDITIONAL_PROPERTIES_ALIASES = new Set([ADDITIONAL_PROPERTIES, '_ab_additional_properties']);

export const ADDITIONAL_PROPERTIES_FIELD: AvroField = {
  name: ADDITIONAL_PROPERTIES,
  type: ['null', { type: 'map', values: 'string' }],
  default: null,
};

const WELL_KNOWN = /WellKnownTypes\.json#\/definitions\/(\w+)$/;
const TIMESTAMP: AvroSchemaObject = { type: 'long', logicalType: 'timestamp-micros' };
const DATE: AvroSchemaObject = { type: 'int', logicalType: 'date' };
const TIME: AvroSchemaObject = { type: 'long', logicalType: 'time-micros' };

export function jsonSchemaToAvro(
  jsonSchema: unknown,
  streamName: string,
  namespace: string | null | undefined,
  appendAirbyteFields = true,
): AvroRecordSchema {
  const name = avroName(streamName);
  const root: AvroRecordSchema = { type: 'record', name, namespace: avroNamespace(namespace), fields: [] };
  if (name !== streamName) root.doc = ORIGINAL_NAME_DOC + streamName;
  if (appendAirbyteFields) {
    root.fields.push(
      { name: AB_ID, type: { type: 'string', logicalType: 'uuid' } },
      { name: EMITTED_AT, type: { type: 'long', logicalType: 'timestamp-millis' } },
    );
  }
  const skip = appendAirbyteFields ? new Set([AB_ID, EMITTED_AT]) : new Set<string>();
  root.fields.push(...recordFields([asObject(jsonSchema)], '', skip));
  return root;
}

/** The Avro type of one field: `["null", ...]`, for the type cases of Airbyte's tests. */
export function fieldToAvro(fieldName: string, definition: unknown): AvroType {
  if (ADDITIONAL_PROPERTIES_ALIASES.has(fieldName)) return ADDITIONAL_PROPERTIES_FIELD.type;
  return nullable(branches(fieldName, '', asObject(definition), false));
}

function asObject(value: unknown): JsonSchema {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonSchema) : {};
}

/** The fields of a record built from one or more object schemas (several are merged). */
function recordFields(objects: JsonSchema[], childNamespace: string, skip = new Set<string>()): AvroField[] {
  const members = new Map<string, JsonSchema[]>();
  for (const o of objects) {
    for (const [prop, def] of Object.entries(asObject(o.properties))) {
      if (skip.has(prop) || ADDITIONAL_PROPERTIES_ALIASES.has(prop)) continue;
      const list = members.get(prop) ?? [];
      list.push(asObject(def));
      members.set(prop, list);
    }
  }
  const fields: AvroField[] = [];
  for (const [prop, defs] of members) {
    const name = avroName(prop);
    // The same property in several merged objects: its definitions merge like a union's members.
    const types = defs.length > 1 ? mergeMembers(prop, childNamespace, defs) : branches(prop, childNamespace, defs[0]!, false);
    const field: AvroField = { name, type: nullable(types), default: null };
    if (name !== prop) field.doc = ORIGINAL_NAME_DOC + prop;
    fields.push(field);
  }
  fields.push(ADDITIONAL_PROPERTIES_FIELD);
  return fields;
}

function nullable(types: AvroType[]): AvroType[] {
  return ['null', ...types.filter((t) => t !== 'null')];
}

/** The non-null branches a JSON schema contributes to a union. */
function branches(fieldName: string, namespace: string, def: JsonSchema, inUnion: boolean): AvroType[] {
  const ref = typeof def.$ref === 'string' ? WELL_KNOWN.exec(def.$ref)?.[1] : undefined;
  if (ref) return wellKnown(ref, inUnion);
  const combined = [def.oneOf, def.anyOf, def.allOf].find(Array.isArray) as JsonSchema[] | undefined;
  if (combined) return mergeMembers(fieldName, namespace, combined.map(asObject));
  let types: string[];
  if (Array.isArray(def.type)) types = def.type.filter((t: unknown): t is string => typeof t === 'string');
  else if (typeof def.type === 'string') types = [def.type];
  else if (def.properties) types = ['object'];
  else types = [];
  if (types.length === 0) return ['string']; // schemaless: the value is written as JSON text
  const out: AvroType[] = [];
  for (const t of types) {
    switch (t) {
      case 'null':
        break;
      case 'string':
        out.push(...stringBranches(def, inUnion));
        break;
      case 'integer':
        out.push('long');
        break;
      case 'number':
        out.push(def.airbyte_type === 'integer' ? 'long' : 'double');
        break;
      case 'boolean':
        out.push('boolean');
        break;
      case 'object':
        out.push(record(fieldName, namespace, [def]));
        break;
      case 'array':
        out.push(array(fieldName, namespace, def));
        break;
      default:
        out.push('string');
    }
  }
  return dedupe(out);
}

function wellKnown(name: string, inUnion: boolean): AvroType[] {
  switch (name) {
    case 'Integer':
      return ['long'];
    case 'Number':
      return ['double'];
    case 'Boolean':
      return ['boolean'];
    case 'Date':
      return inUnion ? ['string'] : [DATE, 'string'];
    case 'TimestampWithTimezone':
    case 'TimestampWithoutTimezone':
      return inUnion ? ['string'] : [TIMESTAMP, 'string'];
    case 'TimeWithTimezone':
    case 'TimeWithoutTimezone':
      return inUnion ? ['string'] : [TIME, 'string'];
    default:
      return ['string']; // String, BinaryData (base64 text)
  }
}

function stringBranches(def: JsonSchema, inUnion: boolean): AvroType[] {
  if (inUnion) return ['string'];
  const kind = def.airbyte_type ?? def.format;
  if (kind === 'date') return [DATE, 'string'];
  if (kind === 'date-time' || kind === 'timestamp_with_timezone' || kind === 'timestamp_without_timezone') return [TIMESTAMP, 'string'];
  if (kind === 'time' || kind === 'time_with_timezone' || kind === 'time_without_timezone') return [TIME, 'string'];
  return ['string'];
}

/** oneOf/anyOf/allOf and tuple items: the members' branches in order, objects merged into one record. */
function mergeMembers(fieldName: string, namespace: string, members: JsonSchema[]): AvroType[] {
  const isObject = (m: JsonSchema) => m.type === 'object' || (Array.isArray(m.type) && m.type.includes('object')) || (!m.type && m.properties);
  const objects = members.filter(isObject);
  const out: AvroType[] = [];
  let recordPlaced = false;
  for (const m of members) {
    if (isObject(m)) {
      if (!recordPlaced) out.push(record(fieldName, namespace, objects));
      recordPlaced = true;
    } else {
      out.push(...branches(fieldName, namespace, m, true));
    }
  }
  return dedupe(out);
}

function record(fieldName: string, namespace: string, objects: JsonSchema[]): AvroRecordSchema {
  const name = avroName(fieldName);
  const schema: AvroRecordSchema = { type: 'record', name, namespace, fields: [] };
  if (name !== fieldName) schema.doc = ORIGINAL_NAME_DOC + fieldName;
  schema.fields = recordFields(objects, namespace ? `${namespace}.${name}` : name);
  return schema;
}

function array(fieldName: string, namespace: string, def: JsonSchema): AvroSchemaObject {
  const items = def.items;
  let itemTypes: AvroType[];
  if (Array.isArray(items)) itemTypes = items.length ? mergeMembers(fieldName, namespace, items.map(asObject)) : ['string'];
  else if (items && typeof items === 'object' && Object.keys(items).length > 0) itemTypes = branches(`${fieldName}.items`, namespace, items, false);
  else itemTypes = ['string'];
  return { type: 'array', items: nullable(itemTypes) };
}

/** Avro forbids two branches of the same type (or the same record name) in one union. */
function dedupe(types: AvroType[]): AvroType[] {
  const seen = new Set<string>();
  return types.filter((t) => {
    const key = branchKey(t);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The name avsc gives a union branch when unions are wrapped: the type, or a record's full name. */
export function branchKey(t: AvroType): string {
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return 'union';
  if (t.type === 'record') return (t.namespace ? `${t.namespace}.` : '') + String(t.name);
  return t.type;
}
