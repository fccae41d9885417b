/**
 * The domain's names in each language: RFM segments, value and ABC tiers, lifecycle stages, risk bands, cluster
 * names (built from profile words, models/clusters/profiles.ts) and the feature names reasons use. The stored
 * values stay English (filters, playbook rules and exports match on them); fronts translate them when they show
 * them. The Chinese RFM names follow the eight-type RFM model Chinese analysts use (重要价值 / 重要保持 /
 * 重要发展 / 重要挽留 客户) for the four segments that are its high-value types, and the usual Chinese names of
 * the other segments of the eleven-segment scheme (README: "中文 / Languages").
 */
import type { Lang } from '../../data/lang.ts';

/** Every RFM segment (models/tiers/rfm.ts DEFAULT_SEGMENT_RULES and the catch-all) in Chinese, one to one. */
export const RFM_SEGMENTS_ZH: Record<string, string> = {
  Champions: '重要价值客户',
  Loyal: '忠诚客户',
  'Potential loyalist': '重要发展客户',
  New: '新客户',
  Promising: '一般发展客户',
  'Need attention': '需关注客户',
  'About to sleep': '即将沉睡客户',
  "Can't lose them": '重要保持客户',
  'At risk': '重要挽留客户',
  Hibernating: '沉睡客户',
  Lost: '流失客户',
  Other: '其他客户',
};

/** Value tiers (models/tiers/value.ts) and the ABC classes. */
export const VALUE_TIERS_ZH: Record<string, string> = {
  VIP: 'VIP 客户',
  Key: '重点客户',
  'Growth potential': '成长型客户',
  Standard: '普通客户',
  'Low value': '低价值客户',
};
export const ABC_CLASSES_ZH: Record<string, string> = { A: 'A 类', B: 'B 类', C: 'C 类' };

/** Lifecycle stages (models/tiers/lifecycle.ts). */
export const LIFECYCLE_STAGES_ZH: Record<string, string> = {
  prospect: '潜在客户',
  new: '新客',
  active: '活跃',
  loyal: '忠诚',
  'at risk': '流失预警',
  lost: '已流失',
};

/** Where value at risk's expected value came from (models/churn/score.ts). */
export const VALUE_SOURCES_ZH: Record<string, string> = { clv_12m: '12 个月 CLV', trailing_12m_spend: '过去 12 个月消费' };

/** Churn risk bands (models/churn/bands.ts). */
export const RISK_BANDS_ZH: Record<string, string> = { high: '高风险', medium: '中风险', low: '低风险' };

/**
 * The default playbook's words (models/playbooks/default.ts: action names, offers, owners, notes) and the
 * channels. A playbook a team wrote is its own text and is shown as written.
 */
export const PLAYBOOK_ZH: Record<string, string> = {
  'Personal win-back call': '专属挽回电话',
  'Win-back call': '挽回电话',
  'Win-back offer': '挽回优惠',
  'Dedicated manager': '专属客户经理',
  'Priority care': '优先关怀',
  'Recommendations and incentive to move up': '个性化推荐与升级激励',
  'Standard service': '标准服务',
  'Low-cost digital contact': '低成本数字化触达',
  'personal offer chosen by the account manager': '由客户经理定制的专属优惠',
  '15% off the next order': '下单立减 15%',
  '10% off the next order': '下单立减 10%',
  'priority service and early access': '优先服务与新品抢先体验',
  'priority service': '优先服务',
  'spend-threshold reward': '满额奖励',
  'account manager': '客户经理',
  'retention team': '挽留团队',
  'customer care': '客户关怀',
  marketing: '市场部',
  'A VIP at high churn risk: the account manager calls within a day, asks what went wrong and fixes it.': '高流失风险的 VIP 客户：客户经理一天内致电，了解问题并解决。',
  'A Key customer at high churn risk: a retention call with a meaningful offer.': '高流失风险的重点客户：挽留电话，并提供有吸引力的优惠。',
  'Every other customer at high churn risk: an automated win-back email with a modest incentive.': '其他高流失风险客户：自动发送挽回邮件，附带适度激励。',
  'VIP and strategic customers: a named manager, personal outreach, priority service.': 'VIP 与战略客户：专属客户经理、一对一沟通、优先服务。',
  'Key customers: priority service and a regular care call.': '重点客户：优先服务与定期关怀电话。',
  'Growth potential: targeted recommendations and an incentive to buy more.': '成长型客户：精准推荐，并激励其增加购买。',
  'Standard customers: the regular newsletter and self-service channels.': '普通客户：常规新闻简报与自助服务渠道。',
  'Low value customers: low-cost digital contact only; activate selectively.': '低价值客户：仅做低成本数字化触达，有选择地激活。',
  call: '电话',
  email: '邮件',
  sms: '短信',
  in_app: '应用内消息',
  account_manager: '客户经理',
  none: '无',
};

/** Playbook text in a language: the default playbook's words translated, a team's own text as written. */
export const playbookText = (text: string, lang: Lang): string => (lang === 'zh' && PLAYBOOK_ZH[text]) || text;

