/**
 * A churn reason in words, in English or Chinese, from what is stored of it (models/churn/explain.ts builds it,
 * `customer_churn.reasons` keeps it as a list of structs): the feature, its value (a number, or a category's
 * level), the typical value it is set against and the points of churn probability it adds. Pure and
 * browser-safe: the UI words a stored reason in the visitor's language with the same function.
 */
import { featureName } from '../i18n/names.ts';
import type { Lang } from '../../data/lang.ts';

/** A reason as stored: enough to word it in any language. */
export interface StoredReason {
  feature: string;
  /** 'raises' when the feature adds churn probability, 'lowers' when it takes some away. */
  direction: 'raises' | 'lowers';
  /** The feature's value when a number, else null. */
  value: number | null;
  /** The feature's value when a category, else null. */
  level: string | null;
  /** The typical (training median) value, when a number. */
  reference: number | null;
  /** Change in churn probability this feature accounts for (0.18 = 18 points). */
  contribution: number;
  /** The reason in English, as the CSV exports carry it. */
  text: string;
}

/** The DuckDB type of `customer_churn.reasons`. */
export const REASONS_SQL_TYPE = 'STRUCT(feature VARCHAR, direction VARCHAR, "value" DOUBLE, "level" VARCHAR, reference DOUBLE, contribution DOUBLE, "text" VARCHAR)[]';

const round = (v: number) => (Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 10) / 10);
const words = (name: string) => name.replaceAll('_', ' ');
const percent = (v: number) => Math.round(v * 100);

/**
 * spend_trend is (last 90 days - prior 90) / (|last| + |prior|) (data/features.ts); for non-negative spend that
 * is a change of 2t / (1 - t) against the prior quarter.
 */
function spendTrendText(t: number, lang: Lang): string {
  if (t <= -0.995) return lang === 'zh' ? '与上季度相比已停止消费' : 'stopped spending vs prior quarter';
  if (t >= 0.995) return lang === 'zh' ? '本季度新增消费' : 'new spending this quarter';
  const change = (2 * t) / (1 - t);
  const size = Math.round(Math.abs(change) * 100);
  if (lang === 'zh') return `消费较上季度${change < 0 ? '下降' : '上升'} ${size}%`;
  return `spend ${change < 0 ? 'down' : 'up'} ${size}% vs prior quarter`;
}

type Phrase = (v: number) => string;

/** Sentences for the features analysts know by name, per language. */
const KNOWN: Record<Lang, Record<string, Phrase>> = {
  en: {
    recency_days: (v) => `no order for ${Math.round(v)} days`,
    frequency: (v) => `${Math.round(v)} order${Math.round(v) === 1 ? '' : 's'} in total`,
    tenure_days: (v) => `customer for ${Math.round(v)} days`,
    tenure: (v) => `customer for ${Math.round(v)} months`,
    mean_days_between_orders: (v) => (v < 1 ? 'orders less than a day apart on average' : `orders every ${Math.round(v)} days on average`),
    spend_trend: (v) => spendTrendText(v, 'en'),
    return_rate: (v) => `${percent(v)}% of orders returned`,
    // The feedback features of models/sentiment/feedback.ts.
    negative_feedback_count: (v) => `${Math.round(v)} negative review${Math.round(v) === 1 ? '' : 's'}`,
    negative_share: (v) => `${percent(v)}% of feedback negative`,
    sentiment_latest: (v) => (v < 0 ? 'latest feedback negative' : 'latest feedback not positive'),
    sentiment_mean: (v) => `feedback tone ${v < -0.2 ? 'negative' : v < 0.2 ? 'mixed' : 'positive'} on average`,
    days_since_negative: (v) => `negative feedback ${Math.round(v)} days ago`,
    sentiment_trend: (v) => `feedback tone ${v < 0 ? 'worsening' : 'improving'} lately`,
  },
  zh: {
    recency_days: (v) => `${Math.round(v)} 天未下单`,
    frequency: (v) => `累计 ${Math.round(v)} 笔订单`,
    tenure_days: (v) => `成为客户 ${Math.round(v)} 天`,
    tenure: (v) => `成为客户 ${Math.round(v)} 个月`,
    mean_days_between_orders: (v) => (v < 1 ? '平均下单间隔不足一天' : `平均每 ${Math.round(v)} 天下单一次`),
    spend_trend: (v) => spendTrendText(v, 'zh'),
    return_rate: (v) => `${percent(v)}% 的订单被退货`,
    negative_feedback_count: (v) => `${Math.round(v)} 条差评`,
    negative_share: (v) => `${percent(v)}% 的反馈为负面`,
    sentiment_latest: (v) => (v < 0 ? '最近一条反馈为负面' : '最近一条反馈不算正面'),
    sentiment_mean: (v) => `反馈整体${v < -0.2 ? '偏负面' : v < 0.2 ? '褒贬不一' : '偏正面'}`,
    days_since_negative: (v) => `${Math.round(v)} 天前有负面反馈`,
    sentiment_trend: (v) => `近期反馈情感${v < 0 ? '变差' : '好转'}`,
  },
};

