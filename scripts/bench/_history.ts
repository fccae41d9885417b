import type { Store } from '../../data/store.ts';

/**
 * Deterministic synthetic history written by SQL (range() and hash(), no generator loop): customers with sign-up
 * dates, two lines per order, orders spread over two years before 2026-01-01, about 3% negative lines (returns).
 * The rfm and engines benchmarks use it.
 *
 * @example
 * await generateHistory(store, { lines: 1_000_000, customers: 100_000 });
 */
export async function generateHistory(store: Store, options: { lines: number; customers: number }): Promise<void> {
  const { lines, customers } = options;
  await store.run(`
    INSERT INTO customers SELECT 'C' || i, DATE '2023-06-01' + CAST(hash(i, 'signup') % 500 AS INTEGER), NULL FROM range(${customers}) t(i);
    INSERT INTO transactions (customer_id, order_id, timestamp, amount, quantity, unit_price, product, category, channel)
    SELECT 'C' || (hash(i // 2, 'customer') % ${customers}), 'O' || (i // 2),
      TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(CAST(hash(i // 2, 'time') % (730 * 86400) AS BIGINT)),
      CAST((CAST(hash(i, 'amount') % 20000 AS DECIMAL(18,4)) / 100) * (CASE WHEN hash(i, 'return') % 100 < 3 THEN -1 ELSE 1 END) AS DECIMAL(18,4)),
      1, NULL, 'p' || (hash(i, 'product') % 200), 'c' || (hash(i, 'product') % 12), 'web'
    FROM range(${lines}) t(i);`);
}
