import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudit } from '../../server/audit.ts';
import { parseExpiry, TokenStore } from '../../server/auth.ts';
import { DEMO_TOKEN_NAME, demoAdminToken } from '../../server/demo-token.ts';
import { fixture, type Fixture } from './helpers.ts';

describe('token lifecycle', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture();
  });
  afterAll(() => f.close());

  it('creates a named token with an expiry over the API, lists it without secrets, and revokes it at once', async () => {
    const created = await f.call('POST', '/api/tokens', { role: 'admin', json: { role: 'analyst', name: 'bi-tool', expires: '30d' } });
    expect(created.status).toBe(201);
    const { token, name, expires_at } = (await created.json()) as { token: string; name: string; expires_at: string };
    expect(name).toBe('bi-tool');
    expect(Date.parse(expires_at) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect((await f.call('GET', '/api/me', { token })).status).toBe(200);

    const listed = (await (await f.call('GET', '/api/tokens', { role: 'admin' })).json()) as { tokens: Record<string, unknown>[] };
    const row = listed.tokens.find((t) => t.name === 'bi-tool')!;
    expect(row).toMatchObject({ role: 'analyst', expires_at });
    expect(row.last_used_at).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(token);
    expect((await f.call('GET', '/api/tokens', { role: 'analyst' })).status).toBe(403);

    expect((await f.call('POST', '/api/tokens', { role: 'admin', json: { role: 'analyst', name: 'bi-tool' } })).status).toBe(409);
    expect((await f.call('DELETE', '/api/tokens/bi-tool', { role: 'admin' })).status).toBe(200);
    expect((await f.call('GET', '/api/me', { token })).status).toBe(401);
    expect((await f.call('DELETE', '/api/tokens/bi-tool', { role: 'admin' })).status).toBe(404);
  });

  it('sees a token revoked by another process (the CLI) at the very next request', async () => {
    const other = new TokenStore(f.home);
    const token = other.create('retention', { name: 'kiosk' });
    expect((await f.call('GET', '/api/me', { token })).status).toBe(200);
    other.revoke('kiosk');
    expect((await f.call('GET', '/api/me', { token })).status).toBe(401);
  });

  it('answers 401 for an expired token', async () => {
    const tokens = new TokenStore(f.home);
    const token = tokens.create('analyst', { name: 'short', expires: '1m' });
    expect(tokens.authenticate(token)).toEqual({ name: 'short', role: 'analyst' });
    expect(tokens.authenticate(token, new Date(Date.now() + 61_000))).toBeUndefined();
    const entries = JSON.parse(readFileSync(tokens.file, 'utf8')) as { name: string; expires_at?: string }[];
    entries.find((e) => e.name === 'short')!.expires_at = new Date(Date.now() - 1000).toISOString();
    writeFileSync(tokens.file, JSON.stringify(entries));
    expect((await f.call('GET', '/api/me', { token })).status).toBe(401);
  });

  it('keeps tokens.json readable by its owner only', () => {
    expect(statSync(join(f.home, 'tokens.json')).mode & 0o077).toBe(0);
  });

  it('audits token changes with the acting token and the outcome', async () => {
    await f.call('POST', '/api/tokens', { role: 'admin', json: { role: 'analyst', name: 'audited' } });
    await f.call('DELETE', '/api/tokens/audited', { role: 'admin' });
    await f.call('DELETE', '/api/tokens/nobody', { role: 'admin' });
    const admin = new TokenStore(f.home).list().find((t) => t.role === 'admin')!.name;
    const entries = readAudit(f.home).filter((e) => e.action.startsWith('token.'));
    expect(entries.slice(-3).map((e) => [e.token, e.role, e.action, e.target, e.outcome.split(':')[0]])).toEqual([
      [admin, 'admin', 'token.create', undefined, 'ok'],
      [admin, 'admin', 'token.revoke', 'audited', 'ok'],
      [admin, 'admin', 'token.revoke', 'nobody', 'failed'],
    ]);
    expect(readAudit(f.home, new Date(Date.now() + 60_000).toISOString())).toEqual([]);
    expect(() => readAudit(f.home, 'yesterday-ish')).toThrow(/--since must be a date/);
  });
});

describe('parseExpiry', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it('reads durations and dates, and refuses the past and nonsense', () => {
    expect(parseExpiry('30d', now)).toBe('2026-01-31T00:00:00.000Z');
    expect(parseExpiry('12h', now)).toBe('2026-01-01T12:00:00.000Z');
    expect(parseExpiry('2026-06-30', now)).toBe('2026-06-30T00:00:00.000Z');
    expect(() => parseExpiry('2025-06-30', now)).toThrow(/in the future/);
    expect(() => parseExpiry('soon', now)).toThrow(/duration .* or a date/);
    expect(() => parseExpiry('0d', now)).toThrow(/positive/);
  });
});

describe('the demo admin token', () => {
  it('is one token re-used across starts, made anew only when revoked', async () => {
    const home = mkdtempSync(join(tmpdir(), 'demo-token-'));
    const first = demoAdminToken(new TokenStore(home), home);
    expect(demoAdminToken(new TokenStore(home), home)).toBe(first);
    expect(new TokenStore(home).list().map((t) => [t.name, t.role])).toEqual([[DEMO_TOKEN_NAME, 'admin']]);
    expect(statSync(join(home, 'local-admin-token')).mode & 0o077).toBe(0);
    new TokenStore(home).revoke(DEMO_TOKEN_NAME);
    const second = demoAdminToken(new TokenStore(home), home);
    expect(second).not.toBe(first);
    expect(new TokenStore(home).authenticate(second)?.role).toBe('admin');
  });
});
