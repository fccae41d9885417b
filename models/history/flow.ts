import { badInput } from '../../data/errors.ts';
import { ident, type Store } from '../../data/store.ts';
import { comparedVersions, type CompareOptions, type HistoryVersion } from './versions.ts';

export const FLOW_COLUMNS = ['value_tier', 'rfm_segment', 'lifecycle_stage', 'risk_band', 'cluster'] as const;
export type FlowColumn = (typeof FLOW_COLUMNS)[number];

export interface TierFlow {
  column: FlowColumn;
  from: HistoryVersion;
  to: HistoryVersion;
  /** Customers in both versions whose value changed. */
  moved: number;
  /** Customers in both versions. */
  total: number;
  /** Customers only in the later version (new since). */
  entered: number;
  cells: { from: string | null; to: string | null; customers: number }[];
}

/**
 * How many customers moved between the values of one tier column from one version to another.
 *
 * @example
 * const flow = await tierFlow(store, { column: 'value_tier' }); // the newest version against the one before
 */
export async function tierFlow(store: Store, options: CompareOptions & { column?: FlowColumn } = {}): Promise<TierFlow> {
  const column = options.column ?? 'value_tier';
  if (!FLOW_COLUMNS.includes(column)) throw badInput(`column must be one of ${FLOW_COLUMNS.join(', ')}`, { field: 'column' });
  const { from, to } = await comparedVersions(store, options);
  const c = ident(column);
  const cells = await store.all<{ from: string | null; to: string | null; customers: number }>(
    `SELECT o.${c} AS "from", n.${c} AS "to", count(*) AS customers
     FROM (SELECT * FROM tier_history WHERE version = $from) o JOIN (SELECT * FROM tier_history WHERE version = $to) n USING (customer_id)
     GROUP BY ALL ORDER BY customers DESC, "from", "to"`,
    { from: from.version, to: to.version },
  );
  const entered = await store.one<{ n: number }>(
    `SELECT count(*) AS n FROM tier_history n WHERE version = $to AND NOT EXISTS (SELECT 1 FROM tier_history o WHERE o.version = $from AND o.customer_id = n.customer_id)`,
    { from: from.version, to: to.version },
  );
  const total = cells.reduce((s, x) => s + x.customers, 0);
  const moved = cells.filter((x) => x.from !== x.to).reduce((s, x) => s + x.customers, 0);
  return { column, from, to, moved, total, entered: entered?.n ?? 0, cells };
}
