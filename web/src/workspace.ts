/** Workspace settings (`/api/workspace`): read at start so every table and chart shows money in its currency. */
import type { Workspace } from '../../server/contracts.ts';
import { api } from './api.ts';
import { setCurrency } from './format.ts';

export type { Workspace };

function apply(workspace: Workspace): Workspace {
  setCurrency({ code: workspace.currency, display: workspace.currency_display, decimals: workspace.currency_decimals });
  return workspace;
}

/**
 * Reads the settings and applies the currency; without them (an old server, no access) money stays plain.
 *
 * @example
 * await loadWorkspace(); // before the first notebook draws
 */
export async function loadWorkspace(): Promise<Workspace | undefined> {
  return api<Workspace>('/api/workspace').then(apply, () => undefined);
}

/** Saves changed settings (admin) and applies them. */
export async function saveWorkspace(changes: Partial<Workspace>): Promise<Workspace> {
  return apply(await api<Workspace>('/api/workspace', { method: 'PUT', body: changes }));
}
