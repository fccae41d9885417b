import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { literal, Store } from '../../data/store.ts';
import { assignCustomers, describeStoredSegments, loadCustomerTable, saveClusters, segmentCustomers, SegmentationResult, type CustomerTable } from '../../models/clusters/index.ts';
import { seededGaussian, seededRandom } from '../../models/clusters/random.ts';
import segmentCommand from '../../scripts/commands/segment.ts';

/** Four kinds of customer with the spread of real shops: loyal big spenders, regulars, lapsed one-timers, sign-ups who never bought. */
const ARCHETYPES = [
  { segment: 'Champions', weight: 0.15, recency: 8, frequency: 14, monetary: 2500 },
  { segment: 'Loyal', weight: 0.3, recency: 45, frequency: 4, monetary: 350 },
  { segment: 'Lost', weight: 0.35, recency: 320, frequency: 1, monetary: 45 },
  { segment: 'Other', weight: 0.2, recency: null, frequency: 0, monetary: 0 },
];

async function featureStore(path: string, customers: number, seed: number): Promise<Store> {
  const store = await Store.open({ path });
  const uniform = seededRandom(seed);
  const gauss = seededGaussian(seed + 1);
  const features: string[] = [];
  const rfm: string[] = [];
  for (let i = 0; i < customers; i++) {
    let pick = uniform();
    const a = ARCHETYPES.find((t) => (pick -= t.weight) < 0) ?? ARCHETYPES[0];
    const id = literal(`C${String(i).padStart(5, '0')}`);
    const jitter = () => Math.exp(0.35 * gauss());
    const frequency = a.frequency === 0 ? 0 : Math.max(1, Math.round(a.frequency * jitter()));
    // Some customers return more than they buy: monetary below zero must not break the scaling.
    const monetary = a.frequency === 0 ? 0 : uniform() < 0.03 ? -20 * jitter() : a.monetary * jitter();
    const recency = a.recency === null ? 'NULL' : Math.round(a.recency * jitter());
    features.push(`(${id}, ${recency}, ${frequency}, ${monetary.toFixed(2)}, ${(uniform() * 0.2).toFixed(3)})`);
    rfm.push(`(${id}, ${literal(a.segment)})`);
  }
  await store.run('CREATE TABLE customer_features (customer_id VARCHAR, recency_days INTEGER, frequency INTEGER, monetary DECIMAL(18,2), return_rate DOUBLE)');
  await store.run(`INSERT INTO customer_features VALUES ${features.join(', ')}`);
  await store.run('CREATE TABLE customer_rfm (customer_id VARCHAR, rfm_segment VARCHAR)');
  await store.run(`INSERT INTO customer_rfm VALUES ${rfm.join(', ')}`);
  return store;
}

