import { expect } from 'vitest';
import type { Store } from '../../data/store.ts';

/**
 * The store's row counts and sums: compared before and after an attack, "nothing was written, nothing lost".
 * Money is summed exactly (DECIMAL as text).
 */
export async function storeFigures(store: Store): Promise<Record<string, unknown>> {
  const row = await store.one(`SELECT
    (SELECT count(*) FROM customers) AS customers,
    (SELECT count(*) FROM customers WHERE churned IS NOT NULL) AS labelled,
    (SELECT count(*) FROM customer_attributes) AS attributes,
    (SELECT count(*) FROM transactions) AS transactions,
    (SELECT CAST(coalesce(sum(amount), 0) AS VARCHAR) FROM transactions) AS revenue,
    (SELECT count(*) FROM feedback) AS feedback,
    (SELECT count(*) FROM loads) AS loads`);
  return { ...row };
}

/** The promise's value, or a failed test once `ms` have passed: an attack that hangs the server must not hang the suite. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The body of an error answer, checked for what must never leave the server: paths, stack frames, DuckDB's own words. */
export async function safeError(res: Response): Promise<{ error: string; message: string; field?: string; details?: any }> {
  const text = await res.text();
  expect(text).not.toMatch(/\/tmp\/|tierlab-server-test|node_modules|at \S+ \([^)]*:\d+:\d+\)|(Binder|Catalog|TransactionContext|INTERRUPT|Constraint|IO) Error:|write-write conflict/);
  return JSON.parse(text);
}
