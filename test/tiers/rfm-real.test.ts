import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFeatures } from '../../data/features.ts';
import { ingestFile } from '../../data/ingest.ts';
import { sharedDataDir } from '../../data/paths.ts';
import type { Store } from '../../data/store.ts';
import { buildTiers, type AppliedTierRules } from '../../models/tiers/index.ts';
import { DEFAULT_SEGMENT_RULES, type SegmentRule } from '../../models/tiers/rfm.ts';
import { memoryStore, parseCsv, RETAIL_MAPPING, thousandths } from '../data/support.ts';

const AS_OF = '2011-12-10';
const DAY_MS = 86_400_000;

interface Plain {
  recency: number | null;
  frequency: number;
  /** Net revenue in thousandths. */
  net: number;
}

/** RFM inputs per customer by plain loops over the file: invoices with a positive net are the orders. */
function plainRfm(rows: string[][], header: string[]): Map<string, Plain> {
  const [inv, q, p, d, c] = ['InvoiceNo', 'Quantity', 'UnitPrice', 'InvoiceDate', 'CustomerID'].map((n) => header.indexOf(n));
  const invoices = new Map<string, { customer: string; net: number; first: string }>();
  const net = new Map<string, number>();
  for (const r of rows) {
    if (r[c].trim() === '' || r[d] >= AS_OF) continue;
    const amount = Number(r[q]) * thousandths(r[p]);
    net.set(r[c], (net.get(r[c]) ?? 0) + amount);
    const key = `${r[c]}|${r[inv]}`;
    const invoice = invoices.get(key) ?? { customer: r[c], net: 0, first: r[d] };
    invoice.net += amount;
    if (r[d] < invoice.first) invoice.first = r[d];
    invoices.set(key, invoice);
  }
  const out = new Map<string, Plain>([...net].map(([id, n]) => [id, { recency: null, frequency: 0, net: n }]));
  const cutoff = Date.parse(`${AS_OF}T00:00:00Z`);
  for (const invoice of invoices.values()) {
    if (invoice.net <= 0) continue;
    const plain = out.get(invoice.customer)!;
    plain.frequency += 1;
    const days = (cutoff - Date.parse(`${invoice.first.slice(0, 10)}T00:00:00Z`)) / DAY_MS;
    plain.recency = plain.recency === null ? days : Math.min(plain.recency, days);
  }
  return out;
}

/** Nearest rank: the value at rank ceil(q * n) of the sorted values. */
const nearestRank = (values: number[], qs: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return qs.map((q) => sorted[Math.ceil(q * sorted.length) - 1]);
};
const exceeded = (value: number, cuts: number[]) => cuts.filter((c) => value > c).length;
/** Cents as the features table stores them (DECIMAL(18,2): half away from zero). */
const cents = (thousandthsValue: number) => Math.sign(thousandthsValue) * Math.round(Math.abs(thousandthsValue) / 10);
const firstMatch = (rules: SegmentRule[], r: number, f: number, m: number) =>
  rules.find((rule) => [[rule.r, r], [rule.f, f], [rule.m, m]].every(([b, s]) => !b || ((s as number) >= (b as number[])[0] && (s as number) <= (b as number[])[1])))?.name ?? 'Other';

describe.skipIf(!existsSync(sharedDataDir))('RFM on the online retail log matches a plain computation (needs ../shared/data)', () => {
  let store: Store;
  let plain: Map<string, Plain>;
  let applied: AppliedTierRules;
  let scored: Map<string, Record<string, any>>;

  beforeAll(async () => {
    store = await memoryStore();
    const file = join(sharedDataDir, 'online_retail.csv');
    const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
    plain = plainRfm(rows, header);
    await ingestFile(store, { kind: 'transactions', file, mapping: RETAIL_MAPPING, skipBadRows: true });
    await buildFeatures(store, { asOf: AS_OF });
    applied = await buildTiers(store);
    const rowsOut = await store.all<Record<string, any>>(`SELECT * FROM customer_features JOIN customer_rfm USING (customer_id)`);
    scored = new Map(rowsOut.map((r) => [r.customer_id, r]));
  });
  afterAll(() => store?.close());

  it('recency, frequency and monetary of every customer', () => {
    expect(scored.size).toBe(plain.size);
    const mismatches: string[] = [];
    for (const [id, p] of plain) {
      const s = scored.get(id);
      if (!s || s.recency_days !== p.recency || s.frequency !== p.frequency || Math.round(s.monetary * 100) !== cents(p.net)) {
        mismatches.push(`${id}: ${JSON.stringify(p)} vs ${JSON.stringify(s && [s.recency_days, s.frequency, s.monetary])}`);
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('cut points by nearest rank and the 1-5 scores of every customer', () => {
    const buyers = [...plain.values()].filter((p) => p.frequency >= 1);
    const cuts = {
      recency: nearestRank(buyers.map((p) => p.recency!), [0.2, 0.4, 0.6, 0.8]),
      frequency: [1, ...nearestRank(buyers.filter((p) => p.frequency >= 2).map((p) => p.frequency), [0.25, 0.5, 0.75])],
      monetary: nearestRank(buyers.map((p) => cents(p.net) / 100), [0.2, 0.4, 0.6, 0.8]),
    };
    expect(applied.cuts).toEqual(cuts);
    expect(applied.cutsSource).toBe('quantiles');
    const mismatches: string[] = [];
    for (const [id, p] of plain) {
      const s = scored.get(id)!;
      const expected: (number | string | null)[] =
        p.frequency === 0
          ? [null, null, null, 'Other']
          : [5 - exceeded(p.recency!, cuts.recency), 1 + exceeded(p.frequency, cuts.frequency), 1 + exceeded(cents(p.net) / 100, cuts.monetary)];
      if (p.frequency > 0) expected.push(firstMatch(DEFAULT_SEGMENT_RULES, ...(expected as [number, number, number])));
      const got = [s.r_score, s.f_score, s.m_score, s.rfm_segment];
      if (JSON.stringify(got) !== JSON.stringify(expected)) mismatches.push(`${id}: ${JSON.stringify(got)} vs ${JSON.stringify(expected)}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('ABC: class A just reaches 80% of positive revenue, ranked by monetary value', () => {
    const ranked = [...scored.values()].sort((a, b) => b.monetary - a.monetary || (a.customer_id < b.customer_id ? -1 : 1));
    const positive = ranked.filter((r) => r.monetary > 0);
    const total = positive.reduce((s, r) => s + r.monetary, 0);
    const a = ranked.filter((r) => r.abc_class === 'A');
    // A is a prefix of the ranking, its share reaches 80%, and without its last member it would not.
    expect(ranked.slice(0, a.length).every((r) => r.abc_class === 'A')).toBe(true);
    const shareA = a.reduce((s, r) => s + r.monetary, 0) / total;
    expect(shareA).toBeGreaterThanOrEqual(0.8);
    expect(shareA - a.at(-1)!.monetary / total).toBeLessThan(0.8);
    expect(ranked.filter((r) => r.monetary <= 0).every((r) => r.abc_class === 'C')).toBe(true);
  });
});
