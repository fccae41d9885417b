/** Notebooks on the server (`/api/notebooks`), and the two default notebooks for a fresh install. */
import { api } from '../api.ts';
import clustersVsRfm from './defaults/clusters-vs-rfm-tiers.json';
import retention from './defaults/retention-at-risk.json';
import { notebookId, type Notebook, type NotebookEntry } from './model.ts';
import { notebookDocument, parseNotebook } from './serialize.ts';

export const DEFAULT_NOTEBOOKS = [clustersVsRfm, retention].map((doc) => parseNotebook(doc));

export async function listNotebooks(): Promise<NotebookEntry[]> {
  return (await api<{ notebooks: NotebookEntry[] }>('/api/notebooks')).notebooks;
}

export async function loadNotebook(id: string): Promise<Notebook> {
  return parseNotebook(await api(`/api/notebooks/${encodeURIComponent(id)}`));
}

/**
 * Saves (creates or replaces) a notebook; the answer carries the server's `updated_at`.
 *
 * @example
 * await saveNotebook({ id: 'q3-review', title: 'Q3 review', cells: [] });
 */
export async function saveNotebook(notebook: Notebook): Promise<Notebook> {
  return parseNotebook(await api(`/api/notebooks/${encodeURIComponent(notebook.id)}`, { method: 'PUT', body: notebookDocument(notebook) }));
}

export async function deleteNotebook(id: string): Promise<void> {
  await api(`/api/notebooks/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** A copy under a new id and title; cells keep their ids, which only need to be unique within a notebook. */
export async function duplicateNotebook(notebook: Notebook): Promise<Notebook> {
  const title = `${notebook.title} (copy)`;
  // A JSON round trip also strips Svelte's state proxies, which structuredClone refuses.
  return saveNotebook({ id: notebookId(title), title, cells: JSON.parse(JSON.stringify(notebook.cells)) });
}

/**
 * The notebook list, with the defaults created first when there is none yet (the server does not seed).
 *
 * @example
 * const entries = await listWithDefaults();
 */
export async function listWithDefaults(): Promise<NotebookEntry[]> {
  const entries = await listNotebooks();
  if (entries.length) return entries;
  await Promise.all(DEFAULT_NOTEBOOKS.map(saveNotebook));
  return listNotebooks();
}
