import { badInput } from '../../data/errors.ts';
import { compareWithRfm, type RfmComparison } from './compare.ts';
import { assignNearest, KMEANS_DEFAULTS } from './kmeans.ts';
import { takeRows, type DenseMatrix } from './matrix.ts';
import { fitPca, projectPca, type Pca } from './pca.ts';
import { profileClusters, type ClusterProfile } from './profiles.ts';
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
  /** k-means is fitted on a uniform sample of this many customers; every customer is then assigned. */
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

/** What the model registry saves and `assignCustomers` needs: everything to place a new customer. */
export interface SegmentationModel {
  kind: 'kmeans-segments';
  version: 1;
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
  profiles: ClusterProfile[];
  /** Absent when the table carries no RFM segments. */
  comparison?: RfmComparison;
  stability: Stability;
  scatter: ScatterPoint[];
  /** Per customer, in table order. */
  customerIds: string[];
  labels: Int32Array;
  /** [pc1, pc2] per customer, interleaved. */
  projection: Float64Array;
  /** Customers the k-means fit saw (the rest were assigned). */
  fitRows: number;
}

/** The outcome of one segmentation run; `toJSON()` leaves out the per-customer arrays. */
export class SegmentationResult {
  readonly model: SegmentationModel;
  readonly kScores: KScore[];
  readonly kRule: 'forced' | 'silhouette';
  readonly profiles: ClusterProfile[];
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
      fitRows: this.fitRows,
      features: this.model.features,
      kScores: this.kScores,
      profiles: this.profiles,
      comparison: this.comparison,
      stability: this.stability,
      pca: { explainedVarianceRatio: this.model.pca.explainedVarianceRatio, components: this.model.pca.components },
      scatter: this.scatter,
      model: this.model,
    };
  }
}

/**
 * The whole segmentation, pure: scale the features, pick k, fit k-means (on a sample when large), assign
 * every customer, profile, name and tier the clusters, project to 2-D, compare with RFM, check stability.
 * Clusters are numbered by value: cluster 0 has the highest mean monetary value.
 *
 * @example
 * const result = segmentCustomers(table, { kMin: 2, kMax: 8, seed: 7 });
 * result.profiles.map((p) => `${p.name}: ${p.size}`);
 */
export function segmentCustomers(table: CustomerTable, options: SegmentOptions = {}): SegmentationResult {
  const o = { ...SEGMENT_DEFAULTS, ...options };
  const n = table.customerIds.length;
  if (o.k !== undefined && (!Number.isInteger(o.k) || o.k < 1)) throw badInput(`k must be a positive integer, got ${o.k}`, { field: 'k' });
  const kMin = o.k ?? o.kMin;
  const kMax = o.k ?? o.kMax;
  if (kMin < 1 || kMax < kMin) throw badInput(`k range ${kMin}..${kMax} is empty`, { field: 'k-range' });
  if (n < Math.max(kMin, 2)) throw badInput(`segmenting needs at least ${Math.max(kMin, 2)} customers, got ${n}`);

  const scaler = fitScaler(table, [...o.features]);
  const matrix = applyScaler(table, scaler);
  const fitMatrix = takeRows(matrix, uniformSample(n, o.fitSampleSize, o.seed));
  const kmeansOptions = { seed: o.seed, nInit: o.nInit };
  const scored = scoreKRange(fitMatrix, { ...kmeansOptions, kMin, kMax, silhouetteSampleSize: o.silhouetteSampleSize });
  const k = o.k ?? chooseK(scored.map((s) => s.score), o.silhouetteTolerance);
  const fit = scored.find((s) => s.score.k === k)!.fit;

  const rawLabels = assignNearest(matrix, fit.centroids, k).labels;
  const { labels, centroids } = orderByValue(rawLabels, fit.centroids, k, table.columns.monetary);
  const profiles = profileClusters({ table, labels, k, scaler, centroids });
  const pca = fitPca(fitMatrix);
  const projection = projectPca(matrix, pca);
  const stabilityIndex = uniformSample(n, o.stabilitySampleSize, o.seed + 2);
  const stability = assessStability(takeRows(matrix, stabilityIndex), Int32Array.from(stabilityIndex, (i) => labels[i]), k, {
    ...kmeansOptions,
    runs: o.stabilityRuns,
  });
  const scatter = Array.from(uniformSample(n, o.scatterMaxPoints, o.seed + 3), (i) => ({
    customerId: table.customerIds[i],
    cluster: labels[i],
    pc1: projection[i * 2],
    pc2: projection[i * 2 + 1],
  }));
  const model: SegmentationModel = {
    kind: 'kmeans-segments',
    version: 1,
    features: [...o.features],
    scaler,
    k,
    centroids: Array.from({ length: k }, (_, j) => Array.from(centroids.subarray(j * scaler.features.length, (j + 1) * scaler.features.length))),
    names: profiles.map((p) => p.name),
    tiers: profiles.map((p) => p.tier),
    pca,
  };
  return new SegmentationResult({
    model,
    kScores: scored.map((s) => s.score),
    kRule: o.k === undefined ? 'silhouette' : 'forced',
    profiles,
    comparison: table.rfmSegments ? compareWithRfm(labels, k, table.rfmSegments) : undefined,
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
  labels: Int32Array;
  names: string[];
  tiers: string[];
  /** [pc1, pc2] per customer, interleaved. */
  projection: Float64Array;
}

/**
 * Places customers with a saved model: same scaling, nearest centroid, same names, tiers and projection.
 *
 * @example
 * const { labels, names } = assignCustomers(savedModel, newTable);
 */
export function assignCustomers(model: SegmentationModel, table: CustomerTable): Assignment {
  const matrix: DenseMatrix = applyScaler(table, model.scaler);
  const { labels } = assignNearest(matrix, Float64Array.from(model.centroids.flat()), model.k);
  return {
    labels,
    names: Array.from(labels, (l) => model.names[l]),
    tiers: Array.from(labels, (l) => model.tiers[l]),
    projection: projectPca(matrix, model.pca),
  };
}
