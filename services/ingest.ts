import type { IngestOptions } from '../data/ingest-options.ts';
import { ingestFile } from '../data/ingest.ts';
import type { IngestSummary } from '../data/loads.ts';
import type { Store } from '../data/store.ts';
import { rebuildDerived } from '../models/derived.ts';
import type { TierRules } from '../models/tiers/index.ts';

export interface IngestDatasetOptions extends IngestOptions {
  /** The rules the tiers are rebuilt with: the served version's (`versionTierRules`, models/derived.ts); default the built-in ones. */
  tierRules?: TierRules;
  /**
   * Runs the load itself (not the rebuild after it), e.g. under the API's upload time limit: once the data has
   * landed, the rebuild runs to the end (were the process to die first, the start-up check redoes it).
   */
  loadWithin?: (load: () => Promise<IngestSummary>) => Promise<IngestSummary>;
}

export interface IngestDatasetResult {
  summary: IngestSummary;
  /** The cutoff the features were rebuilt at; null before any transactions. */
  features_as_of: string | null;
  tiers_built: boolean;
}

/**
 * Loads a file and refreshes what depends on the data (features and tiers): `tierlab ingest` and
 * `POST /api/datasets/:kind`. All-or-nothing as `ingestFile` is; a rejected file rebuilds nothing.
 *
 * @example
 * const { summary, features_as_of } = await ingestDataset(store, { kind: 'transactions', file: 'orders.csv' });
 */
export async function ingestDataset(store: Store, options: IngestDatasetOptions): Promise<IngestDatasetResult> {
  const { tierRules, loadWithin = (load) => load(), ...ingest } = options;
  const summary = await loadWithin(() => ingestFile(store, ingest));
  return { summary, ...(await rebuildDerived(store, { tierRules })) };
}
