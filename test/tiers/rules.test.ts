import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../data/store.ts';
import { buildTiers, readTierRules } from '../../models/tiers/index.ts';
import { DEFAULT_SEGMENT_RULES, segmentSql } from '../../models/tiers/rfm.ts';
import { memoryStore, rejection, tempDir } from '../data/support.ts';

const { file } = tempDir('tierlab-tiers-');
let store: Store;
beforeEach(async () => {
  store = await memoryStore();
});
afterEach(() => store.close());

interface Row {
  id: string;
  recency: number | null;
  frequency: number;
  monetary: number;
  gapDays?: number | null;
  firstOrderDaysAgo?: number;
  trend?: number;
}

/** Writes customer_features rows directly: the tiers read only these columns. */
async function features(rows: Row[]): Promise<void> {
  const values = rows
    .map(
      (r) =>
        `('${r.id}', ${r.recency ?? 'NULL'}, ${r.frequency}, ${r.monetary}, ${r.trend ?? 0}, ${r.gapDays ?? 'NULL'},
          ${r.frequency ? `TIMESTAMPTZ '2024-07-01 00:00:00+00' - INTERVAL (${r.firstOrderDaysAgo ?? 300}) DAY` : 'NULL'}, DATE '2024-07-01')`,
    )
    .join(',\n');
  await store.run(`CREATE OR REPLACE TABLE customer_features AS SELECT * FROM (VALUES ${values})
    t(customer_id, recency_days, frequency, monetary, spend_trend, mean_days_between_orders, first_order_at, as_of)`);
  await store.run(`ALTER TABLE customer_features ALTER monetary TYPE DECIMAL(18,2)`);
}

const tiers = async (): Promise<Record<string, Record<string, any>>> =>
  Object.fromEntries((await store.all<Record<string, any>>(`SELECT * FROM customer_rfm JOIN customer_features USING (customer_id)`)).map((r) => [r.customer_id, r]));

/** 40 buyers with many equal values, and two non-buyers. */
const tiedRows = (): Row[] => [
  ...Array.from({ length: 40 }, (_, i) => ({ id: `c${i}`, recency: [3, 3, 10, 40, 40, 200][i % 6], frequency: [1, 1, 2, 5, 5][i % 5], monetary: [20, 20, 20, 75.5, 300, 300, 1000][i % 7] })),
  { id: 'x1', recency: null, frequency: 0, monetary: 0 },
  { id: 'x2', recency: null, frequency: 0, monetary: -12.5 },
];

describe('RFM scores and segments', () => {
  it('never splits ties: equal values share a score, and a larger value never scores worse', async () => {
    await features(tiedRows());
    await buildTiers(store);
    const rows = Object.values(await tiers()).filter((r) => r.frequency > 0);
    for (const [value, score, better] of [
      ['recency_days', 'r_score', -1],
      ['frequency', 'f_score', 1],
      ['monetary', 'm_score', 1],
    ] as const) {
      for (const a of rows)
        for (const b of rows) {
          if (a[value] === b[value]) expect(a[score]).toBe(b[score]);
          if ((a[value] - b[value]) * better > 0) expect(a[score]).toBeGreaterThanOrEqual(b[score]);
        }
      // The ties do not leave everyone in one score.
      expect(new Set(rows.map((r) => r[score])).size).toBeGreaterThan(1);
    }
  });

  it('a rules file overriding cuts changes the scores as the cuts say; bad cuts are refused', async () => {
    await features(tiedRows());
    const rulesFile = file('rules.json', JSON.stringify({ cuts: { monetary: [20, 100, 299, 999], recency: [0, 3, 10, 100] } }));
    const applied = await buildTiers(store, readTierRules(rulesFile));
    expect(applied.cutsSource).toBe('rules file');
    expect(applied.cuts.monetary).toEqual([20, 100, 299, 999]);
    const m = { 20: 1, 75.5: 2, 300: 4, 1000: 5 } as Record<number, number>;
    const r = { 3: 4, 10: 3, 40: 2, 200: 1 } as Record<number, number>;
    for (const row of Object.values(await tiers()).filter((x) => x.frequency > 0)) {
      expect(row.m_score).toBe(m[row.monetary]);
      expect(row.r_score).toBe(r[row.recency_days]);
    }
    const bad = await rejection(async () => readTierRules(file('bad.json', JSON.stringify({ cuts: { monetary: [5, 4, 3, 2] } }))));
    expect(bad).toMatchObject({ code: 'bad_input', place: { field: 'cuts.monetary' } });
    expect((await rejection(async () => readTierRules(file('broken.json', '{ cuts: ')))).code).toBe('bad_input');
  });

  it('segments match first to last, with `Other` for no match and for non-buyers', async () => {
    await features(tiedRows());
    const segments = [
      { name: 'Fresh', r: [5, 5] as [number, number] },
      { name: 'Fresh or warm', r: [4, 5] as [number, number] },
      { name: 'Big', m: [5, 5] as [number, number] },
    ];
    await buildTiers(store, { segments });
    for (const row of Object.values(await tiers())) {
      const expected =
        row.r_score === null ? 'Other' : row.r_score === 5 ? 'Fresh' : row.r_score === 4 ? 'Fresh or warm' : row.m_score === 5 ? 'Big' : 'Other';
      expect(row.rfm_segment).toBe(expected);
    }
  });

  it('the default segments cover every one of the 125 score cells', async () => {
    const cells = await store.all<{ r: number; f: number; m: number; segment: string }>(
      `SELECT r, f, m, ${segmentSql(DEFAULT_SEGMENT_RULES, 'r', 'f', 'm')} AS segment
       FROM range(1, 6) a(r), range(1, 6) b(f), range(1, 6) c(m)`,
    );
    expect(cells).toHaveLength(125);
    expect(cells.filter((c) => c.segment === 'Other')).toEqual([]);
    expect(cells.find((c) => c.r === 5 && c.f === 5 && c.m === 5)!.segment).toBe('Champions');
    expect(cells.find((c) => c.r === 5 && c.f === 5 && c.m === 1)!.segment).toBe('Loyal'); // Champions needs M >= 4
  });
});

