/**
 * Reading a model version's manifest for display. The server parses manifests at the edge
 * (models/registry/manifest.ts), so each figure is read from its typed field.
 */
import type { Manifest } from '../../../server/contracts.ts';

/** The figures a version table shows: a label and the manifest field it reads. */
const FIGURES: [label: string, read: (manifest: Manifest) => number | undefined][] = [
  ['customers', (m) => m.data_snapshot.rows?.customers],
  ['churn ROC AUC', (m) => m.evaluation.churn?.evaluation.roc_auc],
  ['churn PR AUC', (m) => m.evaluation.churn?.evaluation.pr_auc],
  ['log loss', (m) => m.evaluation.churn?.evaluation.log_loss],
  ['Brier', (m) => m.evaluation.churn?.evaluation.brier],
  ['clusters (k)', (m) => m.evaluation.segmentation?.k],
  ['cluster stability (ARI)', (m) => m.evaluation.segmentation?.stability?.meanAri],
  ['clusters vs RFM (ARI)', (m) => m.evaluation.segmentation?.comparison?.adjustedRandIndex],
];

/**
 * The headline figures of a version's manifest, by label (null where the manifest has none).
 *
 * @example
 * versionFigures(manifest)['churn ROC AUC']; // 0.71
 */
export function versionFigures(manifest: Manifest): Record<string, number | null> {
  return Object.fromEntries(FIGURES.map(([label, read]) => [label, typeof read(manifest) === 'number' ? read(manifest)! : null]));
}

/** Why the training run promoted (or kept) the version, in its own words. */
export const decisionOf = (manifest: Manifest) => manifest.evaluation.comparison?.decision ?? '';

/** How customers moved between two versions for one assignment column (models/registry/migration.ts). */
export interface Migration {
  column: string;
  moved: number;
  total: number;
  cells: { from: string; to: string; customers: number }[];
}

/**
 * The migration matrices of a manifest (clusters, value tiers, RFM segments, risk bands); a customer with no
 * assignment on one side shows as "(none)".
 *
 * @example
 * migrationsOf(manifest).find((m) => m.column === 'value_tier')?.moved;
 */
export function migrationsOf(manifest: Manifest): Migration[] {
  return (manifest.migration ?? []).map((m) => ({ ...m, cells: m.cells.map((c) => ({ from: c.from ?? '(none)', to: c.to ?? '(none)', customers: c.customers })) }));
}
