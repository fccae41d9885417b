import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestFile } from './ingest.ts';
import type { IngestSummary } from './loads.ts';
import { Random } from './random.ts';
import type { Store } from './store.ts';

export interface DemoOptions {
  customers?: number;
  seed?: number;
  /** Last day of the simulated history (exclusive), UTC. */
  endDate?: string;
  /** Length of the history in days. */
  historyDays?: number;
}

export const DEMO_DEFAULTS = { customers: 5000, seed: 42, endDate: '2026-07-01', historyDays: 730 } as const;

interface Archetype {
  name: string;
  weight: number;
  ordersPerYear: number;
  basketMedian: number;
  /** Monthly churn hazard before any bad experience. */
  churnHazard: number;
  /** Days over which the purchase rate halves (Infinity: steady). */
  halfLifeDays: number;
  badExperience: number;
}

// Archetypes give the product something real to find: tiers, clusters and churn all have signal.
const ARCHETYPES: Archetype[] = [
  { name: 'vip', weight: 0.05, ordersPerYear: 24, basketMedian: 140, churnHazard: 0.01, halfLifeDays: Infinity, badExperience: 0.05 },
  { name: 'loyal', weight: 0.17, ordersPerYear: 10, basketMedian: 60, churnHazard: 0.02, halfLifeDays: Infinity, badExperience: 0.08 },
  { name: 'occasional', weight: 0.33, ordersPerYear: 3, basketMedian: 45, churnHazard: 0.04, halfLifeDays: Infinity, badExperience: 0.1 },
  { name: 'bargain', weight: 0.15, ordersPerYear: 5, basketMedian: 18, churnHazard: 0.05, halfLifeDays: Infinity, badExperience: 0.12 },
  { name: 'declining', weight: 0.12, ordersPerYear: 9, basketMedian: 55, churnHazard: 0.06, halfLifeDays: 120, badExperience: 0.35 },
  { name: 'one_timer', weight: 0.14, ordersPerYear: 0.6, basketMedian: 35, churnHazard: 0.25, halfLifeDays: Infinity, badExperience: 0.15 },
  { name: 'prospect', weight: 0.04, ordersPerYear: 0, basketMedian: 0, churnHazard: 0, halfLifeDays: Infinity, badExperience: 0 },
];

const CATEGORIES: Record<string, [string, number][]> = {
  coffee: [['Espresso beans 1kg', 24.5], ['Filter blend 500g', 11.9], ['Decaf 250g', 7.45], ['Single origin 250g', 12.75]],
  tea: [['Green tea tin', 8.2], ['Earl grey 100 bags', 6.95], ['Chai mix', 9.6]],
  equipment: [['Pour-over kettle', 49.0], ['Burr grinder', 129.0], ['Milk frother', 34.99], ['French press', 29.5]],
  snacks: [['Almond biscotti', 5.49], ['Dark chocolate bar', 3.2], ['Granola jar', 7.8]],
  cups: [['Ceramic mug', 12.0], ['Travel cup', 18.5], ['Glass set', 22.0]],
  gifts: [['Gift box', 39.0], ['Tasting set', 27.5], ['Gift card', 25.0]],
};
const PRODUCTS = Object.entries(CATEGORIES).flatMap(([category, items]) => items.map(([product, price]) => ({ product, price, category })));
const CHANNELS = ['web', 'app', 'store'];
const REGIONS = ['North', 'South', 'East', 'West', 'Central'];
const ACQUISITION = ['search', 'social', 'referral', 'store', 'newsletter'];

const POSITIVE = [
  'Love the {p}, arrived quickly and tastes great. Will buy again!',
  'Excellent quality as always, the {p} is perfect.',
  'Great service and fast delivery. Very happy with the {p}.',
  'The {p} is wonderful, my new favourite. Highly recommend.',
  'Really good value, the {p} exceeded my expectations.',
];
const NEUTRAL = ['Order arrived. The {p} is ok.', 'The {p} was as described.', 'Fine, nothing special about the {p}.'];
const NEGATIVE = [
  'The {p} arrived damaged and support never answered. Very disappointed.',
  'Delivery was late again and the {p} was stale. Not buying again.',
  'Terrible experience, the {p} broke after two days. I want a refund.',
  'Awful quality, the {p} is not worth the price. Cancelling my orders.',
  'Wrong item sent, and nobody replied to my complaint about the {p}. Frustrating.',
];

const DAY_MS = 86_400_000;
/** Monthly demand: a December peak and a summer dip, as in most retail. */
const SEASON = [0.9, 0.8, 0.9, 0.95, 1.0, 0.85, 0.8, 0.85, 1.0, 1.1, 1.35, 1.6];
const SEASON_MAX = Math.max(...SEASON);

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

/**
 * Generates demo data and loads it through the same ingest path as user files.
 *
 * @example
 * await loadDemo(store, { customers: 2000, seed: 1 });
 */
export async function loadDemo(
  store: Store,
  options: DemoOptions & { onProgress?: (message: string) => void } = {},
): Promise<IngestSummary[]> {
  const files = generateDemo(options);
  const dir = mkdtempSync(join(tmpdir(), 'tierlab-demo-'));
  try {
    const summaries: IngestSummary[] = [];
    for (const kind of ['customers', 'transactions', 'feedback'] as const) {
      const file = join(dir, `${kind}.csv`);
      writeFileSync(file, files[kind]);
      summaries.push(await ingestFile(store, { kind, file, onProgress: options.onProgress }));
    }
    return summaries;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