describe('ABC classes, value tiers and lifecycle stages', () => {
  it('ABC: A holds the top customers until their revenue reaches 80%; non-positive revenue is C', async () => {
    // Revenues 500, 200, 100, 100, 50, 50: total 1000; A = 500 + 200 + 100 (the 80% is reached at the third).
    const values = [500, 200, 100, 100, 50, 50];
    await features([...values.map((m, i) => ({ id: `k${i}`, recency: 5, frequency: 1, monetary: m })), { id: 'neg', recency: 5, frequency: 1, monetary: -30 }]);
    await buildTiers(store);
    const rows = await tiers();
    expect(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'neg'].map((id) => rows[id].abc_class)).toEqual(['A', 'A', 'A', 'B', 'B', 'C', 'C']);
    // Seven buyers: the top one is 1/7 of them, above the VIP 5% but within the Key 20%.
    expect([rows.k0.value_tier, rows.neg.value_tier]).toEqual(['Key', 'Low value']);
  });

  it('lifecycle stages on hand-made histories', async () => {
    await features([
      { id: 'prospect', recency: null, frequency: 0, monetary: 0 },
      { id: 'lost', recency: 400, frequency: 6, monetary: 900, gapDays: 30 },
      { id: 'at risk single', recency: 130, frequency: 1, monetary: 40 },
      { id: 'at risk overdue', recency: 130, frequency: 4, monetary: 300, gapDays: 30 },
      { id: 'slow but fine', recency: 150, frequency: 3, monetary: 200, gapDays: 80 }, // overdue only after 160 days
      { id: 'new', recency: 10, frequency: 1, monetary: 25, firstOrderDaysAgo: 10 },
      { id: 'new repeat', recency: 5, frequency: 2, monetary: 60, gapDays: 30, firstOrderDaysAgo: 90 },
      { id: 'loyal', recency: 20, frequency: 5, monetary: 500, gapDays: 40, firstOrderDaysAgo: 200 },
      { id: 'active', recency: 20, frequency: 2, monetary: 80, gapDays: 100, firstOrderDaysAgo: 120 },
    ]);
    await buildTiers(store);
    const rows = await tiers();
    expect(Object.fromEntries(Object.entries(rows).map(([id, r]) => [id, r.lifecycle_stage]))).toEqual({
      prospect: 'prospect',
      lost: 'lost',
      'at risk single': 'at risk',
      'at risk overdue': 'at risk',
      'slow but fine': 'active',
      new: 'new',
      'new repeat': 'new',
      loyal: 'loyal',
      active: 'active',
    });
  });
});
