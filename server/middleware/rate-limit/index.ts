import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { RetryLater } from '../../../data/errors.ts';
import type { AppEnv } from '../../context.ts';
import { errorResponse } from '../errors/index.ts';

export interface AuthFailureLimiterOptions {
  /** Failures a minute, per address and per presented token, before that address or token is refused. */
  perMinute: number;
  /** Addresses and tokens remembered at most (the oldest are forgotten first): memory stays bounded under a flood. Default 10,000. */
  maxKeys?: number;
}

/** What an attempt presented: where it came from, and the token it sent (if any). */
export interface Attempt {
  address: string;
  token?: string;
}

const WINDOW_MS = 60_000;

/**
 * Counts failed authentications over a sliding minute, per client address and per presented token,
 * separately. It is asked only about attempts that failed: a valid token is never refused, whatever others did
 * from its address (behind a proxy every client shares one). Past the limit a failing attempt gets a 429 until
 * its oldest failure is a minute old, so guessing tokens stays slow from one address, and one leaked or
 * mistyped token sent from many addresses is slowed too. Independent of how tokens are stored: it sees a hash
 * of what was presented, never whether or what it matched.
 *
 * @example
 * const limiter = new AuthFailureLimiter({ perMinute: 20 });
 * if (!role) { const wait = limiter.blockedFor(attempt); if (wait) tooMany(wait); limiter.fail(attempt); unauthorized(); }
 */
export class AuthFailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly options: AuthFailureLimiterOptions) {}

  private keys(attempt: Attempt): string[] {
    const keys = [`address:${attempt.address}`];
    if (attempt.token) keys.push(`token:${createHash('sha256').update(attempt.token).digest('hex')}`);
    return keys;
  }

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
    if (!times.length) this.failures.delete(key);
    return times;
  }

  /** Seconds until this failing attempt may try again; 0 when it may now. */
  blockedFor(attempt: Attempt, now = Date.now()): number {
    let waitMs = 0;
    for (const key of this.keys(attempt)) {
      const times = this.recent(key, now);
      if (times.length >= this.options.perMinute) waitMs = Math.max(waitMs, times[times.length - this.options.perMinute] + WINDOW_MS - now);
    }
    return Math.ceil(waitMs / 1000);
  }

  fail(attempt: Attempt, now = Date.now()): void {
    for (const key of this.keys(attempt)) {
      const times = [...this.recent(key, now), now].slice(-this.options.perMinute);
      // Re-inserted last: the map's first keys are the least recently failing, forgotten first.
      this.failures.delete(key);
      this.failures.set(key, times);
    }
    while (this.failures.size > (this.options.maxKeys ?? 10_000)) this.failures.delete(this.failures.keys().next().value!);
  }

  /** Addresses and tokens remembered now. */
  get size(): number {
    return this.failures.size;
  }
}

/** The client's address as the node server passes it; `in-process` for `app.request` in tests and benches. */
function clientAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'in-process';
}

/**
 * Slows token guessing: counts the authentications the auth middleware refused (`c.get('authFailure')`) with an
 * AuthFailureLimiter, and answers a refused attempt past the limit with 429 and `Retry-After` instead of 401.
 * It looks only after the request ran, so a valid token is never held back.
 *
 * @example
 * app.use('/api/*', authFailureLimit({ perMinute: 20 }));
 */
export function authFailureLimit(options: AuthFailureLimiterOptions): MiddlewareHandler<AppEnv> {
  const limiter = new AuthFailureLimiter(options);
  return async (c, next) => {
    await next();
    const failure = c.get('authFailure');
    if (!failure) return;
    const attempt = { address: clientAddress(c), token: failure.token };
    const wait = limiter.blockedFor(attempt);
    if (!wait) return limiter.fail(attempt);
    // A fresh answer, not a copy of the 401's headers: WWW-Authenticate does not belong on a 429.
    c.res = undefined;
    c.res = errorResponse(new RetryLater('rate_limited', `too many failed authentications from this address or with this token; try again in ${wait} s`, wait));
  };
}
