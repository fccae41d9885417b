import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, type Fixture } from './helpers.ts';

type Saved = { version: number; title: string; updated_at: string };

describe('notebook versions: a stale save is refused, not silently lost', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ customers: 50 });
  });
  afterAll(() => f.close());

  const put = (id: string, json: Record<string, unknown>) => f.call('PUT', `/api/notebooks/${id}`, { role: 'analyst', json: { cells: [], ...json } });

  it('counts versions up and refuses a save that started from an older one', async () => {
    const created = (await (await put('shared', { title: 'First', base_version: 0 })).json()) as Saved;
    expect(created.version).toBe(1);
    // Two editors opened version 1; the first save wins and makes version 2.
    const first = await put('shared', { title: 'Alice', base_version: 1 });
    expect(first.status).toBe(200);
    expect(((await first.json()) as Saved).version).toBe(2);
    const second = await put('shared', { title: 'Bob', base_version: 1 });
    expect(second.status).toBe(409);
    const refusal = (await second.json()) as { error: string; field: string; details: { version: number; title: string } };
    expect(refusal.error).toBe('conflict');
    expect(refusal.field).toBe('base_version');
    expect(refusal.details).toMatchObject({ version: 2, title: 'Alice' });
    const stored = (await (await f.call('GET', '/api/notebooks/shared', { role: 'analyst' })).json()) as Saved;
    expect(stored).toMatchObject({ title: 'Alice', version: 2 });
    // Overwriting on purpose: start from the version the refusal named.
    expect(((await (await put('shared', { title: 'Bob', base_version: 2 })).json()) as Saved).version).toBe(3);
  });

  it('refuses to create over an existing notebook or to save one deleted since', async () => {
    await put('taken', { title: 'Mine' });
    expect((await put('taken', { title: 'Also mine', base_version: 0 })).status).toBe(409);
    expect((await f.call('DELETE', '/api/notebooks/taken', { role: 'analyst' })).status).toBe(204);
    const late = await put('taken', { title: 'Edited', base_version: 1 });
    expect(late.status).toBe(409);
    expect(((await late.json()) as { message: string }).message).toContain('deleted');
  });

  it('replaces whatever is stored when the save names no version', async () => {
    await put('plain', { title: 'One' });
    const again = await put('plain', { title: 'Two' });
    expect(again.status).toBe(200);
    expect(((await again.json()) as Saved).version).toBe(2);
  });
});
