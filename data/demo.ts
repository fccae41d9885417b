import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDemoCsvSql } from './demo-sql.ts';
import { ACQUISITION, ARCHETYPES, CHANNELS, DAY_MS, DEMO_DEFAULTS, demoCatalogue, REGIONS, SEASON, SEASON_MAX, type DemoOptions } from './demo-shop.ts';
import { ingestFile } from './ingest.ts';
import type { IngestSummary } from './loads.ts';
import { Random } from './random.ts';
import type { Store } from './store.ts';

export { DEMO_DEFAULTS, type DemoOptions } from './demo-shop.ts';

const csvField = (value: string | number) => {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};
const csvLine = (values: (string | number)[]) => values.map(csvField).join(',') + '\n';
const money = (value: number) => value.toFixed(2);

export interface DemoFiles {
  customers: string;
  transactions: string;
  feedback: string;
  counts: { customers: number; transactions: number; feedback: number };
}

/**
 * Generates a realistic shop's history as three CSV texts in Tierlab's canonical columns. Same seed, same data.
 * Each customer follows an archetype (vip, loyal, occasional, bargain, declining, one-timer, prospect); orders
 * follow seasonality, churn follows a monthly hazard raised by bad experiences (which leave negative feedback)
 * and by falling activity, so recency, spend trend and sentiment all carry signal.
 *
 * @example
 * const files = generateDemo({ customers: 1000, seed: 7 });
 */
export function generateDemo(options: DemoOptions = {}): DemoFiles {
  const { customers, seed, endDate, historyDays } = { ...DEMO_DEFAULTS, ...options };
  const { products: PRODUCTS, positive: POSITIVE, neutral: NEUTRAL, negative: NEGATIVE } = demoCatalogue(options.lang);
  const rng = new Random(seed);
  const end = Date.parse(`${endDate}T00:00:00Z`);
  const start = end - historyDays * DAY_MS;
  const customerLines = ['customer_id,signup_date,region,age,acquisition_channel\n'];
  const transactionLines = ['customer_id,order_id,timestamp,amount,quantity,unit_price,product,category,channel\n'];
  const feedbackLines = ['customer_id,timestamp,text,rating,channel\n'];
  let orderNumber = 0;

  for (let c = 1; c <= customers; c++) {
    const id = `C${String(c).padStart(6, '0')}`;
    const type = rng.weighted(ARCHETYPES, ARCHETYPES.map((a) => a.weight));
    // Sign-ups lean recent: the shop grows.
    const signup = start + Math.sqrt(rng.next()) * (historyDays - 3) * DAY_MS;
    const channel = rng.pick(CHANNELS);
    customerLines.push(
      csvLine([id, new Date(signup).toISOString().slice(0, 10), rng.pick(REGIONS), rng.int(18, 79), rng.pick(ACQUISITION)]),
    );
    if (type.ordersPerYear === 0) continue;

    let t = signup + rng.exponential(3) * DAY_MS;
    let bad = 0;
    let orders = 0;
    const meanGapDays = 365 / type.ordersPerYear;
    while (t < end) {
      const age = (t - signup) / DAY_MS;
      const month = new Date(t).getUTCMonth();
      if (rng.chance(SEASON[month] / SEASON_MAX)) {
        orderNumber += 1;
        orders += 1;
        const orderId = `O${String(orderNumber).padStart(8, '0')}`;
        const stamp = new Date(t + rng.int(8 * 3600, 21 * 3600) * 1000 - (t % DAY_MS)).toISOString();
        const lines = 1 + Math.min(4, rng.poisson(0.6));
        const scale = rng.logNormal(type.basketMedian, 0.35) / 30;
        let first = '';
        for (let l = 0; l < lines; l++) {
          const item = rng.pick(PRODUCTS);
          first ||= item.product;
          const quantity = Math.max(1, Math.round(scale * (0.6 + rng.next())));
          transactionLines.push(csvLine([id, orderId, stamp, money(quantity * item.price), quantity, money(item.price), item.product, item.category, channel]));
        }
        const returnedAt = Date.parse(stamp) + rng.int(2, 20) * DAY_MS;
        if (rng.chance(0.025) && returnedAt < end) {
          // A return: a negative line on the same order, a few days later.
          const item = rng.pick(PRODUCTS);
          transactionLines.push(csvLine([id, orderId, new Date(returnedAt).toISOString(), money(-item.price), -1, money(item.price), item.product, item.category, channel]));
        }
        if (rng.chance(0.25)) {
          const badOne = rng.chance(type.badExperience);
          const pool = badOne ? NEGATIVE : rng.chance(0.25) ? NEUTRAL : POSITIVE;
          const rating = badOne ? rng.int(1, 2) : pool === NEUTRAL ? 3 : rng.int(4, 5);
          bad += badOne ? 1 : 0;
          const when = new Date(Date.parse(stamp) + rng.int(1, 10) * DAY_MS);
          if (when.getTime() < end) feedbackLines.push(csvLine([id, when.toISOString(), rng.pick(pool).replace('{p}', first.toLowerCase()), rating, channel]));
        }
      }
      const decay = Number.isFinite(type.halfLifeDays) ? Math.pow(2, age / type.halfLifeDays) : 1;
      const gapDays = Math.max(1, rng.exponential(meanGapDays * decay));
      const hazard = type.churnHazard + 0.35 * bad + (decay > 2 ? 0.03 : 0);
      // Everyone who signs up buys once; after that the hazard decides.
      if (orders > 0 && rng.chance(1 - Math.exp(-hazard * (gapDays / 30)))) break;
      t += gapDays * DAY_MS;
    }
  }
  return {
    customers: customerLines.join(''),
    transactions: transactionLines.join(''),
    feedback: feedbackLines.join(''),
    counts: { customers, transactions: transactionLines.length - 1, feedback: feedbackLines.length - 1 },
  };
}

/** Which generator writes the demo files: `js` (demo.ts, the small default demo) or `sql` (demo-sql.ts, fast at a million). */
export type DemoGenerator = 'js' | 'sql';

/**
 * Generates demo data and loads it through the same ingest path as user files.
 *
 * @example
 * await loadDemo(store, { customers: 2000, seed: 1 });
 * await loadDemo(store, { customers: 1_000_000, generator: 'sql' });
 */
export async function loadDemo(
  store: Store,
  options: DemoOptions & { generator?: DemoGenerator; onProgress?: (message: string) => void } = {},
): Promise<IngestSummary[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tierlab-demo-'));
  try {
    const files = { customers: join(dir, 'customers.csv'), transactions: join(dir, 'transactions.csv'), feedback: join(dir, 'feedback.csv') };
    if (options.generator === 'sql') {
      options.onProgress?.(`generating ${options.customers ?? DEMO_DEFAULTS.customers} demo customers in SQL`);
      await writeDemoCsvSql(files, options);
    } else {
      const texts = generateDemo(options);
      for (const kind of ['customers', 'transactions', 'feedback'] as const) writeFileSync(files[kind], texts[kind]);
    }
    const summaries: IngestSummary[] = [];
    for (const kind of ['customers', 'transactions', 'feedback'] as const) {
      // Chinese feedback is scored by the Chinese model (auto detection would find it too; the setting says so).
      const language = kind === 'feedback' && options.lang === 'zh' ? ('zh' as const) : undefined;
      summaries.push(await ingestFile(store, { kind, file: files[kind], onProgress: options.onProgress, ...(language && { language }) }));
    }
    return summaries;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
