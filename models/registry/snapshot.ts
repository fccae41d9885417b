/** What a version records about the data and code it was trained with, and how the features moved since. */

import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { copyNumbers, resultChunks } from '../../data/chunks.ts';
import { ident, type Store } from '../../data/store.ts';
import { binProfile, populationStabilityIndex, psiBand, type BinProfile } from './drift.ts';
import type { Manifest } from './registry.ts';

const FEATURE_COLUMNS_SQL = `SELECT column_name AS name FROM duckdb_columns() WHERE table_name = 'customer_features'
  AND (data_type IN ('BIGINT', 'INTEGER', 'DOUBLE', 'HUGEINT') OR data_type LIKE 'DECIMAL%')`;

/** Every numeric feature column of `customer_features`, read once for both profiles and drift (NULL -> NaN). */
export async function numericFeatures(store: Store): Promise<Record<string, Float64Array>> {
  const names = (await store.all<{ name: string }>(FEATURE_COLUMNS_SQL)).map((r) => r.name);
  if (!names.length) return {};
  // Streamed chunk by chunk into typed arrays: no row object or boxed number per customer.
  const rows = (await store.one<{ n: number }>('SELECT count(*) AS n FROM customer_features'))!.n;
  const values = names.map(() => new Float64Array(rows));
  let at = 0;
  for await (const chunk of resultChunks(store.connection, `SELECT ${names.map((n) => `CAST(${ident(n)} AS DOUBLE)`).join(', ')} FROM customer_features`)) {
    values.forEach((into, j) => copyNumbers(chunk, j, into, at));
    at += chunk.rowCount;
  }
  return Object.fromEntries(names.map((name, j) => [name, values[j]]));
}

/** Decile profiles of every feature: what drift is measured against next time. */
export function featureProfiles(features: Record<string, Float64Array>): Record<string, BinProfile> {
  return Object.fromEntries(Object.entries(features).map(([name, values]) => [name, binProfile(values)]));
}

/** PSI of each feature the previous version profiled, against the features just built. */
export function featureDrift(features: Record<string, Float64Array>, previous: Record<string, BinProfile> | undefined): Manifest['drift'] {
  if (!previous) return undefined;
  const drift: NonNullable<Manifest['drift']> = {};
  for (const [name, profile] of Object.entries(previous)) {
    if (!features[name]) continue;
    const psi = populationStabilityIndex(profile, features[name]);
    drift[name] = { psi: Math.round(psi * 10000) / 10000, band: psiBand(psi) };
  }
  return drift;
}

/** Counts, time range and an order-independent content hash of the input tables (content only: not which load). */
export async function dataSnapshot(store: Store, asOf: string): Promise<Manifest['data_snapshot']> {
  const row = (await store.one<Record<string, unknown>>(`SELECT
      (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM transactions) AS transactions,
      (SELECT count(*) FROM feedback) AS feedback,
      (SELECT min(timestamp) FROM transactions) AS "from", (SELECT max(timestamp) FROM transactions) AS "to",
      (SELECT CAST(coalesce(sum(hash(c)), 0) AS VARCHAR) FROM customers c) AS hc,
      (SELECT CAST(coalesce(sum(hash(t)), 0) AS VARCHAR) FROM (SELECT * EXCLUDE (load_id) FROM transactions) t) AS ht,
      (SELECT CAST(coalesce(sum(hash(f)), 0) AS VARCHAR) FROM (SELECT * EXCLUDE (load_id) FROM feedback) f) AS hf,
      (SELECT coalesce(max(load_id), 0) FROM loads) AS load_id`))!;
  const hash = createHash('sha256').update(`${row.hc}|${row.ht}|${row.hf}|${row.customers}|${row.transactions}|${row.feedback}`).digest('hex');
  return {
    as_of: asOf,
    from: row.from as string | null,
    to: row.to as string | null,
    rows: { customers: row.customers as number, transactions: row.transactions as number, feedback: row.feedback as number },
    content_hash: `sha256:${hash}`,
    load_id: row.load_id as number,
  };
}

export function libraryVersions(): Record<string, string> {
  const versions: Record<string, string> = { node: process.version };
  const root = join(import.meta.dirname, '..', '..', 'node_modules');
  for (const name of ['@duckdb/node-api', '@tensorflow/tfjs', '@tensorflow/tfjs-node', 'ml-kmeans', 'natural', 'hono']) {
    const file = join(root, name, 'package.json');
    if (existsSync(file)) versions[name] = (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return versions;
}
