/** Notebooks on the server (`/api/notebooks`), and the default notebooks for a fresh install. */
import { api } from '../api.ts';
import clustersVsRfm from './defaults/clusters-vs-rfm-tiers.json';
import retention from './defaults/retention-at-risk.json';
import tiersToAction from './defaults/tiers-to-action.json';
import { DEFAULT_NOTEBOOKS_ZH } from './defaults/zh.ts';
import { i18n, t } from '../i18n/index.svelte.ts';
import { notebookId, type Notebook, type NotebookEntry } from './model.ts';
import { notebookDocument, parseNotebook } from './serialize.ts';

export const DEFAULT_NOTEBOOKS = [clustersVsRfm, retention, tiersToAction].map((doc) => parseNotebook(doc));

/**
 * The default notebooks in the UI's language: in Chinese their titles, text cells and input labels are
 * DEFAULT_NOTEBOOKS_ZH's; the cells themselves (SQL, views, params) are the same.
 *
 * @example
 * defaultNotebooks()[0].title; // '聚类与 RFM 分层' in 中文
 */
export function defaultNotebooks(): Notebook[] {
  if (i18n.lang !== 'zh') return DEFAULT_NOTEBOOKS;
  return DEFAULT_NOTEBOOKS.map((doc) => {
    const words = DEFAULT_NOTEBOOKS_ZH[doc.id];
    if (!words) return doc;
    const cells = doc.cells.map((cell) => {
      const cellWords = words.cells[cell.id];
      if (cell.kind === 'markdown' && cellWords?.source) return { ...cell, source: cellWords.source };
      if (cell.kind === 'input' && cellWords?.label) return { ...cell, options: { ...cell.options, label: cellWords.label } };
      return cell;
    });
    return { ...doc, title: words.title, cells };
  });
}

export async function listNotebooks(): Promise<NotebookEntry[]> {
  return (await api<{ notebooks: NotebookEntry[] }>('/api/notebooks')).notebooks;
}

export async function loadNotebook(id: string): Promise<Notebook> {
  return parseNotebook(await api(`/api/notebooks/${encodeURIComponent(id)}`));
}

/**
 * Saves (creates or replaces) a notebook; the answer carries the server's new `version` and `updated_at`. A
 * notebook that came from the server names the version it started from, so a save over someone else's newer
 * one fails with `ApiError` code `conflict` (its details: the stored `{version, title, updated_at}`).
 *
 * @example
 * await saveNotebook({ id: 'q3-review', title: 'Q3 review', cells: [] });
 */
export async function saveNotebook(notebook: Notebook): Promise<Notebook> {
  const body = { ...notebookDocument(notebook), base_version: notebook.version };
  return parseNotebook(await api(`/api/notebooks/${encodeURIComponent(notebook.id)}`, { method: 'PUT', body }));
}

/** What a refused save says about the version stored on the server. */
export interface SaveConflict {
  version: number;
  title: string | null;
  updated_at: string | null;
}

export async function deleteNotebook(id: string): Promise<void> {
  await api(`/api/notebooks/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** A copy under a new id and title; cells keep their ids, which only need to be unique within a notebook. */
export async function duplicateNotebook(notebook: Notebook): Promise<Notebook> {
  const title = t('notebook.copyTitle', { title: notebook.title });
  // A JSON round trip also strips Svelte's state proxies, which structuredClone refuses.
  return saveNotebook({ id: notebookId(title), title, cells: JSON.parse(JSON.stringify(notebook.cells)) });
}

/**
 * The notebook list, with the defaults created first when there is none yet (the server does not seed), in
 * the UI's language (known before: App reads the workspace's default language first).
 *
 * @example
 * const entries = await listWithDefaults();
 */
export async function listWithDefaults(): Promise<NotebookEntry[]> {
  const entries = await listNotebooks();
  if (entries.length) return entries;
  await Promise.all(defaultNotebooks().map(saveNotebook));
  return listNotebooks();
}