describe('segmentation of a small realistic feature table', () => {
  let store: Store;
  let table: CustomerTable;
  const options = { kMin: 2, kMax: 6, seed: 7, stabilityRuns: 3 };

  beforeAll(async () => {
    store = await featureStore(':memory:', 1500, 17);
    table = await loadCustomerTable(store, ['recency_days', 'frequency', 'monetary']);
  });
  afterAll(() => store.close());

  /** Customers with a purchase order and positive net spend: the ones k-means sees. */
  const buyers = () => table.customerIds.map((_, i) => i).filter((i) => table.columns.frequency[i] > 0 && table.columns.monetary[i] > 0);

  it('scores every k, picks one by the silhouette rule and profiles the clusters', () => {
    const result = segmentCustomers(table, options);
    const { k } = result.model;
    expect(result.kScores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6]);
    const best = Math.max(...result.kScores.map((s) => s.silhouette));
    expect(result.kScores.find((s) => s.k === k)!.silhouette).toBeGreaterThanOrEqual(best - 0.01);
    expect(result.kScores.every((s) => s.k >= k || s.silhouette < best - 0.01)).toBe(true);
    const { profiles, noPurchases, overall } = result;
    expect(new Set(profiles.map((p) => p.name)).size).toBe(k);
    expect(profiles.reduce((s, p) => s + p.size, 0)).toBe(buyers().length);
    expect(overall.size).toBe(buyers().length);
    expect(profiles.reduce((s, p) => s + p.size, 0) + noPurchases.size).toBe(1500);
    expect(profiles.reduce((s, p) => s + p.revenueShare, 0) + noPurchases.revenueShare).toBeCloseTo(1, 9);
    expect(profiles[0].tier).toBe('VIP');
    expect(profiles.at(-1)!.tier).toBe('Low value');
    for (let c = 1; c < k; c++) expect(profiles[c].meanMonetary).toBeLessThanOrEqual(profiles[c - 1].meanMonetary);
  });

  it('sets customers without a purchase or positive net spend apart as "No purchases yet", outside k-means', () => {
    const result = segmentCustomers(table, { ...options, k: 3 });
    const inside = new Set(buyers());
    expect(inside.size).toBeLessThan(1500);
    result.labels.forEach((label, i) => expect(label === -1).toBe(!inside.has(i)));
    const { noPurchases } = result;
    expect(noPurchases).toMatchObject({ name: 'No purchases yet', tier: 'Low value', size: 1500 - inside.size });
    expect(noPurchases.medians.frequency).toBe(0);
    // No cluster is spent on them, and they are not drawn (they would all sit on one point).
    for (const p of result.profiles) expect(p.medians.frequency).toBeGreaterThan(0);
    result.labels.forEach((label, i) => expect(Number.isNaN(result.projection[i * 2])).toBe(label === -1));
    expect(result.scatter.every((p) => p.cluster >= 0)).toBe(true);
  });

  it('describes every cluster by means and medians in original units and z in the clustering space', () => {
    const result = segmentCustomers(table, { ...options, k: 3 });
    const members = (c: number) => buyers().filter((i) => result.labels[i] === c);
    for (const p of result.profiles) {
      const spend = members(p.cluster).map((i) => table.columns.monetary[i]);
      expect(p.size).toBe(spend.length);
      expect(p.means.monetary).toBeCloseTo(spend.reduce((s, v) => s + v, 0) / spend.length, 6);
      const sorted = [...spend].sort((a, b) => a - b);
      const middle = sorted.length >> 1;
      expect(p.medians.monetary).toBeCloseTo(sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2, 9);
    }
    // The z of each feature, weighted by cluster size, averages to 0 over the buyers (standardized over them).
    for (const feature of ['recency_days', 'frequency', 'monetary']) {
      const weighted = result.profiles.reduce((s, p) => s + p.z[feature] * p.size, 0) / result.overall.size;
      expect(Math.abs(weighted)).toBeLessThan(1e-9);
    }
    expect(result.profiles[0].distinguishing[0].z).toBe(result.profiles[0].z[result.profiles[0].distinguishing[0].feature]);
  });

  it('finds the three kinds of buyer when k = 3, agreeing with their RFM segments', () => {
    const result = segmentCustomers(table, { ...options, k: 3 });
    const { comparison, profiles, stability } = result;
    expect(result.kRule).toBe('forced');
    expect(comparison!.adjustedRandIndex).toBeGreaterThan(0.8);
    expect(comparison!.normalizedMutualInfo).toBeGreaterThan(0.8);
    expect(comparison!.adjustedMutualInfo).toBeGreaterThan(0.8);
    expect(comparison!.adjustedMutualInfo).toBeLessThanOrEqual(comparison!.normalizedMutualInfo);
    expect(comparison!.counts.flat().reduce((s, v) => s + v, 0)).toBe(buyers().length);
    for (const row of comparison!.rowShares) expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 9);
    expect(comparison!.mixes[0][0].segment).toBe('Champions');
    expect(profiles[0].medians.frequency).toBeGreaterThan(8);
    expect(stability.meanAri).toBeGreaterThan(0.9);
    expect(result.scatter.length).toBeLessThanOrEqual(5000);
  });

  it('is deterministic for a seed, and a saved model places customers the same way', () => {
    const a = segmentCustomers(table, { ...options, k: 3 });
    const b = segmentCustomers(table, { ...options, k: 3 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const saved = JSON.parse(JSON.stringify(a)).model;
    const again = assignCustomers(saved, table);
    expect(Array.from(again.labels)).toEqual(Array.from(a.labels));
    expect(again.projection[10]).toBeCloseTo(a.projection[10], 12);
  });

  it('fits on a sample when asked and still assigns every customer', () => {
    const result = segmentCustomers(table, { ...options, k: 3, fitSampleSize: 400, scatterMaxPoints: 100 });
    expect(result.fitRows).toBe(400);
    expect(result.labels).toHaveLength(1500);
    expect(result.scatter).toHaveLength(100);
    expect(result.comparison!.adjustedRandIndex).toBeGreaterThan(0.8);
  });

  it('replaces customer_clusters (in one transaction) and joins it into customer_analytics', async () => {
    await saveClusters(store, segmentCustomers(table, { ...options, k: 4 }));
    await saveClusters(store, segmentCustomers(table, { ...options, k: 3 }));
    const row = await store.one<{ n: number; clusters: number; named: number }>(
      'SELECT count(*) AS n, count(DISTINCT cluster) AS clusters, count(cluster_name) AS named FROM customer_analytics',
    );
    expect(row).toEqual({ n: 1500, clusters: 3, named: 1500 });
    const apart = await store.one<{ n: number; clustered: number; drawn: number; names: string }>(
      `SELECT count(*) AS n, count(cluster) AS clustered, count(pc1) AS drawn, string_agg(DISTINCT cluster_name || '/' || cluster_tier) AS names
       FROM customer_clusters WHERE customer_id IN (SELECT customer_id FROM customer_features WHERE frequency = 0 OR monetary <= 0)`,
    );
    expect(apart).toEqual({ n: 1500 - buyers().length, clustered: 0, drawn: 0, names: 'No purchases yet/Low value' });
  });

  it('describes the stored segmentation on the store by the same function', async () => {
    const result = segmentCustomers(table, { ...options, k: 3 });
    await saveClusters(store, result);
    const stored = await describeStoredSegments(store, { features: result.model.features, names: result.model.names, tiers: result.model.tiers });
    expect(JSON.parse(JSON.stringify(stored.clusters))).toEqual(JSON.parse(JSON.stringify(result.profiles)));
    expect(stored.noPurchases).toEqual(result.noPurchases);
    expect(stored.overall).toEqual(result.overall);
  });

  it('leaves the previous customer_clusters in place when a save fails half-way', async () => {
    const good = segmentCustomers(table, { ...options, k: 3 });
    await saveClusters(store, good);
    // Names missing from cluster 1 on: the appender fails at the first customer outside cluster 0, after the CREATE OR REPLACE.
    const broken = new SegmentationResult({ ...good, model: { ...good.model, names: [good.model.names[0]] } });
    await expect(saveClusters(store, broken)).rejects.toThrow();
    const row = await store.one<{ n: number; named: number }>('SELECT count(*) AS n, count(cluster_name) AS named FROM customer_clusters');
    expect(row).toEqual({ n: 1500, named: 1500 });
  });

  it('rejects a feature the table does not have', async () => {
    await expect(loadCustomerTable(store, ['recency_days', 'shoe_size'])).rejects.toThrow(/non-numeric feature "shoe_size"/);
  });
});

describe('tierlab segment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tierlab-segment-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs on a store file and prints clean JSON', async () => {
    const db = join(dir, 'store.duckdb');
    (await featureStore(db, 400, 3)).close();
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await segmentCommand.main(['--db', db, '--k-range', '2..4', '--features', 'recency_days,frequency,monetary,return_rate', '--json'])).toBe(0);
    } finally {
      log.mockRestore();
      stderr.mockRestore();
    }
    const out = JSON.parse(printed.join('\n'));
    expect(out.features).toEqual(['recency_days', 'frequency', 'monetary', 'return_rate']);
    expect(out.kScores).toHaveLength(3);
    expect(out.profiles).toHaveLength(out.k);
    const store = await Store.open({ path: db });
    try {
      expect((await store.one<{ n: number }>('SELECT count(*) AS n FROM customer_clusters'))!.n).toBe(400);
      expect(out.noPurchases.size + out.segmented).toBe(400);
    } finally {
      store.close();
    }
  });
});
