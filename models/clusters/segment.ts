import { badInput } from '../../data/errors.ts';
import { buyerRows, NO_PURCHASES, selectRows, UNCLUSTERED } from './buyers.ts';
import { compareWithRfm, type RfmComparison } from './compare.ts';
import { assignNearest, KMEANS_DEFAULTS } from './kmeans.ts';
import { takeRows, type DenseMatrix } from './matrix.ts';
import { fitPca, projectPca, type Pca } from './pca.ts';
import { profileClusters, type ClusterProfile, type GroupProfile } from './profiles.ts';
import { uniformSample } from './random.ts';
import { applyScaler, fitScaler, type Scaler } from './scaler.ts';
import { chooseK, scoreKRange, type KScore } from './select-k.ts';
import { assessStability, type Stability } from './stability.ts';
import type { CustomerTable } from './table.ts';

export interface SegmentOptions {
  /** Feature columns to cluster on. */
  features?: string[];
  /** Force this k; otherwise k is chosen from kMin..kMax by `chooseK`. */
  k?: number;
  kMin?: number;
  kMax?: number;
  seed?: number;
  nInit?: number;
  /** k-means is fitted on a uniform sample of this many buyers; every buyer is then assigned. */
  fitSampleSize?: number;
  silhouetteSampleSize?: number;
  silhouetteTolerance?: number;
  /** Most customers in the scatter-plot sample. */
  scatterMaxPoints?: number;
  stabilityRuns?: number;
  stabilitySampleSize?: number;
}

export const SEGMENT_DEFAULTS = {
  features: ['recency_days', 'frequency', 'monetary'],
  // Not 2: silhouette favours a two-way split (buyers vs lapsed), which recency alone already says.
  kMin: 3,
  kMax: 10,
  seed: KMEANS_DEFAULTS.seed,
  nInit: KMEANS_DEFAULTS.nInit,
  fitSampleSize: 100_000,
  silhouetteSampleSize: 3_000,
  silhouetteTolerance: 0.01,
  scatterMaxPoints: 5_000,
  stabilityRuns: 5,
  stabilitySampleSize: 20_000,
} as const;

/**
 * What the model registry saves and `assignCustomers` needs: everything to place a new customer. Version 2: the
 * scaler and centroids are the buyers' only (version 1 scaled and clustered every customer).
 */
export interface SegmentationModel {
  kind: 'kmeans-segments';
  version: 2;
  features: string[];
  scaler: Scaler;
  k: number;
  /** Centroids in the scaler's space, one array per cluster. */
  centroids: number[][];
  names: string[];
  tiers: string[];
  pca: Pca;
}

export interface ScatterPoint {
  customerId: string;
  cluster: number;
  pc1: number;
  pc2: number;
}

/** Everything one segmentation run produced. */
export interface SegmentationParts {
  model: SegmentationModel;
  kScores: KScore[];
  /** 'forced' when the caller gave k, else the silhouette rule of `chooseK`. */
  kRule: 'forced' | 'silhouette';
  /** The k-means clusters (profiles.ts: means, medians and z per feature). */
  profiles: ClusterProfile[];
  /** All segmented customers, and the fixed group outside k-means. */
  overall: GroupProfile;
  noPurchases: GroupProfile & { name: string; tier: string };
  /** The features the profiles describe. */
  describedFeatures: string[];
  /** Clusters against RFM segments, over the buyers; absent when the table carries no RFM segments. */
  comparison?: RfmComparison;
  stability: Stability;
  scatter: ScatterPoint[];
  /** Per customer, in table order. */
  customerIds: string[];
  /** The cluster of each customer, UNCLUSTERED (-1) for the fixed group. */
  labels: Int32Array;
  /** [pc1, pc2] per customer, interleaved; NaN for the fixed group (they all share one point, so not drawn). */
  projection: Float64Array;
  /** Customers the k-means fit saw (the other buyers were assigned). */
  fitRows: number;
}

/** The outcome of one segmentation run; `toJSON()` leaves out the per-customer arrays. */
export class SegmentationResult {
  readonly model: SegmentationModel;
  readonly kScores: KScore[];
  readonly kRule: 'forced' | 'silhouette';
  readonly profiles: ClusterProfile[];
  readonly overall: GroupProfile;
  readonly noPurchases: GroupProfile & { name: string; tier: string };
  readonly describedFeatures: string[];
  readonly comparison: RfmComparison | undefined;
  readonly stability: Stability;
  readonly scatter: ScatterPoint[];
  readonly customerIds: string[];
  readonly labels: Int32Array;
  readonly projection: Float64Array;
  readonly fitRows: number;

