import { buildCustomerPages } from '../data/customer-pages.ts';
import type { Store } from '../data/store.ts';
import { buildCustomerFeatures } from './features.ts';
import type { Registry } from './registry/registry.ts';
import { buildTiers, type AppliedTierRules, type TierRules } from './tiers/index.ts';

/**
 * Features and tiers follow the data. The store records after which load they were last built (table
 * `derived_state`), so a load whose rebuild never ran (the process died in between) or a version whose tables
 * predate later loads is seen and rebuilt, instead of serving features that silently miss customers.
 * Models (clusters, churn, lifetime value) are not rebuilt here: they follow at the next training.
 */

/** The newest load in the store (0 before any). */
export async function latestLoad(store: Store): Promise<number> {
  return (await store.one<{ id: number }>('SELECT coalesce(max(load_id), 0) AS id FROM loads'))!.id;
}

/** Records that the derived tables now reflect every load up to `afterLoad`. Inside the transaction that built them. */
export async function markDerived(store: Store, afterLoad: number): Promise<void> {
  await store.run(`CREATE OR REPLACE TABLE derived_state AS SELECT ${Math.floor(afterLoad)} AS after_load, now() AS built_at`);
}

/**
 * Do the derived tables miss a load? True when a load came after them, when they were never recorded (a store
 * from before the record: rebuilt once), or when there are transactions but no features.
 */
export async function derivedStale(store: Store): Promise<boolean> {
  const latest = await latestLoad(store);
  if (!(await store.has('customer_features'))) return latest > 0;
  if (!(await store.has('derived_state'))) return latest > 0;
  const row = await store.one<{ after: number }>('SELECT max(after_load) AS after FROM derived_state');
  return latest > (row?.after ?? 0);
}

/** The rules a version applied, for rebuilding its tiers on newer data: its cut points only if they came from a rules file. */
function rulesOf(applied: AppliedTierRules | undefined): TierRules {
  if (!applied) return {};
  return { ...(applied.cutsSource === 'rules file' && { cuts: applied.cuts }), segments: applied.segments, valueTiers: applied.valueTiers, lifecycle: applied.lifecycle };
}

/**
 * The tier rules of a trained version (the served one, for an upload): the built-in rules when there is none or
 * its bundle cannot be read (a damaged version is not served anyway).
 */
export function versionTierRules(registry: Registry, version: number | null): TierRules {
  if (version === null) return {};
  try {
    return rulesOf(registry.bundle<{ tiers?: AppliedTierRules }>(version).tiers);
  } catch {
    return {};
  }
}

export interface RebuildOptions {
  /** Tier rules (the served version's); default the built-in ones. */
  tierRules?: TierRules;
}

/**
 * Rebuilds features, tiers and the customer pages from the data and records it, in one transaction: readers on other connections
 * see the old tables or the new, never a mix. Without transactions there is nothing to build.
 *
 * @example
 * const { features_as_of } = await rebuildDerived(store);
 */
export async function rebuildDerived(store: Store, options: RebuildOptions = {}): Promise<{ features_as_of: string | null; tiers_built: boolean }> {
  return store.transaction(async () => {
    const latest = await latestLoad(store);
    const tx = await store.one<{ n: number }>('SELECT count(*) AS n FROM (SELECT 1 FROM transactions LIMIT 1)');
    if (!tx?.n) {
      await markDerived(store, latest);
      return { features_as_of: null, tiers_built: false };
    }
    const asOf = await buildCustomerFeatures(store);
    await buildTiers(store, options.tierRules);
    // The pages show the new orders and feedback and every customer's new features (the cutoff moved).
    await buildCustomerPages(store);
    await markDerived(store, latest);
    return { features_as_of: asOf, tiers_built: true };
  });
}
