import { Store } from './data/store.ts';
const store = await Store.open({ path: '/tmp/lk/tierlab.duckdb' });
const ids = (await store.all<{ id: string }>(`SELECT customer_id AS id FROM customer_pages USING SAMPLE 2000 ROWS (reservoir, 7)`)).map((r) => r.id);
const time = async (name: string, f: (id: string) => Promise<unknown>) => {
  const c = process.cpuUsage(); const s = performance.now();
  for (const id of ids) await f(id);
  const u = process.cpuUsage(c);
  console.log(name, ((performance.now() - s) / ids.length).toFixed(3), 'ms wall', ((u.user + u.system) / 1000 / ids.length).toFixed(3), 'ms cpu');
};
const sql = 'SELECT page_json AS p FROM customer_pages WHERE customer_id = $1';
await time('store.all', (id) => store.all(sql, [id]));
await time('SELECT 1 via store.all', () => store.all('SELECT 1 AS x'));
await time('SELECT $1 via store.all', (id) => store.all('SELECT $1 AS x', [id]));
const prepared = await store.connection.prepare(sql);
await time('prepared, reused', async (id) => { prepared.bindVarchar(1, id); const r = await prepared.run(); return r.getRows(); });
await time('prepared, reused, again', async (id) => { prepared.bindVarchar(1, id); const r = await prepared.run(); return r.getRows(); });
await time('store.all again', (id) => store.all(sql, [id]));
await time('rowid lookup via index then by rowid', async (id) => { const r = await store.all<{ r: number }>('SELECT rowid AS r FROM customer_pages WHERE customer_id = $1', [id]); return r; });
store.close();
