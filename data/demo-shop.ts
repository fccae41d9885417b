/** The demo shop's catalogue and customer archetypes, shared by the JS generator (demo.ts) and the SQL one (demo-sql.ts). */
import type { Lang } from './lang.ts';

export interface DemoOptions {
  customers?: number;
  seed?: number;
  /** Last day of the simulated history (exclusive), UTC. */
  endDate?: string;
  /** Length of the history in days. */
  historyDays?: number;
  /** The language of product names and feedback texts (default 'en'). */
  lang?: Lang;
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

/**
 * What the shop sells and what its customers write, in a language: the same products at the same prices in the
 * same order, and as many texts in each mood, so a seed draws the same history in every language and only the
 * words differ (the English demo is what it always was).
 */
export interface DemoCatalogue {
  products: { product: string; price: number; category: string }[];
  /** Feedback texts by mood; `{p}` is the product. */
  positive: string[];
  neutral: string[];
  negative: string[];
}

const CATEGORIES: Record<Lang, Record<string, [string, number][]>> = {
  en: {
    coffee: [['Espresso beans 1kg', 24.5], ['Filter blend 500g', 11.9], ['Decaf 250g', 7.45], ['Single origin 250g', 12.75]],
    tea: [['Green tea tin', 8.2], ['Earl grey 100 bags', 6.95], ['Chai mix', 9.6]],
    equipment: [['Pour-over kettle', 49.0], ['Burr grinder', 129.0], ['Milk frother', 34.99], ['French press', 29.5]],
    snacks: [['Almond biscotti', 5.49], ['Dark chocolate bar', 3.2], ['Granola jar', 7.8]],
    cups: [['Ceramic mug', 12.0], ['Travel cup', 18.5], ['Glass set', 22.0]],
    gifts: [['Gift box', 39.0], ['Tasting set', 27.5], ['Gift card', 25.0]],
  },
  zh: {
    咖啡: [['意式咖啡豆 1kg', 24.5], ['滤泡拼配咖啡 500g', 11.9], ['低因咖啡 250g', 7.45], ['单一产地咖啡豆 250g', 12.75]],
    茶: [['罐装绿茶', 8.2], ['伯爵红茶 100 包', 6.95], ['印度奶茶粉', 9.6]],
    器具: [['手冲壶', 49.0], ['磨豆机', 129.0], ['奶泡器', 34.99], ['法压壶', 29.5]],
    零食: [['杏仁脆饼', 5.49], ['黑巧克力', 3.2], ['燕麦脆罐装', 7.8]],
    杯具: [['陶瓷马克杯', 12.0], ['随行杯', 18.5], ['玻璃杯套装', 22.0]],
    礼品: [['礼盒', 39.0], ['品鉴套装', 27.5], ['礼品卡', 25.0]],
  },
};

const TEXTS: Record<Lang, Omit<DemoCatalogue, 'products'>> = {
  en: {
    positive: [
      'Love the {p}, arrived quickly and tastes great. Will buy again!',
      'Excellent quality as always, the {p} is perfect.',
      'Great service and fast delivery. Very happy with the {p}.',
      'The {p} is wonderful, my new favourite. Highly recommend.',
      'Really good value, the {p} exceeded my expectations.',
    ],
    neutral: ['Order arrived. The {p} is ok.', 'The {p} was as described.', 'Fine, nothing special about the {p}.'],
    negative: [
      'The {p} arrived damaged and support never answered. Very disappointed.',
      'Delivery was late again and the {p} was stale. Not buying again.',
      'Terrible experience, the {p} broke after two days. I want a refund.',
      'Awful quality, the {p} is not worth the price. Cancelling my orders.',
      'Wrong item sent, and nobody replied to my complaint about the {p}. Frustrating.',
    ],
  },
  zh: {
    positive: [
      '很喜欢这款{p}，到货很快，味道很好，还会再买！',
      '质量一如既往地好，{p}非常完美。',
      '服务很好，发货很快，对{p}非常满意。',
      '{p}太棒了，成了我的新宠，强烈推荐。',
      '性价比很高，{p}超出了我的预期。',
    ],
    neutral: ['订单已收到，{p}还行。', '{p}和描述的一样。', '一般般，{p}没什么特别的。'],
    negative: [
      '{p}到货时已经损坏，客服一直没有回复，非常失望。',
      '又一次延迟发货，{p}也不新鲜了，不会再买了。',
      '体验很差，{p}用了两天就坏了，我要退款。',
      '质量太差，{p}根本不值这个价，取消我的订单。',
      '发错了货，关于{p}的投诉也没人理，太让人恼火了。',
    ],
  },
};

/**
 * The demo shop's catalogue and feedback texts in a language.
 *
 * @example
 * demoCatalogue('zh').products[0].product; // '意式咖啡豆 1kg'
 */
export function demoCatalogue(lang: Lang = 'en'): DemoCatalogue {
  const products = Object.entries(CATEGORIES[lang]).flatMap(([category, items]) => items.map(([product, price]) => ({ product, price, category })));
  return { products, ...TEXTS[lang] };
}

export const CHANNELS = ['web', 'app', 'store'];
export const REGIONS = ['North', 'South', 'East', 'West', 'Central'];
export const ACQUISITION = ['search', 'social', 'referral', 'store', 'newsletter'];

export const DAY_MS = 86_400_000;
/** Monthly demand: a December peak and a summer dip, as in most retail. */
export const SEASON = [0.9, 0.8, 0.9, 0.95, 1.0, 0.85, 0.8, 0.85, 1.0, 1.1, 1.35, 1.6];
export const SEASON_MAX = Math.max(...SEASON);

