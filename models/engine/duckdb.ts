import { defaultAsOf } from '../../data/dates.ts';
import { buildFeatures } from '../../data/features.ts';
import { behaviouralLabels } from '../churn/dataset.ts';
import { readTransactions } from '../clv/table.ts';
import { buildTiers } from '../tiers/index.ts';
import type { Engine } from './types.ts';

/**
 * The embedded default: the set work runs in the store's own DuckDB over its own transactions, with exactly
 * the functions Tierlab used before engines existed (results unchanged).
 */
export const duckdbEngine: Engine = {
  name: 'duckdb',
  describe: () => ({ engine: 'duckdb' }),
  defaultAsOf,
  buildFeatures: (store, options) => buildFeatures(store, options),
  buildTiers: (store, rules) => buildTiers(store, rules),
  behaviouralLabels,
  dayLines: readTransactions,
  writeBack: async () => null,
  close: async () => {},
};
