import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenStore } from './auth.ts';

/** The demo's admin token is named so in `tierlab token list`, and can be revoked like any other. */
export const DEMO_TOKEN_NAME = 'local-admin';

/**
 * The one admin token of `npm start`: kept (owner-only) in <home>/local-admin-token and re-used across restarts,
 * so each start does not leave another never-expiring admin token behind. Made anew when it was revoked or expired.
 *
 * @example
 * const token = demoAdminToken(new TokenStore(home), home); // the same on every start
 */
export function demoAdminToken(tokens: TokenStore, home: string): string {
  const file = join(home, 'local-admin-token');
  const kept = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (kept && tokens.authenticate(kept)?.role === 'admin') return kept;
  if (tokens.list().some((t) => t.name === DEMO_TOKEN_NAME)) tokens.revoke(DEMO_TOKEN_NAME);
  const token = tokens.create('admin', { name: DEMO_TOKEN_NAME });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}
