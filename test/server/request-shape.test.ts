import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, type Fixture } from './helpers.ts';

/** How a request is shaped, before any handler: query repeats, number notation, bodies where none belong, methods. */
describe('request shape', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ customers: 40 });
  });
  afterAll(() => f.close());

  const error = async (res: Response) => (await res.json()) as { error: string; message: string; field?: string };

  it('refuses a query parameter given twice instead of letting one win', async () => {
    const res = await f.call('GET', '/api/customers?limit=10&limit=20', { role: 'retention' });
    expect(res.status).toBe(400);
    const body = await error(res);
    expect(body.field).toBe('limit');
    expect(body.message).toContain('2 times');
  });

  it('does not send back a huge id whole in the error message', async () => {
    const id = 'x'.repeat(10_000);
    const res = await f.call('GET', `/api/customers/${id}`, { role: 'retention' });
    expect(res.status).toBe(404);
    const { message } = await error(res);
    expect(message.length).toBeLessThan(1100);
    expect(message).toMatch(/more characters\)$/);
  });

  it('reads numbers in decimal notation only', async () => {
    for (const odd of ['0x10', '0b11', '%2010', '10abc']) {
      const res = await f.call('GET', `/api/customers?limit=${odd}`, { role: 'retention' });
      expect(res.status, odd).toBe(400);
      expect((await error(res)).field).toBe('limit');
    }
    expect((await f.call('GET', '/api/customers?limit=1e1', { role: 'retention' })).status).toBe(200);
    // ".5" reads as a number: what is refused is the filter (no churn scores yet), not the notation.
    expect((await error(await f.call('GET', '/api/customers?min_risk=.5', { role: 'retention' }))).message).toContain('not computed yet');
  });

  it('refuses fields sent to a route that takes no body, and still takes {} or nothing', async () => {
    const withField = await f.call('POST', '/api/models/rollback', { role: 'admin', json: { force: true } });
    expect(withField.status).toBe(400);
    expect(await error(withField)).toMatchObject({ error: 'bad_input', field: 'force' });
    const notJson = await f.call('POST', '/api/models/rollback', { role: 'admin', body: 'please' });
    expect(notJson.status).toBe(400);
    expect((await error(notJson)).field).toBe('body');
    // Past the body check: nothing to roll back to in a fresh home.
    expect((await f.call('POST', '/api/models/rollback', { role: 'admin', json: {} })).status).toBe(409);
    expect((await f.call('POST', '/api/models/rollback', { role: 'admin' })).status).toBe(409);
  });

  it('answers 405 with Allow for a known path and a wrong method, 404 for an unknown path', async () => {
    const res = await f.call('PATCH', '/api/notebooks/some-notebook', { role: 'analyst' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, PUT, DELETE');
    expect((await error(res)).error).toBe('method_not_allowed');
    expect((await f.call('DELETE', '/api/customers', { role: 'admin' })).headers.get('allow')).toBe('GET');
    expect((await f.call('GET', '/api/nothing-here', { role: 'admin' })).status).toBe(404);
  });

  it('answers every error, 404 and 405 included, in the one JSON shape with a capped message', async () => {
    const long = 'x'.repeat(5_000);
    const answers = [
      await f.call('GET', '/api/customers?limit=0', { role: 'retention' }),
      await f.call('GET', `/api/${long}`, { role: 'admin' }),
      await f.call('PATCH', `/api/notebooks/${long}`, { role: 'analyst' }),
      await f.call('PUT', `/${long}`),
    ];
    expect(answers.map((res) => res.status)).toEqual([400, 404, 405, 404]);
    for (const res of answers) {
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = await error(res);
      expect(Object.keys(body).filter((key) => key !== 'field')).toEqual(['error', 'message']);
      expect(body.message.length).toBeLessThan(1100);
    }
  });

  it('names the Bearer scheme on a 401', async () => {
    const res = await f.call('GET', '/api/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('refuses an empty list of texts to score', async () => {
    const res = await f.call('POST', '/api/sentiment', { role: 'retention', json: { texts: [] } });
    expect(res.status).toBe(400);
    expect(await error(res)).toMatchObject({ field: 'texts', message: 'texts must have at least 1 item' });
  });

  it('reads a model version from digits only', async () => {
    for (const odd of ['1.0', '0x1', '1e0', '%201', '01', '99999999999999999999']) {
      const res = await f.call('GET', `/api/models/${odd}`, { role: 'analyst' });
      expect(res.status, odd).toBe(400);
      expect((await error(res)).field).toBe('version');
    }
    expect((await f.call('GET', '/api/models/1', { role: 'analyst' })).status).toBe(404);
  });
});