/** Feature names as reasons and profiles say them (data/features.ts, models/sentiment/feedback.ts). */
export const FEATURES_ZH: Record<string, string> = {
  recency_days: '距上次购买天数',
  frequency: '订单数',
  monetary: '消费金额',
  avg_order_value: '平均订单金额',
  tenure_days: '客户时长（天）',
  tenure: '客户时长（月）',
  spend_trend: '消费趋势',
  return_rate: '退货率',
  mean_days_between_orders: '平均下单间隔（天）',
  negative_feedback_count: '差评数',
  negative_share: '负面反馈占比',
  sentiment_latest: '最近反馈情感',
  sentiment_mean: '平均反馈情感',
  sentiment_trend: '反馈情感趋势',
  days_since_negative: '距上次差评天数',
  feedback_count: '反馈数',
  distinct_categories: '购买品类数',
  distinct_products: '购买商品数',
  orders_30d: '近 30 天订单数',
  orders_90d: '近 90 天订单数',
  orders_180d: '近 180 天订单数',
  spend_30d: '近 30 天消费',
  spend_90d: '近 90 天消费',
  spend_180d: '近 180 天消费',
  spend_prior_90d: '前一季度消费',
  region: '地区',
  channel: '渠道',
  acquisition_channel: '获客渠道',
  age: '年龄',
  gender: '性别',
};

// The words cluster names are made of (models/clusters/profiles.ts baseName and uniqueNames).
const CLUSTER_WORDS_ZH: Record<string, string> = {
  lapsed: '沉寂',
  active: '活跃',
  'high-value': '高价值',
  'mid-value': '中等价值',
  'low-value': '低价值',
  'one-timers': '一次性买家',
  'frequent buyers': '高频买家',
  'occasional buyers': '偶尔购买者',
  regulars: '常客',
  high: '高',
  low: '低',
  typical: '一般',
};
const CLUSTER_NAME = /^(?:(lapsed|active) )?(high-value|mid-value|low-value) (one-timers|frequent buyers|occasional buyers|regulars)(?: \((high|low) ([a-z0-9_]+)\))?( #\d+)?$/i;
const FIXED_GROUPS_ZH: Record<string, string> = { 'No purchases yet': '尚未购买', 'All segmented customers': '全部已分群客户' };

/**
 * A cluster's name in a language: the profile words translated in Chinese order, the distinguishing feature and
 * the number kept; a name not made of those words (a renamed cluster) as it is.
 *
 * @example
 * clusterName('Active high-value frequent buyers', 'zh'); // '活跃高价值高频买家'
 */
export function clusterName(name: string, lang: Lang): string {
  if (lang === 'en') return name;
  if (FIXED_GROUPS_ZH[name]) return FIXED_GROUPS_ZH[name];
  const match = CLUSTER_NAME.exec(name);
  if (!match) return name;
  const [, recency, value, frequency, direction, feature, number] = match;
  const word = (w: string) => CLUSTER_WORDS_ZH[w.toLowerCase()];
  const extra = direction ? `（${featureName(feature, lang)}${word(direction)}）` : '';
  return `${recency ? word(recency) : ''}${word(value)}${word(frequency)}${extra}${number?.trim() ?? ''}`;
}

/** A feature's name: Chinese where known, else its words. */
export function featureName(feature: string, lang: Lang): string {
  return (lang === 'zh' && FEATURES_ZH[feature]) || feature.replaceAll('_', ' ');
}

/** The columns whose values are domain names of one kind, and their dictionaries. */
const BY_COLUMN: Record<string, Record<string, string>> = {
  rfm_segment: RFM_SEGMENTS_ZH,
  segment: RFM_SEGMENTS_ZH,
  value_tier: VALUE_TIERS_ZH,
  abc_class: ABC_CLASSES_ZH,
  lifecycle_stage: LIFECYCLE_STAGES_ZH,
  risk_band: RISK_BANDS_ZH,
  expected_value_source: VALUE_SOURCES_ZH,
};
const CLUSTER_COLUMNS = new Set(['cluster', 'cluster_name', 'name']);
/** Columns holding the playbook's words (the at-risk list's and the alerts' action columns). */
const PLAYBOOK_COLUMNS = new Set(['next_action', 'action_channel', 'action_owner', 'channel']);
/** Columns holding names of any kind (a tier summary's groups, a migration's from and to). */
const ANY_NAME_COLUMNS = new Set(['tier', 'from', 'to', 'group']);

/**
 * A stored value shown in a language, by the column it sits in: segment, tier, stage, band and cluster names
 * are translated; anything else (ids, numbers, free text, an unknown name) comes back as it is.
 *
 * @example
 * domainValue('rfm_segment', 'Champions', 'zh'); // '重要价值客户'
 * domainValue('customer_id', 'C001', 'zh'); // 'C001'
 */
export function domainValue(column: string, value: unknown, lang: Lang): unknown {
  if (lang === 'en' || typeof value !== 'string') return value;
  const names = BY_COLUMN[column];
  if (names) return names[value] ?? value;
  if (CLUSTER_COLUMNS.has(column)) return clusterName(value, lang);
  if (ANY_NAME_COLUMNS.has(column)) return domainName(value, lang);
  if (column === 'feature') return featureName(value, lang);
  if (PLAYBOOK_COLUMNS.has(column)) return playbookText(value, lang);
  return value;
}

/**
 * Any domain name in a language, whatever column it came from (a chart's category, a facet): segment names
 * first, then tiers, stages, bands and cluster names.
 *
 * @example
 * domainName('At risk', 'zh'); // '重要挽留客户' (the RFM segment; the lifecycle stage is 'at risk')
 */
export function domainName(value: string, lang: Lang): string {
  if (lang === 'en') return value;
  // Names of different kinds never coincide: stages are lower case ('at risk'), segments capitalised ('At risk').
  for (const names of [RFM_SEGMENTS_ZH, VALUE_TIERS_ZH, LIFECYCLE_STAGES_ZH, RISK_BANDS_ZH, ABC_CLASSES_ZH]) if (names[value]) return names[value];
  return clusterName(value, lang);
}