  constructor(parts: SegmentationParts) {
    this.model = parts.model;
    this.kScores = parts.kScores;
    this.kRule = parts.kRule;
    this.profiles = parts.profiles;
    this.overall = parts.overall;
    this.noPurchases = parts.noPurchases;
    this.describedFeatures = parts.describedFeatures;
    this.comparison = parts.comparison;
    this.stability = parts.stability;
    this.scatter = parts.scatter;
    this.customerIds = parts.customerIds;
    this.labels = parts.labels;
    this.projection = parts.projection;
    this.fitRows = parts.fitRows;
  }

  toJSON() {
    return {
      k: this.model.k,
      kRule: this.kRule,
      customers: this.customerIds.length,
      segmented: this.overall.size,
      fitRows: this.fitRows,
      features: this.model.features,
      kScores: this.kScores,
      describedFeatures: this.describedFeatures,
      profiles: this.profiles,
      overall: this.overall,
      noPurchases: this.noPurchases,
      comparison: this.comparison,
      stability: this.stability,
      pca: { explainedVarianceRatio: this.model.pca.explainedVarianceRatio, components: this.model.pca.components },
      scatter: this.scatter,
      model: this.model,
    };
  }
}

/**
 * The whole segmentation, pure: set the customers without purchases aside (buyers.ts), scale the buyers'
 * features, pick k, fit k-means (on a sample when large), assign every buyer, profile, name and tier the
 * clusters, project to 2-D, compare with RFM, check stability. Clusters are numbered by value: cluster 0 has the
 * highest mean monetary value; the fixed group's label is UNCLUSTERED.
 *
 * @example
 * const result = segmentCustomers(table, { kMin: 2, kMax: 8, seed: 7 });
 * result.profiles.map((p) => `${p.name}: ${p.size}`);
 */
export function segmentCustomers(table: CustomerTable, options: SegmentOptions = {}): SegmentationResult {
  const o = { ...SEGMENT_DEFAULTS, ...options };
  if (o.k !== undefined && (!Number.isInteger(o.k) || o.k < 1)) throw badInput(`k must be a positive integer, got ${o.k}`, { field: 'k' });
  const kMin = o.k ?? o.kMin;
  const kMax = o.k ?? o.kMax;
  if (kMin < 1 || kMax < kMin) throw badInput(`k range ${kMin}..${kMax} is empty`, { field: 'k-range' });
  const rows = buyerRows(table);
  const n = rows.length;
  if (n < Math.max(kMin, 2)) {
    throw badInput(`segmenting needs at least ${Math.max(kMin, 2)} customers with a purchase and positive net spend, got ${n} (of ${table.customerIds.length})`);
  }
  const buyers = selectRows(table, rows);

  const scaler = fitScaler(buyers, [...o.features]);
  const matrix = applyScaler(buyers, scaler);
  const fitMatrix = takeRows(matrix, uniformSample(n, o.fitSampleSize, o.seed));
  const kmeansOptions = { seed: o.seed, nInit: o.nInit };
  const scored = scoreKRange(fitMatrix, { ...kmeansOptions, kMin, kMax, silhouetteSampleSize: o.silhouetteSampleSize });
  const k = o.k ?? chooseK(scored.map((s) => s.score), o.silhouetteTolerance);
  const fit = scored.find((s) => s.score.k === k)!.fit;

  const rawLabels = assignNearest(matrix, fit.centroids, k).labels;
  const { labels: buyerLabels, centroids } = orderByValue(rawLabels, fit.centroids, k, buyers.columns.monetary);
  const labels = new Int32Array(table.customerIds.length).fill(UNCLUSTERED);
  rows.forEach((row, at) => (labels[row] = buyerLabels[at]));
  const described = profileClusters({ table, labels, k, features: [...o.features] });
  const pca = fitPca(fitMatrix);
  const buyerProjection = projectPca(matrix, pca);
  const projection = new Float64Array(table.customerIds.length * 2).fill(NaN);
  rows.forEach((row, at) => projection.set(buyerProjection.subarray(at * 2, at * 2 + 2), row * 2));
  const stabilityIndex = uniformSample(n, o.stabilitySampleSize, o.seed + 2);
  const stability = assessStability(takeRows(matrix, stabilityIndex), Int32Array.from(stabilityIndex, (i) => buyerLabels[i]), k, {
    ...kmeansOptions,
    runs: o.stabilityRuns,
  });
  const scatter = Array.from(uniformSample(n, o.scatterMaxPoints, o.seed + 3), (i) => ({
    customerId: buyers.customerIds[i],
    cluster: buyerLabels[i],
    pc1: buyerProjection[i * 2],
    pc2: buyerProjection[i * 2 + 1],
  }));
  const model: SegmentationModel = {
    kind: 'kmeans-segments',
    version: 2,
    features: [...o.features],
    scaler,
    k,
    centroids: Array.from({ length: k }, (_, j) => Array.from(centroids.subarray(j * scaler.features.length, (j + 1) * scaler.features.length))),
    names: described.clusters.map((p) => p.name),
    tiers: described.clusters.map((p) => p.tier),
    pca,
  };
  return new SegmentationResult({
    model,
    kScores: scored.map((s) => s.score),
    kRule: o.k === undefined ? 'silhouette' : 'forced',
    profiles: described.clusters,
    overall: described.overall,
    noPurchases: described.noPurchases,
    describedFeatures: described.features,
    comparison: buyers.rfmSegments ? compareWithRfm(buyerLabels, k, buyers.rfmSegments) : undefined,
    stability,
    scatter,
    customerIds: table.customerIds,
    labels,
    projection,
    fitRows: fitMatrix.rows,
  });
}

