import type { FeatureOptions } from '../../data/features.ts';
import type { Store } from '../../data/store.ts';
import type { TransactionArrays } from '../clv/summary.ts';
import type { AppliedTierRules, TierRules } from '../tiers/index.ts';

export type EngineName = 'duckdb' | 'clickhouse';
export const ENGINE_NAMES: readonly EngineName[] = ['duckdb', 'clickhouse'];

/** A step of the set work, for progress reports (JSON lines, Server-Sent Events). */
export interface EngineProgress {
  step: string;
  engine: EngineName;
  [detail: string]: unknown;
}

/** Customers with a purchase before the cutoff, 1 when they buy nothing in the horizon after it. */
export interface ChurnLabel {
  customer_id: string;
  churned: number;
}

/** How an engine describes itself in a run's manifest and progress: its name, then what it connected to. */
export type EngineDescription = { engine: EngineName } & Record<string, unknown>;

/**
 * Where the set work over transactions runs: features as of a cutoff, RFM cut points and scores, ABC and value
 * tiers, lifecycle stages, the behavioural churn labels, and the customer-day lines lifetime value fits on. Every result lands in the local DuckDB store (the
 * same tables with the same column types, whichever engine), so training, scoring and serving read local tables.
 *
 * - `duckdb` (default): the store's own transactions, the SQL of data/features.ts and models/tiers.
 * - `clickhouse`: the user's ClickHouse tables; each shard aggregates its customers, the initiating node takes
 *   the global steps, and the per-customer rows stream into the store (models/engine/clickhouse.ts).
 */
export interface Engine {
  readonly name: EngineName;
  /** The configuration as it may be shown: never a password. */
  describe(): EngineDescription;
  /** The day after the last transaction (UTC), or today without any. */
  defaultAsOf(store: Store): Promise<string>;
  /** Features as of the cutoff into a store table (default `customer_features`); returns the cutoff. */
  buildFeatures(store: Store, options?: FeatureOptions): Promise<string>;
  /** Tiers of the customers last built into `customer_features`, into `customer_rfm`. */
  buildTiers(store: Store, rules?: TierRules): Promise<AppliedTierRules>;
  behaviouralLabels(store: Store, options: { cutoff: string; horizonDays: number }): Promise<ChurnLabel[]>;
  /** What lifetime value reads: per customer and day, the nets of non-negative and of negative lines before the cutoff. */
  dayLines(store: Store, options: { before: string }): Promise<TransactionArrays>;
  /**
   * Writes a promoted version's scores and tiers back beside the data (ClickHouse: `tierlab_customer_scores`,
   * replaced atomically); the DuckDB engine's data is the store itself, so it writes nothing.
   */
  writeBack(store: Store, options: { outputsDir: string; version: number }): Promise<{ table: string; rows: number } | null>;
  close(): Promise<void>;
}
