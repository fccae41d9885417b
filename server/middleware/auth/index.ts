import type { Context, MiddlewareHandler } from 'hono';
import { TierlabError } from '../../../data/errors.ts';
import { allows, type Access, type TokenStore } from '../../auth.ts';
import type { AppEnv } from '../../context.ts';

export interface AuthOptions {
  /** Where tokens are looked up (server/auth.ts). */
  tokens: TokenStore;
  /** The least role the route needs; `public` lets every request through without a token. */
  access: Access;
  /** Also take the token from `?token=`: an EventSource cannot send headers. */
  tokenInQuery?: boolean;
}

function presentedToken(c: Context, tokenInQuery: boolean): string | undefined {
  const match = c.req.header('authorization')?.match(/^Bearer\s+(\S+)\s*$/i);
  if (match) return match[1];
  return tokenInQuery ? c.req.query('token') : undefined;
}

/**
 * Bearer token -> caller and role (`c.get('caller')`, `c.get('role')`): 401 without a known token, 403 when its
 * role is below the route's. A failed attempt is left in `c.get('authFailure')` for the rate limit to count.
 *
 * @example
 * app.get('/api/me', auth({ tokens, access: 'retention' }), (c) => c.json({ role: c.get('role') }));
 */
export function auth(options: AuthOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (options.access === 'public') return next();
    const token = presentedToken(c, options.tokenInQuery ?? false);
    const caller = token ? options.tokens.authenticate(token) : undefined;
    if (!caller) {
      c.set('authFailure', { token });
      throw new TierlabError('unauthorized', token ? 'unknown, expired or revoked token' : 'send Authorization: Bearer <token>');
    }
    c.set('role', caller.role);
    c.set('caller', caller);
    if (!allows(caller.role, options.access)) throw new TierlabError('forbidden', `this needs the ${options.access} role; the token has ${caller.role}`);
    return next();
  };
}