/** Renumbers clusters by mean monetary value, highest first, so cluster numbers mean the same across runs. */
function orderByValue(labels: Int32Array, centroids: Float64Array, k: number, monetary: Float64Array | undefined) {
  const cols = centroids.length / k;
  const sums = new Float64Array(k);
  const sizes = new Float64Array(k);
  for (let i = 0; i < labels.length; i++) {
    sizes[labels[i]]++;
    if (monetary && Number.isFinite(monetary[i])) sums[labels[i]] += monetary[i];
  }
  const order = Array.from({ length: k }, (_, j) => j).sort((a, b) => sums[b] / (sizes[b] || 1) - sums[a] / (sizes[a] || 1) || a - b);
  const rank = new Int32Array(k);
  order.forEach((old, position) => (rank[old] = position));
  const ordered = new Float64Array(centroids.length);
  order.forEach((old, position) => ordered.set(centroids.subarray(old * cols, (old + 1) * cols), position * cols));
  return { labels: Int32Array.from(labels, (l) => rank[l]), centroids: ordered };
}

export interface Assignment {
  /** UNCLUSTERED for the fixed group. */
  labels: Int32Array;
  names: string[];
  tiers: string[];
  /** [pc1, pc2] per customer, interleaved; NaN for the fixed group. */
  projection: Float64Array;
}

/**
 * Places customers with a saved model: same scaling, nearest centroid, same names, tiers and projection; those
 * without a purchase go to the fixed group, as in training.
 *
 * @example
 * const { labels, names } = assignCustomers(savedModel, newTable);
 */
export function assignCustomers(model: SegmentationModel, table: CustomerTable): Assignment {
  const rows = buyerRows(table);
  const matrix: DenseMatrix = applyScaler(selectRows(table, rows), model.scaler);
  const nearest = assignNearest(matrix, Float64Array.from(model.centroids.flat()), model.k).labels;
  const buyerProjection = projectPca(matrix, model.pca);
  const labels = new Int32Array(table.customerIds.length).fill(UNCLUSTERED);
  const projection = new Float64Array(table.customerIds.length * 2).fill(NaN);
  rows.forEach((row, at) => {
    labels[row] = nearest[at];
    projection.set(buyerProjection.subarray(at * 2, at * 2 + 2), row * 2);
  });
  return {
    labels,
    names: Array.from(labels, (l) => (l === UNCLUSTERED ? NO_PURCHASES.name : model.names[l])),
    tiers: Array.from(labels, (l) => (l === UNCLUSTERED ? NO_PURCHASES.tier : model.tiers[l])),
    projection,
  };
}
