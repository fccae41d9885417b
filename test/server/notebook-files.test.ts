import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, type Fixture } from './helpers.ts';

describe('notebook files and cells', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ customers: 30 });
  });
  afterAll(() => f.close());

  const put = (id: string, json: unknown) => f.call('PUT', `/api/notebooks/${id}`, { role: 'analyst', json });
  const file = (id: string) => join(f.home, 'notebooks', `${id}.json`);

  it('keeps listing, answers 422 for an unreadable notebook, and lets a plain save or a delete repair it', async () => {
    expect((await put('good', { title: 'Good', cells: [] })).status).toBe(200);
    expect((await put('broken', { title: 'Broken', cells: [] })).status).toBe(200);
    writeFileSync(file('broken'), '{"title": "Brok'); // cut short
    writeFileSync(join(f.home, 'notebooks', 'Backup Copy.json'), '{}'); // not a notebook id at all

    const list = await f.call('GET', '/api/notebooks', { role: 'analyst' });
    expect(list.status).toBe(200);
    const { notebooks } = (await list.json()) as { notebooks: { id: string; error?: string }[] };
    expect(notebooks.map((n) => n.id).sort()).toEqual(['broken', 'good']);
    expect(notebooks.find((n) => n.id === 'broken')!.error).toContain('not a readable notebook');

    const get = await f.call('GET', '/api/notebooks/broken', { role: 'analyst' });
    expect(get.status).toBe(422);
    expect(await get.json()).toMatchObject({ error: 'unprocessable', field: 'id' });

    // A save that claims a version cannot be checked against an unreadable file: refused, file untouched.
    const stale = await put('broken', { title: 'Fixed', cells: [], base_version: 1 });
    expect(stale.status).toBe(422);
    expect(readFileSync(file('broken'), 'utf8')).toBe('{"title": "Brok');

    const repaired = await put('broken', { title: 'Fixed', cells: [] });
    expect(repaired.status).toBe(200);
    expect(((await repaired.json()) as { version: number }).version).toBe(1);

    writeFileSync(file('good'), '[1, 2]'); // JSON, but not a notebook
    expect((await f.call('GET', '/api/notebooks/good', { role: 'analyst' })).status).toBe(422);
    expect((await f.call('DELETE', '/api/notebooks/good', { role: 'analyst' })).status).toBe(204);
    expect((await f.call('GET', '/api/notebooks/good', { role: 'analyst' })).status).toBe(404);
  });

  it('refuses two cells with one id, naming both, and leaves the stored notebook as it was', async () => {
    expect((await put('cells', { title: 'Cells', cells: [{ id: 'a', kind: 'markdown', source: 'x' }] })).status).toBe(200);
    const before = readFileSync(file('cells'), 'utf8');
    const res = await put('cells', { title: 'Cells', cells: [{ id: 'a', kind: 'sql', source: 'SELECT 1' }, { id: 'b', kind: 'markdown' }, { id: 'a', kind: 'markdown' }] });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { field: string; message: string };
    expect(body.field).toBe('cells[2].id');
    expect(body.message).toContain('cells[0]');
    expect(readFileSync(file('cells'), 'utf8')).toBe(before);
  });

  it('refuses options that are not an object', async () => {
    for (const options of ['bar', [1, 2], null]) {
      const res = await put('opts', { title: 'Options', cells: [{ id: 'a', kind: 'sql', source: 'SELECT 1', options }] });
      expect(res.status, JSON.stringify(options)).toBe(400);
      expect(((await res.json()) as { field: string }).field).toBe('cells[0].options');
    }
    expect((await put('opts', { title: 'Options', cells: [{ id: 'a', kind: 'sql', source: 'SELECT 1', options: { chart: { type: 'bar', x: 'a', y: 'b' } } }] })).status).toBe(200);
  });
});
