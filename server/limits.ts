import { badInput } from '../data/errors.ts';

/**
 * Every resource limit of the service, in one place. Each is set three ways: these defaults, the
 * `TIERLAB_<NAME>` environment variable of `tierlab serve` (e.g. `TIERLAB_SQL_TIMEOUT_MS=10000`), or
 * `createApp({ limits })` in code. The README's "Security model" lists them with the reasons for each value.
 */
export interface Limits {
  /** Largest upload body; larger is a 413 (the body is counted as it arrives: content-length can lie). */
  uploadBytes: number;
  /** Most columns an uploaded file may have; more is a 400 before anything is read into the store. */
  uploadColumns: number;
  /** Receiving plus loading one upload; past it the load is interrupted, nothing lands, and the answer is 408. */
  uploadMs: number;
  /** Largest JSON request body. */
  jsonBytes: number;
  /** A SQL cell's deadline, counted from the moment it starts executing (not from when it was queued). */
  sqlTimeoutMs: number;
  /** Largest SQL result, as JSON bytes; rows past it are not read (the answer says `truncated`). */
  sqlResultBytes: number;
  /** All kept SQL results together, as JSON bytes; the least recently used go first. */
  sqlCacheBytes: number;
  /** Customer pages kept in memory (JSON bytes; the rest are read from the page files); least recently used go first. */
  pageCacheBytes: number;
  /** SQL cells that may execute at once for the analyst role. */
  sqlSlotsAnalyst: number;
  /** SQL cells that may execute at once for the admin role. */
  sqlSlotsAdmin: number;
  /** SQL cells that may wait for a slot, per role; one more is a 429. */
  sqlQueueDepth: number;
  /** How long a SQL cell may wait for a slot; longer is a 503. */
  sqlQueueWaitMs: number;
  /** Failed authentications a minute from one address, or with one presented token, before 429s. */
  authFailuresPerMinute: number;
}

/**
 * The defaults. SQL slots: every running query holds one of libuv's four worker threads while DuckDB works,
 * and so does every other store call (health included); 2 + 1 slots leave a thread free for everything else.
 */
export const DEFAULT_LIMITS: Limits = {
  uploadBytes: 512 * 1024 * 1024,
  uploadColumns: 1000,
  uploadMs: 5 * 60_000,
  jsonBytes: 1024 * 1024,
  sqlTimeoutMs: 5000,
  sqlResultBytes: 16 * 1024 * 1024,
  sqlCacheBytes: 64 * 1024 * 1024,
  pageCacheBytes: 64 * 1024 * 1024,
  sqlSlotsAnalyst: 2,
  sqlSlotsAdmin: 1,
  sqlQueueDepth: 8,
  sqlQueueWaitMs: 10_000,
  authFailuresPerMinute: 20,
};

/** `sqlTimeoutMs` -> `TIERLAB_SQL_TIMEOUT_MS`. */
export const limitEnvName = (name: keyof Limits): string => `TIERLAB_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

/**
 * The limits set in the environment (`TIERLAB_SQL_TIMEOUT_MS=10000`, ...); a value that is not a positive
 * whole number stops the start with the variable named.
 *
 * @example
 * createApp({ store, home, limits: limitsFromEnv(process.env) });
 */
export function limitsFromEnv(env: Record<string, string | undefined>): Partial<Limits> {
  const limits: Partial<Limits> = {};
  for (const name of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
    const variable = limitEnvName(name);
    const text = env[variable];
    if (text === undefined || text === '') continue;
    if (!/^[1-9]\d{0,14}$/.test(text.trim())) throw badInput(`${variable} must be a positive whole number, got "${text.slice(0, 40)}"`, { field: variable });
    limits[name] = Number(text.trim());
  }
  return limits;
}
