/**
 * The words of the CLI's human-readable tables in each language (`--lang`, TIERLAB_LANG). Domain names
 * (segments, tiers, stages, bands, clusters) and churn reasons come from models/, as the web UI's do; JSON and
 * CSV output keep the stored English names.
 */
import { fillMessage, type Lang } from '../data/lang.ts';

const en = {
  asOf: 'As of {asOf} (UTC). Cut points ({source}): R {r} days, F {f} orders, M {m}',
  rfm_segment: 'RFM segment',
  abc_class: 'ABC class',
  value_tier: 'Value tier',
  lifecycle_stage: 'Lifecycle stage',
  customers: 'customers',
  customerShare: 'cust%',
  revenueShare: 'rev%',
  medianR: 'med R',
  medianF: 'med F',
  medianM: 'med M',
  cluster: '#{cluster} {name} [{tier}]: {size} customers ({share}), {revenue} of revenue, stability {stability}',
  medians: 'medians',
  means: 'means',
  setsApart: 'sets it apart',
  closeToAverage: 'close to average',
  rfmMix: 'RFM mix',
  notClustered: '-- {name} [{tier}]: {size} customers ({share}), {revenue} of revenue, not clustered',
  atRiskTotal: '{shown} of {total} customers at risk, ranked by value at risk',
  customer: 'customer',
  risk: 'risk',
  band: 'band',
  valueAtRisk: 'value at risk',
  segment: 'segment',
  tier: 'tier',
  reasons: 'reasons',
  nextAction: 'next action',
  clvSummary: 'customer_clv: {customers} customers as of {asOf} (unit {unit}, horizon {months} months, discount {discount}% a year)',
  clvModel: 'purchase model: {model}, chosen by {rule}',
  warning: 'WARNING',
  fitLine: 'log-likelihood {ll} over {customers} customers; {state} in {iterations} iterations ({message})',
  converged: 'converged',
  notConverged: 'NOT CONVERGED',
  notConvergedMark: '(not converged)',
  model: 'model',
  predicted: 'predicted',
  actual: 'actual',
  total: 'total',
  byRepeat: 'mean purchases per customer by calibration repeat purchases (x): actual, then each row above',
  holdout: 'holdout: every model fitted before {end} and scored on the {days} days after ({customers} customers); {model} * is the one chosen from the calibration period alone',
};

type CliWords = typeof en;

const zh: CliWords = {
  asOf: '截至 {asOf}（UTC）。切分点（{source}）：R {r} 天，F {f} 笔订单，M {m}',
  rfm_segment: 'RFM 分群',
  abc_class: 'ABC 分类',
  value_tier: '价值层级',
  lifecycle_stage: '生命周期',
  customers: '客户数',
  customerShare: '客户占比',
  revenueShare: '收入占比',
  medianR: 'R 中位数',
  medianF: 'F 中位数',
  medianM: 'M 中位数',
  cluster: '#{cluster} {name} [{tier}]：{size} 位客户（{share}），收入占比 {revenue}，稳定性 {stability}',
  medians: '中位数',
  means: '均值',
  setsApart: '突出特征',
  closeToAverage: '接近平均',
  rfmMix: 'RFM 构成',
  notClustered: '-- {name} [{tier}]：{size} 位客户（{share}），收入占比 {revenue}，未参与聚类',
  atRiskTotal: '共 {total} 位高流失风险客户，显示 {shown} 位，按风险价值排序',
  customer: '客户',
  risk: '风险',
  band: '风险等级',
  valueAtRisk: '风险价值',
  segment: '分群',
  tier: '价值层级',
  reasons: '流失原因',
  nextAction: '下一步行动',
  clvSummary: 'customer_clv：{customers} 位客户，截至 {asOf}（时间单位 {unit}，预测 {months} 个月，年折现率 {discount}%）',
  clvModel: '购买模型：{model}，选择依据：{rule}',
  warning: '警告',
  fitLine: '对数似然 {ll}，{customers} 位客户；{state}，迭代 {iterations} 次（{message}）',
  converged: '已收敛',
  notConverged: '未收敛',
  notConvergedMark: '（未收敛）',
  model: '模型',
  predicted: '预测',
  actual: '实际',
  total: '总误差',
  byRepeat: '按校准期重复购买次数（x）分组的人均购买次数：先实际值，再依次为上面各行',
  holdout: '留出验证：各模型用 {end} 之前的数据拟合，并在之后 {days} 天上评分（{customers} 位客户）；{model} * 为仅用校准期选出的模型',
};

const WORDS: Record<Lang, CliWords> = { en, zh };

/**
 * The CLI's words in a language: `cliWords(lang)('customers')`, `{name}` filled from `params`.
 *
 * @example
 * cliWords('zh')('cluster', { cluster: 0, name: '活跃高价值高频买家', ... });
 */
export function cliWords(lang: Lang): (key: keyof CliWords, params?: Record<string, string | number>) => string {
  return (key, params) => fillMessage(WORDS[lang][key], params);
}
