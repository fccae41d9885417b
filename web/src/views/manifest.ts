/**
 * Reading a model version's manifest for display. The server parses manifests at the edge
 * (models/registry/manifest.ts), so each figure is read from its typed field.
 */
import type { Manifest } from '../../../server/contracts.ts';
import type { MessageKey } from '../i18n/index.svelte.ts';

/** The figures a version table shows: the catalogue key of its label and the manifest field it reads. */
const FIGURES: [label: MessageKey, read: (manifest: Manifest) => number | undefined][] = [
  ['figure.customers', (m) => m.data_snapshot.rows?.customers],
  ['figure.churnRoc', (m) => m.evaluation.churn?.evaluation.roc_auc],
  ['figure.churnPr', (m) => m.evaluation.churn?.evaluation.pr_auc],
  ['figure.logLoss', (m) => m.evaluation.churn?.evaluation.log_loss],
  ['figure.brier', (m) => m.evaluation.churn?.evaluation.brier],
  ['figure.k', (m) => m.evaluation.segmentation?.k],
  ['figure.stability', (m) => m.evaluation.segmentation?.stability?.meanAri],
  ['figure.vsRfm', (m) => m.evaluation.segmentation?.comparison?.adjustedRandIndex],
];

/**
 * The headline figures of a version's manifest, by the catalogue key of their label (null where the manifest has none).
 *
 * @example
 * versionFigures(manifest)['figure.churnRoc']; // 0.71
 */
export function versionFigures(manifest: Manifest): Partial<Record<MessageKey, number | null>> {
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

/** What a migration cell says for "no tier" (a customer new in one of the two versions). */
const NONE = '(none)';

/**
 * The migration matrices of a manifest (clusters, value tiers, RFM segments, risk bands); a customer with no
 * assignment on one side shows as "(none)".
 *
 * @example
 * migrationsOf(manifest).find((m) => m.column === 'value_tier')?.moved;
 */
export function migrationsOf(manifest: Manifest): Migration[] {
  return (manifest.migration ?? []).map((m) => ({ ...m, cells: m.cells.map((c) => ({ from: c.from ?? NONE, to: c.to ?? NONE, customers: c.customers })) }));
}
