import { badInput } from '../../data/errors.ts';
import { loadCustomerTable, saveClusters, segmentCustomers, SEGMENT_DEFAULTS, type SegmentationResult } from '../../models/clusters/index.ts';
import { defineCommand, numberFlag } from '../command.ts';
import type { Lang } from '../../data/lang.ts';
import { clusterName, domainValue, featureName } from '../../models/i18n/names.ts';
import { cliWords } from '../cli-words.ts';
import { LANG_USAGE, langFlag } from '../lang-flag.ts';
import { withStore } from '../store-flag.ts';

function parseKRange(value: string | undefined): { kMin: number; kMax: number } {
  if (value === undefined) return { kMin: SEGMENT_DEFAULTS.kMin, kMax: SEGMENT_DEFAULTS.kMax };
  const match = /^(\d+)\.\.(\d+)$/.exec(value);
  if (!match || Number(match[1]) < 1 || Number(match[2]) < Number(match[1])) {
    throw badInput(`--k-range must look like 2..10, got "${value}"`, { field: 'k-range' });
  }
  return { kMin: Number(match[1]), kMax: Number(match[2]) };
}

const fixed = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : '-');
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

function report(result: SegmentationResult, lang: Lang): string {
  /** Values of a profile's features, shortest form: "recency_days 10, frequency 9, monetary 3449.3" (Chinese feature names in zh). */
  const feature = (f: string) => (lang === 'en' ? f : featureName(f, lang));
  const figures = (values: Record<string, number>) => Object.entries(values).map(([f, v]) => `${feature(f)} ${fixed(v, 1)}`).join(', ');
  const words = cliWords(lang);
  const tier = (name: string) => String(domainValue('value_tier', name, lang));
  const { model, kScores, profiles, comparison, stability, noPurchases, overall } = result;
  const lines = [
    `${result.customerIds.length} customers: ${overall.size} segmented on ${model.features.join(', ')} (signed log1p, standardized over them; fitted on ${result.fitRows}), ${noPurchases.size} without a purchase or positive net spend set apart`,
    '',
    'k  inertia        silhouette  davies-bouldin  calinski-harabasz',
    ...kScores.map((s) => `${String(s.k).padEnd(2)} ${fixed(s.inertia, 1).padStart(12)} ${fixed(s.silhouette).padStart(11)} ${fixed(s.daviesBouldin).padStart(15)} ${fixed(s.calinskiHarabasz, 1).padStart(18)}${s.k === model.k ? '  <- chosen' : ''}`),
    result.kRule === 'forced' ? `k = ${model.k} (forced)` : `k = ${model.k}: best silhouette, near-ties (within ${SEGMENT_DEFAULTS.silhouetteTolerance}) to the smaller k`,
    '',
    'Each group in original units: medians (the typical customer) and means; z = standardized difference from all segmented customers in the clustering space',
    `   all segmented: medians ${figures(overall.medians)}; means ${figures(overall.means)}`,
  ];
  for (const p of profiles) {
    const direction = (d: 'high' | 'low') => (lang === 'zh' ? (d === 'high' ? '高' : '低') : d);
    const apart = p.distinguishing.map((d) => `${lang === 'zh' ? `${feature(d.feature)}${direction(d.direction)}` : `${d.direction} ${d.feature}`} (z ${d.z >= 0 ? '+' : ''}${d.z.toFixed(2)})`).join(', ') || words('closeToAverage');
    const jaccard = stability.clusterJaccard[p.cluster];
    lines.push(words('cluster', { cluster: p.cluster, name: clusterName(p.name, lang), tier: tier(p.tier), size: p.size, share: pct(p.share), revenue: pct(p.revenueShare), stability: fixed(jaccard, 2) }));
    lines.push(`   ${words('medians')}: ${figures(p.medians)}`);
    lines.push(`   ${words('means')}:   ${figures(p.means)}`);
    lines.push(`   ${words('setsApart')}: ${apart}`);
    if (comparison) lines.push(`   ${words('rfmMix')}: ${comparison.mixes[p.cluster].map((m) => `${domainValue('rfm_segment', m.segment, lang)} ${pct(m.share)}`).join(', ')}`);
  }
  if (noPurchases.size) {
    lines.push(words('notClustered', { name: clusterName(noPurchases.name, lang), tier: tier(noPurchases.tier), size: noPurchases.size, share: pct(noPurchases.share), revenue: pct(noPurchases.revenueShare) }));
    lines.push(`   ${words('medians')}: ${figures(noPurchases.medians)}`);
  }
  lines.push('', `Stability over ${stability.runs} bootstrap refits: ARI mean ${fixed(stability.meanAri)}, min ${fixed(stability.minAri)} (per-cluster Jaccard below 0.6 = not reproduced)`);
  if (comparison) {
    lines.push(`Against RFM segments (segmented customers): ARI ${fixed(comparison.adjustedRandIndex)}, AMI ${fixed(comparison.adjustedMutualInfo)}, NMI ${fixed(comparison.normalizedMutualInfo)} (arithmetic mean; NMI is not adjusted for chance)`);
    lines.push('', `cluster  ${comparison.segments.map((s) => s.slice(0, 12).padStart(12)).join(' ')}`);
    comparison.counts.forEach((row, c) => lines.push(`#${String(c).padEnd(7)} ${row.map((v) => String(v).padStart(12)).join(' ')}`));
  }
  return lines.join('\n');
}

