/**
 * Counts failed authentications per client address over a sliding minute; past the limit the address gets
 * 429s until its oldest failure is a minute old. Guessing tokens stays slow without slowing honest clients.
 *
 * @example
 * const limiter = new AuthFailureLimiter({ perMinute: 20 });
 * if (limiter.blocked(ip)) return tooMany(); else if (!ok) limiter.fail(ip);
 */
export class AuthFailureLimiter {
  private readonly perMinute: number;
  private readonly failures = new Map<string, number[]>();

  constructor(options: { perMinute: number }) {
    this.perMinute = options.perMinute;
  }

  private recent(ip: string, now: number): number[] {
    const times = (this.failures.get(ip) ?? []).filter((t) => now - t < 60_000);
    if (times.length) this.failures.set(ip, times);
    else this.failures.delete(ip);
    return times;
  }

  blocked(ip: string, now = Date.now()): boolean {
    return this.recent(ip, now).length >= this.perMinute;
  }

  fail(ip: string, now = Date.now()): void {
    this.failures.set(ip, [...this.recent(ip, now), now]);
  }
}
