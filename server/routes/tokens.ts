import { parseRole } from '../auth.ts';
import type { TokenRequest } from '../contracts.ts';
import type { RouteInput } from '../context.ts';
import type { Values } from '../validate.ts';

/** POST /api/tokens: a new token, shown once; only its hash is kept. */
export async function createToken({ c, deps, body }: RouteInput<Values, TokenRequest>) {
  const role = parseRole(body.role);
  const { token, info } = deps.tokens.issue(role, { name: body.name as string | undefined, expires: body.expires as string | undefined });
  return c.json({ token, ...info }, 201);
}

/** GET /api/tokens: every token without its secret. */
export async function listTokens({ deps }: RouteInput) {
  return { tokens: deps.tokens.list() };
}

/** DELETE /api/tokens/:name: 401 for it from the next request on. */
export async function revokeToken({ deps, params }: RouteInput) {
  return deps.tokens.revoke(params.name);
}