export default defineCommand({
  summary: 'Segment customers with k-means: choose k, name and tier the clusters, compare with RFM',
  usage: `
tierlab segment [--db PATH] [--k N | --k-range 3..10] [--features a,b,c] [--seed S] [--sample N] [--lang en|zh] [--json]

  --k N            force the number of clusters
  --k-range A..B   try k = A..B and keep the best silhouette (near-ties to the smaller k); default 3..10
  --features LIST  customer_features columns to cluster on; default recency_days,frequency,monetary
  --seed S         seed for sampling and k-means++ (same seed, same segments); default 42
  --sample N       fit on a uniform sample of N customers, then assign everyone; default 100000
  --json           print JSON instead of text (names as stored, in English)
  ${LANG_USAGE}

Customers without a purchase order or with no positive net spend are not clustered: they form the fixed
group "No purchases yet" (cluster NULL). The others' features are transformed by sign(x)*log1p(|x|) and
standardized. Writes customer_clusters(customer_id, cluster, cluster_name, cluster_tier, pc1, pc2), replacing
it atomically, and refreshes customer_analytics. Prints the k table (inertia, silhouette, Davies-Bouldin,
Calinski-Harabasz), each cluster's medians and means in original units and what sets it apart, stability over
bootstrap refits and the comparison with RFM segments (ARI, AMI, NMI).`,
  options: {
    db: { type: 'string' },
    k: { type: 'string' },
    'k-range': { type: 'string' },
    features: { type: 'string' },
    seed: { type: 'string' },
    sample: { type: 'string' },
    json: { type: 'boolean' },
    lang: { type: 'string' },
  },
  async run(flags) {
    const lang = langFlag(flags.lang);
    if (flags.k !== undefined && flags['k-range'] !== undefined) throw badInput('give --k or --k-range, not both', { field: 'k' });
    const features = flags.features ? flags.features.split(',').map((f) => f.trim()).filter(Boolean) : [...SEGMENT_DEFAULTS.features];
    const options = {
      features,
      ...parseKRange(flags['k-range']),
      k: flags.k === undefined ? undefined : numberFlag(flags.k, 'k', 0),
      seed: numberFlag(flags.seed, 'seed', SEGMENT_DEFAULTS.seed),
      fitSampleSize: numberFlag(flags.sample, 'sample', SEGMENT_DEFAULTS.fitSampleSize),
    };
    await withStore(flags.db, async (store) => {
      const table = await loadCustomerTable(store, features);
      process.stderr.write(`segmenting ${table.customerIds.length} customers\n`);
      const result = segmentCustomers(table, options);
      await saveClusters(store, result);
      console.log(flags.json ? JSON.stringify(result) : report(result, lang));
    });
  },
});
