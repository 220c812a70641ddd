// Deterministic, realistic Airbyte RECORD/STATE messages: a users/products/purchases mix with nested
// objects, arrays, nulls, unicode and long text. The same seed and size always give the same bytes,
// so every measurement (and every ceiling) runs on identical input.
import { once } from 'node:events';

export function* messages(seed = 42) {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const pick = (a) => a[Math.floor(rand() * a.length)];
  const names = ['Ada Lovelace', 'Zoë Ødegaard', 'José Núñez', '李小龙', 'Grace "Amazing" Hopper', 'Alan Turing', 'Marie Curie'];
  const cities = ['Kraków', 'Lyon', 'São Paulo', 'Toronto', 'Nairobi', 'Reykjavík'];
  const words = ['lorem', 'ipsum', 'dolor', 'sit', 'amet', 'consectetur', 'adipiscing', 'elit', 'sed', 'do', 'eiusmod', 'tempor'];
  const text = (n) => Array.from({ length: n }, () => pick(words)).join(' ');
  const t0 = 1_700_000_000_000;
  for (let i = 0; ; i++) {
    const kind = i % 10 < 4 ? 'users' : i % 10 < 6 ? 'products' : 'purchases';
    let data;
    if (kind === 'users') {
      data = {
        id: i, name: pick(names), email: rand() < 0.1 ? null : `user${i}@example.com`, age: 18 + Math.floor(rand() * 60),
        address: { city: pick(cities), postal_code: String(10000 + Math.floor(rand() * 89999)), geo: { lat: rand() * 180 - 90, lon: rand() * 360 - 180 } },
        tags: rand() < 0.2 ? [] : ['newsletter', pick(['vip', 'trial', 'beta'])], bio: rand() < 0.3 ? text(40 + Math.floor(rand() * 120)) : null,
        created_at: new Date(t0 - Math.floor(rand() * 1e10)).toISOString(),
      };
    } else if (kind === 'products') {
      data = { id: i, make: pick(['Acme', 'Globex', 'Initech', 'Umbrella']), model: `M-${i % 997}`, price: Math.round(rand() * 1e6) / 100, in_stock: rand() > 0.3, description: text(10 + Math.floor(rand() * 30)) };
    } else {
      data = { id: i, user_id: Math.floor(rand() * 1e6), product_id: Math.floor(rand() * 1e5), quantity: 1 + Math.floor(rand() * 5), purchased_at: new Date(t0 - Math.floor(rand() * 1e9)).toISOString(), returned_at: rand() < 0.05 ? new Date(t0).toISOString() : null };
    }
    yield JSON.stringify({ type: 'RECORD', record: { stream: kind, namespace: 'bench', data, emitted_at: t0 + i } });
    if (i % 5000 === 4999) yield JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: kind, namespace: 'bench' }, stream_state: { id: i } } } });
  }
}

export const SCHEMAS = {
  users: { id: { type: 'integer' }, name: { type: 'string' }, email: { type: ['null', 'string'] }, age: { type: 'integer' }, address: { type: 'object', properties: { city: { type: 'string' }, postal_code: { type: 'string' }, geo: { type: 'object', properties: { lat: { type: 'number' }, lon: { type: 'number' } } } } }, tags: { type: 'array', items: { type: 'string' } }, bio: { type: ['null', 'string'] }, created_at: { type: 'string', format: 'date-time' } },
  products: { id: { type: 'integer' }, make: { type: 'string' }, model: { type: 'string' }, price: { type: 'number' }, in_stock: { type: 'boolean' }, description: { type: 'string' } },
  purchases: { id: { type: 'integer' }, user_id: { type: 'integer' }, product_id: { type: 'integer' }, quantity: { type: 'integer' }, purchased_at: { type: 'string', format: 'date-time' }, returned_at: { type: ['null', 'string'], format: 'date-time' } },
};

/** Writes about `bytes` of messages to a stream; returns the number of records written. */
export async function writeMessages(out, bytes, seed = 42) {
  let written = 0;
  let records = 0;
  let batch = [];
  for (const line of messages(seed)) {
    batch.push(line);
    if (line.startsWith('{"type":"RECORD"')) records++;
    written += line.length + 1;
    if (batch.length >= 1000 || written >= bytes) {
      if (!out.write(batch.join('\n') + '\n')) await once(out, 'drain');
      batch = [];
    }
    if (written >= bytes) break;
  }
  return records;
}
