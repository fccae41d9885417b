import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultAsOf } from '../../data/dates.ts';
import { buildFeatures } from '../../data/features.ts';
import { ingestFile } from '../../data/ingest.ts';
import type { Store } from '../../data/store.ts';
import { csv, memoryStore, tempDir } from './support.ts';

const { file } = tempDir('tierlab-features-');
const AS_OF = '2024-07-01';
let store: Store;

/** Hand-made histories; the expected features below are worked out by hand from these lines. */
async function history(): Promise<void> {
  await store.run(`
    INSERT INTO customers VALUES ('a', DATE '2024-01-01', NULL), ('b', NULL, NULL), ('p', DATE '2024-05-01', NULL), ('z', DATE '2024-08-01', NULL);
    INSERT INTO transactions (customer_id, order_id, timestamp, amount, product, category) VALUES
      ('a', 'A1', '2024-01-10 10:00:00+00', 50.00, 'mug', 'cups'),
      ('a', 'A1', '2024-01-10 10:00:00+00', 20.00, 'tea', 'tea'),
      ('a', 'A2', '2024-04-01 12:00:00+00', 30.00, 'beans', 'coffee'),
      ('a', 'A2', '2024-04-05 09:00:00+00', -10.00, 'beans', 'coffee'),  -- a return netted into its order
      ('a', 'A3', '2024-06-20 23:30:00+00', 15.00, 'mug', 'cups'),
      ('a', 'C4', '2024-06-25 08:00:00+00', -15.00, 'mug', 'cups'),      -- a cancellation order: not a purchase
      ('a', 'A5', '2024-07-01 00:00:00+00', 99.00, 'kettle', 'equipment'), -- at the cutoff: not before it
      ('b', 'B1', '2024-06-30 23:59:59+00', 5.00, 'tea', 'tea');`);
}

beforeEach(async () => {
  store = await memoryStore();
  await history();
});
afterEach(() => store.close());

const features = () => store.all<Record<string, unknown>>(`SELECT * FROM customer_features ORDER BY customer_id`);

describe('customer features as of a cutoff', () => {
  it('computes recency, frequency, monetary, windows, trend and gaps on hand-made histories', async () => {
    expect(await buildFeatures(store, { asOf: AS_OF })).toBe(AS_OF);
    const rows = Object.fromEntries((await features()).map((r) => [r.customer_id, r]));
    expect(Object.keys(rows).sort()).toEqual(['a', 'b', 'p']); // z signs up after the cutoff
    expect(rows.a).toMatchObject({
      recency_days: 11, // last purchase 2024-06-20 (C4 is a cancellation, A5 is at the cutoff)
      frequency: 3,
      monetary: 90, // 70 + (30 - 10) + 15 - 15
      avg_order_value: 30,
      tenure_days: 182, // from the sign-up, 2024-01-01
      orders_30d: 1, // A3
      orders_90d: 1, // A2 is 91 days back
      orders_180d: 3,
      spend_30d: 0, // 15 - 15
      spend_90d: -10, // + the return on 2024-04-05 (87 days back)
      spend_180d: 90,
      spend_prior_90d: 100, // A1 (70) and the first A2 line (30)
      spend_trend: -1, // (-10 - 100) / (10 + 100)
      return_rate: 2 / 6,
      distinct_products: 3,
      distinct_categories: 3,
    });
    const gapMs = Date.parse('2024-06-20T23:30:00Z') - Date.parse('2024-01-10T10:00:00Z');
    expect(rows.a.mean_days_between_orders).toBeCloseTo(gapMs / 86_400_000 / 2, 9);
    expect(rows.b).toMatchObject({
      recency_days: 1,
      frequency: 1,
      monetary: 5,
      tenure_days: 1,
      mean_days_between_orders: null,
      spend_trend: 1,
      orders_30d: 1,
      return_rate: 0,
    });
    expect(rows.p).toMatchObject({ recency_days: null, frequency: 0, monetary: 0, avg_order_value: null, tenure_days: 61, spend_trend: 0 });
  });

  it('uses nothing after the cutoff: later transactions, customers and feedback leave the rows identical', async () => {
    await buildFeatures(store, { asOf: AS_OF });
    const before = await features();
    await ingestFile(store, {
      kind: 'transactions',
      file: file('later.csv', csv('customer_id,order_id,timestamp,amount,product', ['a,L1,2024-07-01T00:00:00Z,40,new', 'b,L2,2024-07-15,-5,tea', 'n,L3,2024-07-02,12,mug'])),
    });
    await ingestFile(store, {
      kind: 'feedback',
      file: file('later-fb.csv', csv('customer_id,timestamp,text,rating', ['a,2024-07-03,Late again,1', 'm,2024-07-04,Lovely,5'])),
    });
    await buildFeatures(store, { asOf: AS_OF });
    expect(await features()).toEqual(before);
    // ...while a later cutoff does see them, so the comparison above could have failed.
    await buildFeatures(store, { asOf: '2024-08-01' });
    const later = Object.fromEntries((await features()).map((r) => [r.customer_id, r]));
    expect(later.a.frequency).toBe(5);
    expect(later.n).toBeDefined();
  });

  it('defaults the cutoff to the UTC day after the last transaction', async () => {
    expect(await defaultAsOf(store)).toBe('2024-07-02');
  });

  it('refuses a cutoff on a day the month does not have (2024-02-30 was read as 2024-03-01)', async () => {
    await expect(buildFeatures(store, { asOf: '2024-02-30' })).rejects.toMatchObject({ code: 'bad_input', place: { field: 'asOf' } });
  });
});
