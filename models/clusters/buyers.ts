import type { CustomerTable } from './table.ts';

/**
 * Customers without a purchase order, or whose returns cancel their purchases (net spend zero or below), are
 * not segmented: they all sit at one corner of the feature space (no recency, no orders, no money), so k-means
 * spent a cluster on them (the demo's "Lapsed non-buyers", 882 of 896 never bought) and they stretched the
 * scaling the buyers are compared on. They form this fixed group instead, outside k-means.
 */
export const NO_PURCHASES = { name: 'No purchases yet', tier: 'Low value' } as const;

/** The label of a customer in the fixed group, where cluster labels are 0..k-1. */
export const UNCLUSTERED = -1;

/**
 * Rows of the customers k-means segments: at least one purchase order and positive net spend. A table without
 * `frequency` or `monetary` columns (custom features only) says nothing about purchases, so every row counts.
 *
 * @example
 * const rows = buyerRows(table); // Uint32Array of row indices, ascending
 */
export function buyerRows(table: CustomerTable): Uint32Array {
  const { frequency, monetary } = table.columns;
  const n = table.customerIds.length;
  if (!frequency || !monetary) return Uint32Array.from({ length: n }, (_, i) => i);
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (frequency[i] > 0 && monetary[i] > 0) rows.push(i);
  return Uint32Array.from(rows);
}

/**
 * The table restricted to `rows`, in their order.
 *
 * @example
 * const buyers = selectRows(table, buyerRows(table));
 */
export function selectRows(table: CustomerTable, rows: ArrayLike<number>): CustomerTable {
  const pick = <T>(values: ArrayLike<T>) => Array.from(rows, (i) => values[i]);
  return {
    customerIds: pick(table.customerIds),
    columns: Object.fromEntries(Object.entries(table.columns).map(([name, values]) => [name, Float64Array.from(pick(values))])),
    ...(table.rfmSegments && { rfmSegments: pick(table.rfmSegments) }),
  };
}
