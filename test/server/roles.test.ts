import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, allows } from '../../server/auth.ts';
import { ROUTES } from '../../server/routes/index.ts';
import { fixture, type Fixture } from './helpers.ts';

/** A concrete URL for a route pattern; ids that do not exist are fine: 404 still proves the role passed. */
const concrete = (path: string) => path.replace(':kind', 'customers').replace(':id', 'nobody').replace(':version', '999');

describe('every route with every role', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ customers: 60, limits: { authFailuresPerMinute: 10_000 } });
  });
  afterAll(() => f.close());

  it('declares a role for every route', () => {
    for (const route of ROUTES) expect(['public', ...ROLES]).toContain(route.access);
  });

  for (const route of ROUTES) {
    it(`${route.method} ${route.path} (${route.access})`, async () => {
      // Side-effect-free probes: bodies that fail validation after the auth check, never a real write.
      const probe = (role?: (typeof ROLES)[number]) =>
        f.call(route.method, concrete(route.path), { role, ...(route.body && route.body !== 'raw' ? { json: { unknown_field_probe: 1 } } : {}), ...(route.body === 'raw' ? { body: '' } : {}) });
      const anonymous = await probe();
      if (route.access === 'public') expect(anonymous.status).not.toBe(401);
      else expect(anonymous.status).toBe(401);
      for (const role of ROLES) {
        const res = await probe(role);
        if (allows(role, route.access)) expect([401, 403], `${role} on ${route.path}`).not.toContain(res.status);
        else expect(res.status, `${role} on ${route.path}`).toBe(403);
        await res.body?.cancel();
      }
    });
  }

  it('rejects an unknown token', async () => {
    const res = await f.call('GET', '/api/me', { token: 'tl_not-a-token' });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'unauthorized' });
  });
});
