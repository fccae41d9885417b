/** App-wide UI state shared across components: the caller's role, the open customer profile, an export under way. */

export type Role = 'admin' | 'analyst' | 'retention';

const RANK: Record<Role, number> = { retention: 1, analyst: 2, admin: 3 };

export const ui = $state({
  role: null as Role | null,
  /** The customer whose profile is open, if any. */
  customerId: null as string | null,
  /** An HTML report is being taken: tables show every row, so the report holds what the notebook has. */
  exporting: false,
});

/**
 * Whether the current role may use a control that needs `needed`; controls it may not use are not shown.
 *
 * @example
 * {#if may('admin')}<button>Activate</button>{/if}
 */
export function may(needed: Role): boolean {
  return ui.role !== null && RANK[ui.role] >= RANK[needed];
}

/** Opens the profile of a customer (a table row or a scatter point was clicked). */
export function openCustomer(id: unknown): void {
  if (id !== null && id !== undefined && id !== '') ui.customerId = String(id);
}
