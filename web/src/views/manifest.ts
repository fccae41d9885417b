/**
 * Reading a model version's manifest for display. Manifests are written by the training pipeline and may
 * grow; these helpers pick what a person wants to see without depending on its exact nesting.
 */

import type { MessageKey } from '../i18n/index.svelte.ts';

type Json = Record<string, unknown>;

/** The figures a version table shows: the catalogue key of its label and where the manifest keeps the value. */
const FIGURES: [label: MessageKey, path: string][] = [
  ['figure.customers', 'data_snapshot.rows.customers'],
  ['figure.churnRoc', 'evaluation.churn.evaluation.roc_auc'],
  ['figure.churnPr', 'evaluation.churn.evaluation.pr_auc'],
  ['figure.logLoss', 'evaluation.churn.evaluation.log_loss'],
  ['figure.brier', 'evaluation.churn.evaluation.brier'],
  ['figure.k', 'evaluation.segmentation.k'],
  ['figure.stability', 'evaluation.segmentation.stability.meanAri'],
  ['figure.vsRfm', 'evaluation.segmentation.comparison.adjustedRandIndex'],
];

function at(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((inner, key) => (inner && typeof inner === 'object' ? (inner as Json)[key] : undefined), value);
}

/**
 * The headline figures of a version's manifest, by the catalogue key of their label (null where the manifest has none).
 *
 * @example
 * versionFigures(manifest)['figure.churnRoc']; // 0.71
 */
export function versionFigures(manifest: Json): Partial<Record<MessageKey, number | null>> {
  return Object.fromEntries(FIGURES.map(([label, path]) => [label, typeof at(manifest, path) === 'number' ? (at(manifest, path) as number) : null]));
}

/** Why the training run promoted (or kept) the version, in its own words. */
export const decisionOf = (manifest: Json) => (typeof at(manifest, 'evaluation.comparison.decision') === 'string' ? (at(manifest, 'evaluation.comparison.decision') as string) : '');

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
 * The migration matrices of a manifest (key `migration`: clusters, value tiers, RFM segments, risk bands).
 *
 * @example
 * migrationsOf(manifest).find((m) => m.column === 'value_tier')?.moved;
 */
export function migrationsOf(manifest: Json): Migration[] {
  const found = manifest.migration;
  if (!Array.isArray(found)) return [];
  return found
    .filter((m): m is Migration => !!m && typeof m === 'object' && Array.isArray(m.cells))
    .map((m) => ({ ...m, cells: m.cells.map((c) => ({ from: String(c.from ?? NONE), to: String(c.to ?? NONE), customers: Number(c.customers) })) }));
}
