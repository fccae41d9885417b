import { badInput, notFound } from '../../data/errors.ts';
import type { Store } from '../../data/store.ts';

export interface HistoryVersion {
  version: number;
  recorded_at: string;
  as_of: string | null;
  customers: number;
}

/** The versions recorded in the history, oldest first. */
export async function historyVersions(store: Store): Promise<HistoryVersion[]> {
  return store.all<HistoryVersion>(
    `SELECT version, min(recorded_at) AS recorded_at, CAST(min(as_of) AS VARCHAR) AS as_of, count(*) AS customers
     FROM tier_history GROUP BY version ORDER BY version`,
  );
}

export interface Comparison {
  from: HistoryVersion;
  to: HistoryVersion;
}

export interface CompareOptions {
  /** The later version; default the newest recorded. */
  toVersion?: number;
  /** The earlier version; default the one before `to`. */
  fromVersion?: number;
  /** Instead of fromVersion: the newest version recorded on or before this UTC date (YYYY-MM-DD). */
  since?: string;
}

/**
 * The two versions a flow or an alert list compares: by default the newest and the one before it ("since the
 * last run"), or a chosen earlier version, or the version in force on a chosen date.
 */
export async function comparedVersions(store: Store, options: CompareOptions = {}): Promise<Comparison> {
  const versions = await historyVersions(store);
  if (versions.length < 2) throw notFound(`the tier history has ${versions.length} version${versions.length === 1 ? '' : 's'}: a comparison needs two trained versions (tierlab retrain)`);
  const find = (v: number, field: string) => {
    const found = versions.find((x) => x.version === v);
    if (!found) throw notFound(`version ${v} is not in the tier history (recorded: ${versions.map((x) => x.version).join(', ')})`, { field });
    return found;
  };
  const to = options.toVersion === undefined ? versions.at(-1)! : find(options.toVersion, 'to_version');
  let from: HistoryVersion | undefined;
  if (options.fromVersion !== undefined) from = find(options.fromVersion, 'from_version');
  else if (options.since !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(options.since) || Number.isNaN(Date.parse(options.since))) throw badInput(`since must be a date YYYY-MM-DD, got "${options.since}"`, { field: 'since' });
    const end = Date.parse(options.since) + 86_400_000;
    from = versions.filter((x) => x.version < to.version && Date.parse(x.recorded_at) < end).at(-1);
    if (!from) throw notFound(`no version was recorded on or before ${options.since} (the first: ${versions[0].recorded_at.slice(0, 10)})`, { field: 'since' });
  } else from = versions.filter((x) => x.version < to.version).at(-1);
  if (!from) throw notFound(`version ${to.version} is the first in the tier history: nothing to compare it with`, { field: 'to_version' });
  if (from.version >= to.version) throw badInput(`from_version (${from.version}) must be before to_version (${to.version})`, { field: 'from_version' });
  return { from, to };
}

/** A customer's tiers in one recorded version. */
export interface CustomerTierPoint {
  version: number;
  recorded_at: string;
  as_of: string | null;
  value_tier: string | null;
  rfm_segment: string | null;
  lifecycle_stage: string | null;
  risk_band: string | null;
  churn_probability: number | null;
  cluster: string | null;
}

/** One customer's tiers in every recorded version, oldest first. */
export async function customerTierHistory(store: Store, customerId: string): Promise<CustomerTierPoint[]> {
  return store.all<CustomerTierPoint>(
    `SELECT version, recorded_at, CAST(as_of AS VARCHAR) AS as_of, value_tier, rfm_segment, lifecycle_stage, risk_band, churn_probability, cluster
     FROM tier_history WHERE customer_id = $1 ORDER BY version`,
    [customerId],
  );
}
