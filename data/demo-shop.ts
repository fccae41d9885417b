/** The demo shop's catalogue and customer archetypes, shared by the JS generator (demo.ts) and the SQL one (demo-sql.ts). */

export interface DemoOptions {
  customers?: number;
  seed?: number;
  /** Last day of the simulated history (exclusive), UTC. */
  endDate?: string;
  /** Length of the history in days. */
  historyDays?: number;
}

export const DEMO_DEFAULTS = { customers: 5000, seed: 42, endDate: '2026-07-01', historyDays: 730 } as const;

export interface Archetype {
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
export const ARCHETYPES: Archetype[] = [
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
export const PRODUCTS = Object.entries(CATEGORIES).flatMap(([category, items]) => items.map(([product, price]) => ({ product, price, category })));
export const CHANNELS = ['web', 'app', 'store'];
export const REGIONS = ['North', 'South', 'East', 'West', 'Central'];
export const ACQUISITION = ['search', 'social', 'referral', 'store', 'newsletter'];

export const POSITIVE = [
  'Love the {p}, arrived quickly and tastes great. Will buy again!',
  'Excellent quality as always, the {p} is perfect.',
  'Great service and fast delivery. Very happy with the {p}.',
  'The {p} is wonderful, my new favourite. Highly recommend.',
  'Really good value, the {p} exceeded my expectations.',
];
export const NEUTRAL = ['Order arrived. The {p} is ok.', 'The {p} was as described.', 'Fine, nothing special about the {p}.'];
export const NEGATIVE = [
  'The {p} arrived damaged and support never answered. Very disappointed.',
  'Delivery was late again and the {p} was stale. Not buying again.',
  'Terrible experience, the {p} broke after two days. I want a refund.',
  'Awful quality, the {p} is not worth the price. Cancelling my orders.',
  'Wrong item sent, and nobody replied to my complaint about the {p}. Frustrating.',
];

export const DAY_MS = 86_400_000;
/** Monthly demand: a December peak and a summer dip, as in most retail. */
export const SEASON = [0.9, 0.8, 0.9, 0.95, 1.0, 0.85, 0.8, 0.85, 1.0, 1.1, 1.35, 1.6];
export const SEASON_MAX = Math.max(...SEASON);

