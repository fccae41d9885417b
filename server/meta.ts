import { activeEvaluation } from './analytics.ts';
import { parseRole } from './auth.ts';
import type { RouteInput } from './context.ts';
import type { Schema } from './validate.ts';

export const TOKEN_BODY: Schema = { role: { type: 'string', required: true, enum: ['admin', 'analyst', 'retention'] } };

/** GET /api/health: liveness plus what is being served. */
export async function health({ deps }: RouteInput) {
  const active = activeEvaluation(deps.home);
  // A plain count, not the customer cache: health must answer at once, even while the cache rebuilds.
  const customers = (await deps.store.one<{ n: number }>('SELECT count(*) AS n FROM customers'))?.n ?? 0;
  return { status: 'ok', model_version: active ? String(active.version) : null, customers, backend: active?.manifest.backend ?? null };
}

export async function me({ role }: RouteInput) {
  return { role };
}

/** POST /api/tokens: a new token, shown once; only its hash is kept. */
export async function createToken({ c, deps, body }: RouteInput) {
  const role = parseRole(body.role);
  return c.json({ token: deps.tokens.create(role), role }, 201);
}
