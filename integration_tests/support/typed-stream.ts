/** A stream that exercises every type mapping of the typed formats (Avro, Parquet). */
export const properties = {
  id: { type: 'integer' },
  name: { type: 'string' },
  empty: { type: 'string' },
  missing: { type: ['null', 'string'] },
  price: { type: 'number' },
  price_text: { type: 'number' },
  max_safe: { type: 'integer' },
  int64_text: { type: 'integer' },
  int64_number: { type: 'integer' },
  active: { type: 'boolean' },
  born: { type: 'string', format: 'date' },
  at: { type: 'string', format: 'date-time' },
  at_local: { type: 'string', format: 'date-time', airbyte_type: 'timestamp_without_timezone' },
  wake: { type: 'string', format: 'time' },
  address: { type: 'object', properties: { city: { type: 'string' }, geo: { type: 'object', properties: { lat: { type: 'number' }, lon: { type: 'number' } } } } },
  tags: { type: 'array', items: { type: 'string' } },
  anything: { type: 'array' },
  bad_int: { type: 'integer' },
};

export function data(i: number): Record<string, unknown> {
  return {
    id: i,
    name: `Zoë 李 🚀 "${i}"`,
    empty: '',
    price: 1234.5678 + i,
    price_text: '12.50',
    max_safe: 9007199254740991,
    int64_text: '9223372036854775807',
    int64_number: -9223372036854775808n, // sent as a JSON number, beyond 2^53
    active: i % 2 === 0,
    born: '1990-05-17',
    at: '2021-01-01T01:01:01.123456+01:00',
    at_local: '2021-06-01T12:00:00',
    wake: '07:30:00.5',
    address: { city: 'Kraków', geo: { lat: 50.06, lon: 19.94 } },
    tags: i % 3 === 0 ? [] : ['a', `t${i}`],
    anything: [1, 'a', true, { x: 1 }],
    bad_int: i === 0 ? 'not a number' : i,
    surprise: 'undeclared',
  };
}

export function expected(i: number): Record<string, unknown> {
  const d = data(i);
  return {
    _airbyte_emitted_at: '2023-11-14T22:13:20+00:00',
    id: i,
    name: d.name,
    empty: '',
    missing: null,
    price: d.price,
    price_text: 12.5,
    max_safe: 9007199254740991,
    int64_text: '9223372036854775807', // exact: the reader's int, shown as text past 2^53
    int64_number: '-9223372036854775808',
    active: d.active,
    born: '1990-05-17',
    at: '2021-01-01T00:01:01.123456+00:00',
    at_local: '2021-06-01T12:00:00+00:00',
    wake: '07:30:00.500000',
    address: { city: 'Kraków', geo: { lat: 50.06, lon: 19.94, _airbyte_additional_properties: null }, _airbyte_additional_properties: null },
    tags: d.tags,
    anything: ['1', 'a', 'true', '{"x":1}'],
    bad_int: i === 0 ? null : i,
    _airbyte_additional_properties: { surprise: 'undeclared' },
  };
}

