// The same five tier names as the RFM value tiers, so a cluster's tier reads against a customer's.
import { VALUE_TIERS } from '../tiers/value.ts';
import { applyScaler, fitScaler, medianOf, unscale, type Scaler } from './scaler.ts';
import type { CustomerTable } from './table.ts';


/** The columns every profile reports in original units when the table has them, chosen or not. */
export const PROFILE_COLUMNS = ['recency_days', 'frequency', 'monetary'] as const;

export interface Distinguishing {
  feature: string;
  /** Cluster mean minus overall mean, in overall standard deviations (of the log-transformed feature). */
  z: number;
  direction: 'high' | 'low';
}

export interface ClusterProfile {
  cluster: number;
  name: string;
  tier: string;
  size: number;
  share: number;
  /** Share of the net revenue (sum of `monetary`) that this cluster's customers brought. */
  revenueShare: number;
  meanMonetary: number;
  /** The centroid mapped back to days, orders and money (a log-space mean: near the typical customer, below the arithmetic mean). */
  centroid: Record<string, number>;
  medians: Record<string, number>;
  /** Features that set the cluster apart, largest |z| first (|z| >= 0.25, at most 4). */
  distinguishing: Distinguishing[];
}

export interface ProfileInput {
  table: CustomerTable;
  labels: Int32Array;
  k: number;
  scaler: Scaler;
  /** k x features, row-major, in the scaler's space. */
  centroids: Float64Array;
}

/**
 * Describes each cluster: size, revenue, centroid and medians in original units, what sets it apart, a unique
 * readable name, and a value tier by rank of mean monetary value.
 *
 * @example
 * const profiles = profileClusters({ table, labels, k: 4, scaler, centroids });
 * profiles[0].name; // "Active high-value frequent buyers"
 */
export function profileClusters(input: ProfileInput): ClusterProfile[] {
  const { table, labels, k, scaler, centroids } = input;
  const n = labels.length;
  const described = [...new Set([...scaler.features, ...PROFILE_COLUMNS.filter((c) => c in table.columns)])];
  const z = applyScaler(table, fitScaler(table, described));
  const monetary = table.columns.monetary;
  const totalRevenue = monetary ? monetary.reduce((s, v) => s + (Number.isFinite(v) ? v : 0), 0) : 0;
  const members: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) members[labels[i]].push(i);

  const profiles = members.map((rows, cluster): ClusterProfile & { zByFeature: Record<string, number> } => {
    const zByFeature: Record<string, number> = {};
    described.forEach((feature, t) => {
      let sum = 0;
      for (const i of rows) sum += z.data[i * z.cols + t];
      zByFeature[feature] = rows.length ? sum / rows.length : 0;
    });
    const revenue = monetary ? rows.reduce((s, i) => s + (Number.isFinite(monetary[i]) ? monetary[i] : 0), 0) : 0;
    const centroid = unscale(centroids.subarray(cluster * scaler.features.length, (cluster + 1) * scaler.features.length), scaler);
    return {
      cluster,
      name: '',
      tier: '',
      size: rows.length,
      share: rows.length / n,
      revenueShare: totalRevenue !== 0 ? revenue / totalRevenue : 0,
      meanMonetary: rows.length ? revenue / rows.length : 0,
      centroid: Object.fromEntries(scaler.features.map((f, t) => [f, centroid[t]])),
      medians: Object.fromEntries(described.map((f) => [f, medianOf(Float64Array.from(rows, (i) => table.columns[f][i]))])),
      distinguishing: Object.entries(zByFeature)
        .filter(([, v]) => Math.abs(v) >= 0.25)
        .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
        .slice(0, 4)
        .map(([feature, v]) => ({ feature, z: v, direction: v > 0 ? 'high' : 'low' })),
      zByFeature,
    };
  });

  const names = uniqueNames(profiles.map((p) => ({ base: baseName(p.zByFeature, p.medians), distinguishing: p.distinguishing })));
  const tiers = valueTiers(profiles.map((p) => p.meanMonetary));
  return profiles.map(({ zByFeature: _, ...p }, j) => ({ ...p, name: names[j], tier: tiers[j] }));
}

/**
 * The tier of each cluster: ranked by mean monetary value, the top cluster is always the first tier and the
 * bottom one the last, the rest spread evenly between (k = 3: VIP, Growth potential, Low value).
 *
 * @example
 * valueTiers([10, 500, 80]); // ['Low value', 'VIP', 'Growth potential']
 */
export function valueTiers(meanMonetary: number[]): string[] {
  const k = meanMonetary.length;
  const order = meanMonetary.map((_, j) => j).sort((a, b) => meanMonetary[b] - meanMonetary[a] || a - b);
  const tiers = new Array<string>(k);
  order.forEach((cluster, rank) => {
    tiers[cluster] = VALUE_TIERS[k === 1 ? 0 : Math.round((rank * (VALUE_TIERS.length - 1)) / (k - 1))];
  });
  return tiers;
}

/** Words for recency, value and frequency from the cluster's z-scores; feature names when RFM is absent. */
function baseName(z: Record<string, number>, medians: Record<string, number>): string {
  if (!('monetary' in z && 'frequency' in z)) {
    const top = Object.entries(z).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1])).slice(0, 2);
    return top.map(([f, v]) => `${v >= 0 ? 'high' : 'low'} ${f}`).join(', ') || 'typical';
  }
  const words: string[] = [];
  if ('recency_days' in z) {
    if (z.recency_days >= 0.5) words.push('lapsed');
    else if (z.recency_days <= -0.5) words.push('active');
  }
  if (medians.frequency === 0) return capitalize([...words, 'non-buyers'].join(' '));
  words.push(z.monetary >= 0.75 ? 'high-value' : z.monetary <= -0.75 ? 'low-value' : 'mid-value');
  words.push(medians.frequency <= 1 ? 'one-timers' : z.frequency >= 0.75 ? 'frequent buyers' : z.frequency <= -0.5 ? 'occasional buyers' : 'regulars');
  return capitalize(words.join(' '));
}

/** Same names get their strongest feature outside R, F and M added; a number is the last resort. */
function uniqueNames(items: { base: string; distinguishing: Distinguishing[] }[]): string[] {
  const count = (names: string[], name: string) => names.filter((n) => n === name).length;
  const bases = items.map((i) => i.base);
  const names = items.map((item) => {
    if (count(bases, item.base) === 1) return item.base;
    const extra = item.distinguishing.find((d) => !(PROFILE_COLUMNS as readonly string[]).includes(d.feature));
    return extra ? `${item.base} (${extra.direction} ${extra.feature})` : item.base;
  });
  const seen = new Map<string, number>();
  return names.map((name) => {
    if (count(names, name) === 1) return name;
    const nth = (seen.get(name) ?? 0) + 1;
    seen.set(name, nth);
    return `${name} #${nth}`;
  });
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
