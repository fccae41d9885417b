import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, allows, type Role } from '../../server/auth.ts';
import { AuthFailureLimiter } from '../../server/middleware/rate-limit/index.ts';
import { ROUTES } from '../../server/routes/index.ts';
import { fixture, type Fixture } from '../server/helpers.ts';
import { safeError, storeFigures } from './support.ts';

/** Requests from a given client address, as the node server would pass it to the app. */
const from = (f: Fixture, address: string, path: string, token?: string) =>
  Promise.resolve(f.app.request(path, { headers: token ? { authorization: `Bearer ${token}` } : {} }, { incoming: { socket: { remoteAddress: address } } }));

describe('the auth-failure limit (issue 17, finding 8)', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ customers: 30, limits: { authFailuresPerMinute: 20 } });
  });
  afterAll(() => f.close());

  it('never refuses a valid token for failures others made from its address', async () => {
    // The attack: 20 bad tokens from one address (behind a proxy, every client's), then the admin's own token.
    for (let i = 0; i < 20; i++) expect((await from(f, '10.0.0.1', '/api/me', `tl_guess-${i}`)).status).toBe(401);
    const guess = await from(f, '10.0.0.1', '/api/me', 'tl_guess-next');
    expect(guess.status).toBe(429);
    expect(Number(guess.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await safeError(guess)).error).toBe('rate_limited');
    expect((await from(f, '10.0.0.1', '/api/me', f.tokens.admin)).status).toBe(200);
    expect((await from(f, '10.0.0.1', '/api/me', f.tokens.retention)).status).toBe(200);
    // Another address is not slowed by the first one's failures.
    expect((await from(f, '10.0.0.2', '/api/me', 'tl_other')).status).toBe(401);
  });

  it('counts one presented token across addresses, separately from the address', async () => {
    for (let i = 0; i < 20; i++) expect((await from(f, `10.1.0.${i}`, '/api/me', 'tl_leaked-or-mistyped')).status).toBe(401);
    expect((await from(f, '10.1.1.1', '/api/me', 'tl_leaked-or-mistyped')).status).toBe(429);
    expect((await from(f, '10.1.1.1', '/api/me', 'tl_something-else')).status).toBe(401);
    expect((await from(f, '10.1.1.1', '/api/me', f.tokens.analyst)).status).toBe(200);
  });

  it('remembers a bounded number of addresses and tokens under a flood', () => {
    const limiter = new AuthFailureLimiter({ perMinute: 20, maxKeys: 100 });
    for (let i = 0; i < 5000; i++) limiter.fail({ address: `10.2.${i >> 8}.${i & 255}`, token: `tl_${i}` });
    expect(limiter.size).toBeLessThanOrEqual(100);
  });
});

/** A real request each route would act on: lower roles must be refused before anything happens. */
const REAL: Record<string, { path?: string; json?: unknown; body?: string }> = {
  'POST /api/datasets/:kind': { path: '/api/datasets/transactions', body: 'customer_id,order_id,timestamp,amount\nROLEWALK,RW-1,2024-01-01T00:00:00Z,99.00\n' },
  'POST /api/tokens': { json: { role: 'admin' } },
  'POST /api/models/:version/activate': { path: '/api/models/1/activate' },
  'POST /api/models/rollback': {},
  'POST /api/jobs/train': {},
  'PUT /api/notebooks/:id': { path: '/api/notebooks/rolewalk', json: { title: 'x', cells: [] } },
  'DELETE /api/notebooks/:id': { path: '/api/notebooks/rolewalk' },
  'POST /api/sql': { json: { sql: 'SELECT count(*) AS n FROM customers' } },
  'POST /api/sentiment': { json: { texts: ['fine'] } },
};

describe('role walk with real requests', () => {
  let f: Fixture;
  let before: Record<string, unknown>;
  beforeAll(async () => {
    f = await fixture({ customers: 30, limits: { authFailuresPerMinute: 10_000 } });
    before = await storeFigures(f.store);
  });
  afterAll(async () => {
    expect(await storeFigures(f.store)).toEqual(before);
    f.close();
  });

  it('refuses every role below the route, and no token, before the route does anything', async () => {
    for (const route of ROUTES.filter((r) => r.access !== 'public')) {
      const real = REAL[`${route.method} ${route.path}`] ?? {};
      const path = real.path ?? route.path.replace(':id', 'nobody').replace(':version', '1');
      const denied: (Role | undefined)[] = [undefined, ...ROLES.filter((role) => !allows(role, route.access))];
      for (const role of denied) {
        const res = await f.call(route.method, path, { role, json: real.json, body: real.body });
        expect(res.status, `${role ?? 'no token'}: ${route.method} ${path}`).toBe(role ? 403 : 401);
        await safeError(res);
      }
    }
    // A token in the query string counts only where EventSource needs it (job events).
    expect((await f.call('GET', `/api/me?token=${f.tokens.admin}`)).status).toBe(401);
    expect((await f.call('GET', '/api/notebooks/rolewalk', { role: 'analyst' })).status).toBe(404);
  });
});