/** "orders_90d", "spend_prior_90d": counts and spend over a window before the cutoff (data/features.ts). */
function windowText(feature: string, value: number, typical: string, lang: Lang): string | undefined {
  const window = /^(orders|spend)_(prior_)?(\d+)d$/.exec(feature);
  if (!window) return undefined;
  const [, what, prior, days] = window;
  if (lang === 'zh') {
    const when = prior ? `最近 ${days} 天之前的 ${days} 天` : `最近 ${days} 天`;
    if (what === 'orders') return value === 0 ? `${when}没有订单` : `${when}有 ${Math.round(value)} 笔订单${typical}`;
    return `${when}消费 ${round(value)}${typical}`;
  }
  const when = prior ? `the ${days} days before the last ${days}` : `the last ${days} days`;
  if (what === 'orders') return value === 0 ? `no orders in ${when}` : `${Math.round(value)} orders in ${when}${typical}`;
  return `spent ${round(value)} in ${when}${typical}`;
}

/**
 * Says a feature value in an analyst's words. Known feature names get a sentence; other numbers are set against
 * the typical (median) customer, categories are said as "<value> <feature>", 0/1 flags as "<feature>"/"no <feature>".
 *
 * @example
 * describeFeature('recency_days', 143, 20); // 'no order for 143 days'
 * describeFeature('recency_days', 143, 20, 'zh'); // '143 天未下单'
 * describeFeature('contract', 'Month-to-month', 'Two year'); // 'Month-to-month contract'
 */
export function describeFeature(feature: string, value: number | string, reference: number | string | null, lang: Lang = 'en'): string {
  const name = lang === 'zh' ? featureName(feature, lang) : words(feature);
  if (typeof value === 'string') return lang === 'zh' ? `${name}为 ${value}` : `${value} ${name}`;
  const known = KNOWN[lang][feature];
  if (known) return known(value);
  const typical = typeof reference === 'number' ? (lang === 'zh' ? `（典型值 ${round(reference)}）` : ` (typical ${round(reference)})`) : '';
  const window = windowText(feature, value, typical, lang);
  if (window) return window;
  if ((value === 0 || value === 1) && (reference === 0 || reference === 1)) return value ? name : lang === 'zh' ? `无${name}` : `no ${name}`;
  return `${name} ${round(value)}${typical}`;
}

/**
 * Points of churn probability, signed: '+18 points', '+0.6 points', '+1 point'; '+18 个百分点' in Chinese.
 *
 * @example
 * pointsText(18.2); // '+18 points'
 */
export function pointsText(points: number, lang: Lang = 'en'): string {
  const size = Math.abs(points) >= 1 ? String(Math.round(Math.abs(points))) : Math.abs(points).toFixed(1);
  const sign = points >= 0 ? '+' : '-';
  if (lang === 'zh') return `${sign}${size} 个百分点`;
  return `${sign}${size} point${size === '1' ? '' : 's'}`;
}

/**
 * A reason's sentence: what the feature says, then the points it adds.
 *
 * @example
 * reasonSentence('recency_days', 143, 20, 18.2); // 'no order for 143 days: +18 points'
 */
export function reasonSentence(feature: string, value: number | string, reference: number | string | null, points: number, lang: Lang = 'en'): string {
  return `${describeFeature(feature, value, reference, lang)}${lang === 'zh' ? '：' : ': '}${pointsText(points, lang)}`;
}

/**
 * A stored reason in a language; in English the stored text itself.
 *
 * @example
 * reasonText(row.reasons[0], 'zh'); // '143 天未下单：+18 个百分点'
 */
export function reasonText(reason: StoredReason, lang: Lang): string {
  if (lang === 'en') return reason.text;
  const value = reason.level ?? reason.value;
  if (value === null || value === undefined) return reason.text;
  return reasonSentence(reason.feature, value, reason.reference, reason.contribution * 100, lang);
}

/**
 * Reasons as the fronts receive them: the list of structs, the JSON text of it, or (stores scored before reasons
 * were structs) a JSON list of English sentences. Sentences come back as reasons with only their text.
 *
 * @example
 * storedReasons('["no order for 143 days: +18 points"]')[0].text; // 'no order for 143 days: +18 points'
 */
export function storedReasons(value: unknown): StoredReason[] {
  if (typeof value === 'string') {
    try {
      return storedReasons(JSON.parse(value));
    } catch {
      return value ? [textOnly(value)] : [];
    }
  }
  if (!Array.isArray(value)) return [];
  return value.map((r) => (r && typeof r === 'object' && 'feature' in r ? (r as StoredReason) : textOnly(String(r))));
}

const textOnly = (text: string): StoredReason => ({ feature: '', direction: 'raises', value: null, level: null, reference: null, contribution: 0, text });
