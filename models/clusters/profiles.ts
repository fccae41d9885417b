// The same five tier names as the RFM value tiers, so a cluster's tier reads against a customer's.
import { VALUE_TIERS } from '../tiers/value.ts';
import { NO_PURCHASES, selectRows, UNCLUSTERED } from './buyers.ts';
import { applyScaler, fitScaler, medianOf } from './scaler.ts';
import type { CustomerTable } from './table.ts';

/** The columns every profile reports in original units when the table has them, chosen or not. */
export const PROFILE_COLUMNS = ['recency_days', 'frequency', 'monetary'] as const;

export interface Distinguishing {
  feature: string;
  /** The cluster's entry of `z`. */
  z: number;
  direction: 'high' | 'low';
}

/** Size, revenue and the typical customer of a group, in original units (days, orders, money). */
export interface GroupProfile {
  size: number;
  /** Share of all customers, the fixed "No purchases yet" group included. */
  share: number;
  /** Share of the net revenue (sum of `monetary`) of all customers that this group brought. */
  revenueShare: number;
  meanMonetary: number;
  /** Per described feature, over the group's customers with a value. */
  means: Record<string, number>;
  medians: Record<string, number>;
}

export interface ClusterProfile extends GroupProfile {
  cluster: number;
  name: string;
  tier: string;
  /**
   * Per feature, the cluster mean minus the mean of all segmented customers, in their standard deviations, both
   * in the space k-means clusters in (signed log1p, then standardized over the buyers). Spend and order counts
   * are heavy-tailed: on raw units a few whales set the deviation and every other cluster reads as "average".
   */
  z: Record<string, number>;
  /** Features that set the cluster apart, largest |z| first (|z| >= 0.25, at most 4). */
  distinguishing: Distinguishing[];
}

/** The one description of a segmentation that the CLI prints, the registry keeps and the API and UI show. */
export interface SegmentProfiles {
  /** The clustered features, then recency, frequency and monetary where the table has them. */
  features: string[];
  clusters: ClusterProfile[];
  /** Every segmented customer (the buyers). */
  overall: GroupProfile;
  /** The fixed group outside k-means (size 0 when everyone bought). */
  noPurchases: GroupProfile & { name: string; tier: string };
}

export interface DescribeInput {
  /** Every customer, the fixed group included. */
  table: CustomerTable;
  /** Per customer: its cluster 0..k-1, or UNCLUSTERED for the fixed group. */
  labels: Int32Array;
  k: number;
  /** The features k-means clustered on. */
  features: string[];
}

/**
 * Figures of every cluster, of all segmented customers and of the fixed group, without names or tiers (the
 * server puts the trained model's names on them; `profileClusters` makes new ones).
 *
 * @example
 * const d = describeSegments({ table, labels, k: 4, features: ['recency_days', 'frequency', 'monetary'] });
 * d.clusters[0].medians.monetary; d.clusters[0].z.monetary; d.noPurchases.size;
 */
export function describeSegments(input: DescribeInput): SegmentProfiles {
  const { table, labels, k } = input;
  const features = [...new Set([...input.features, ...PROFILE_COLUMNS.filter((c) => c in table.columns)])];
  const members: number[][] = Array.from({ length: k }, () => []);
  const outside: number[] = [];
  for (let i = 0; i < labels.length; i++) (labels[i] === UNCLUSTERED ? outside : members[labels[i]]).push(i);
  const segmented = members.flat().sort((a, b) => a - b);
  const monetary = table.columns.monetary;
  const revenueOf = (rows: number[]) => (monetary ? rows.reduce((s, i) => s + (Number.isFinite(monetary[i]) ? monetary[i] : 0), 0) : 0);
  const totalRevenue = revenueOf([...segmented, ...outside]);
  const group = (rows: number[]): GroupProfile => {
    const revenue = revenueOf(rows);
    return {
      size: rows.length,
      share: labels.length ? rows.length / labels.length : 0,
      revenueShare: totalRevenue !== 0 ? revenue / totalRevenue : 0,
      meanMonetary: rows.length ? revenue / rows.length : 0,
      means: Object.fromEntries(features.map((f) => [f, meanOf(rows, table.columns[f])])),
      medians: Object.fromEntries(features.map((f) => [f, medianOf(Float64Array.from(rows, (i) => table.columns[f][i]))])),
    };
  };
  // z in the clustering space of the segmented customers: their own scaler, as k-means had.
  const buyers = selectRows(table, segmented);
  const scaled = applyScaler(buyers, fitScaler(buyers, features));
  const position = new Int32Array(labels.length);
  segmented.forEach((i, at) => (position[i] = at));
  const clusters = members.map((rows, cluster): ClusterProfile => {
    const z = Object.fromEntries(
      features.map((feature, t) => {
        let sum = 0;
        for (const i of rows) sum += scaled.data[position[i] * scaled.cols + t];
        return [feature, rows.length ? sum / rows.length : 0];
      }),
    );
    return {
      cluster,
      name: '',
      tier: '',
      ...group(rows),
      z,
      distinguishing: Object.entries(z)
        .filter(([, v]) => Math.abs(v) >= 0.25)
        .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
        .slice(0, 4)
        .map(([feature, v]) => ({ feature, z: v, direction: v > 0 ? 'high' : 'low' })),
    };
  });
  return { features, clusters, overall: group(segmented), noPurchases: { ...NO_PURCHASES, ...group(outside) } };
}

/**
 * `describeSegments` with a unique readable name for each cluster and a value tier by rank of mean monetary value.
 *
 * @example
 * const profiles = profileClusters({ table, labels, k: 4, features });
 * profiles.clusters[0].name; // "Active high-value frequent buyers"
 */
export function profileClusters(input: DescribeInput): SegmentProfiles {
  const described = describeSegments(input);
  const names = uniqueNames(described.clusters.map((p) => ({ base: baseName(p.z, p.medians), distinguishing: p.distinguishing })));
  const tiers = valueTiers(described.clusters.map((p) => p.meanMonetary));
  return { ...described, clusters: described.clusters.map((p, j) => ({ ...p, name: names[j], tier: tiers[j] })) };
}

/** Mean of the finite values at `rows` (NaN when none), as SQL's avg skips NULL. */
function meanOf(rows: number[], values: Float64Array): number {
  let sum = 0;
  let n = 0;
  for (const i of rows) {
    if (Number.isFinite(values[i])) {
      sum += values[i];
      n++;
    }
  }
  return n ? sum / n : NaN;
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

/**
 * Words for recency, value and frequency from the cluster's z-scores; feature names when RFM is absent. Every
 * clustered customer bought (buyers.ts), so there is no word for non-buyers.
 */
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
