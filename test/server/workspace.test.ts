import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, type Fixture } from './helpers.ts';

describe('workspace settings: the currency money is shown in', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ customers: 10 });
  });
  afterAll(() => f.close());

  const get = async () => (await f.call('GET', '/api/workspace', { role: 'retention' })).json();

  it('has no currency until an admin sets one, then keeps the rest when one field changes', async () => {
    expect(await get()).toEqual({ currency: '', currency_display: 'symbol', currency_decimals: 2, language: '' });
    const set = await f.call('PUT', '/api/workspace', { role: 'admin', json: { currency: 'EUR', currency_decimals: 0 } });
    expect(set.status).toBe(200);
    expect(await get()).toEqual({ currency: 'EUR', currency_display: 'symbol', currency_decimals: 0, language: '' });
    await f.call('PUT', '/api/workspace', { role: 'admin', json: { currency_display: 'code' } });
    expect(JSON.parse(readFileSync(join(f.home, 'workspace.json'), 'utf8'))).toEqual({ currency: 'EUR', currency_display: 'code', currency_decimals: 0, language: '' });
    // The UI's default language: one of the languages, or '' for the browser's.
    expect((await f.call('PUT', '/api/workspace', { role: 'admin', json: { language: 'zh' } })).status).toBe(200);
    expect(await get()).toMatchObject({ currency: 'EUR', language: 'zh' });
    expect((await f.call('PUT', '/api/workspace', { role: 'admin', json: { language: 'fr' } })).status).toBe(400);
  });

  it('lets only admins change it, and refuses what is no currency code', async () => {
    expect((await f.call('PUT', '/api/workspace', { role: 'analyst', json: { currency: 'USD' } })).status).toBe(403);
    const bad = await f.call('PUT', '/api/workspace', { role: 'admin', json: { currency: 'euro' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { field: string }).field).toBe('currency');
    expect((await f.call('PUT', '/api/workspace', { role: 'admin', json: { currency_decimals: 7 } })).status).toBe(400);
    expect((await get()).currency).toBe('EUR');
  });
});
