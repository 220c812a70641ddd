// Regenerates demo/messages.jsonl: a small, deterministic capture of a sync of three streams
// (users, products, purchases) with nested objects, arrays, nulls, unicode and STATE messages,
// as a source such as airbyte-source-faker would emit it.
import { writeFileSync } from 'node:fs';

let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = (a) => a[Math.floor(rand() * a.length)];
const emitted = 1_732_000_000_000;
const lines = [];
const rec = (stream, data, i) => lines.push(JSON.stringify({ type: 'RECORD', record: { stream, namespace: 'faker', data, emitted_at: emitted + i } }));
const state = (stream, cursor) =>
  lines.push(JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: stream, namespace: 'faker' }, stream_state: { updated_at: cursor } } } }));

const names = ['Ada Lovelace', 'Zoë Ødegaard', 'José Núñez', '李小龙', 'Grace "Amazing" Hopper', 'Alan Turing'];
const cities = ['Kraków', 'Lyon', 'São Paulo', 'Toronto', 'Nairobi'];
for (let i = 1; i <= 40; i++) {
  rec('users', {
    id: i,
    name: pick(names),
    email: i % 9 === 0 ? null : `user${i}@example.com`,
    age: 18 + Math.floor(rand() * 60),
    address: { city: pick(cities), postal_code: String(10000 + Math.floor(rand() * 89999)) },
    tags: i % 4 === 0 ? [] : ['newsletter', pick(['vip', 'trial', 'beta'])],
    updated_at: new Date(emitted - (40 - i) * 3_600_000).toISOString(),
  }, i);
  if (i % 20 === 0) state('users', new Date(emitted - (40 - i) * 3_600_000).toISOString());
}
for (let i = 1; i <= 20; i++) {
  rec('products', { id: i, make: pick(['Acme', 'Globex', 'Initech']), model: `M-${i}`, price: Math.round(rand() * 100000) / 100, in_stock: rand() > 0.3, description: i === 3 ? 'multi\nline, with "quotes"' : '' }, 100 + i);
}
state('products', 'done');
for (let i = 1; i <= 60; i++) {
  rec('purchases', { id: i, user_id: 1 + Math.floor(rand() * 40), product_id: 1 + Math.floor(rand() * 20), purchased_at: new Date(emitted - i * 60_000).toISOString(), returned_at: i % 10 === 0 ? new Date(emitted).toISOString() : null }, 200 + i);
  if (i % 30 === 0) state('purchases', i);
}
writeFileSync(new URL('../demo/messages.jsonl', import.meta.url), lines.join('\n') + '\n');
console.error(`wrote ${lines.length} messages to demo/messages.jsonl`);
