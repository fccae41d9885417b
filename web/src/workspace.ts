/**
 * Workspace settings (`/api/workspace`): read at start so every table and chart shows money in its currency,
 * and in the workspace's default language when this browser has not chosen one.
 */
import type { Workspace } from '../../server/contracts.ts';
import { api } from './api.ts';
import { setCurrency, setLocale } from './format.ts';
import { locale, t, useDefaultLanguage } from './i18n/index.svelte.ts';

export type { Workspace };

/** The language (the workspace's default unless the browser chose) and with it how numbers and dates read. */
function applyLanguage(language: string | undefined): void {
  useDefaultLanguage(language);
  setLocale(locale(), { day: t('common.day'), days: t('common.days'), yes: t('common.yes'), no: t('common.no') });
}

function apply(workspace: Workspace): Workspace {
  applyLanguage(workspace.language);
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
  return api<Workspace>('/api/workspace').then(apply, () => {
    applyLanguage(undefined);
    return undefined;
  });
}

/** Saves changed settings (admin) and applies them. */
export async function saveWorkspace(changes: Partial<Workspace>): Promise<Workspace> {
  return apply(await api<Workspace>('/api/workspace', { method: 'PUT', body: changes }));
}
