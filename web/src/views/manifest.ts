/**
 * Reading a model version's manifest for display. Manifests are written by the training pipeline and may
 * grow; these helpers pick what a person wants to see without depending on its exact nesting.
 */

type Json = Record<string, unknown>;

/**
 * The numeric figures of a manifest's evaluation and data snapshot, flattened to dotted names, at most `limit`.
 *
 * @example
 * figuresOf({ evaluation: { churn: { roc_auc: 0.81 } } }); // [{ figure: 'churn.roc_auc', value: 0.81 }]
 */
export function figuresOf(manifest: Json, limit = 40): { figure: string; value: number }[] {
  const out: { figure: string; value: number }[] = [];
  const walk = (value: unknown, path: string, depth: number) => {
    if (out.length >= limit) return;
    if (typeof value === 'number' && Number.isFinite(value)) out.push({ figure: path, value });
    else if (value && typeof value === 'object' && !Array.isArray(value) && depth < 4)
      for (const [key, inner] of Object.entries(value as Json)) walk(inner, path ? `${path}.${key}` : key, depth + 1);
  };
  walk(manifest.evaluation, '', 0);
  walk(manifest.data_snapshot, 'data', 0);
  return out;
}

/** How customers moved between two versions for one assignment column (models/registry/migration.ts). */
export interface Migration {
  column: string;
  moved: number;
  total: number;
  cells: { from: string; to: string; customers: number }[];
}

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
    .map((m) => ({ ...m, cells: m.cells.map((c) => ({ from: String(c.from ?? '(none)'), to: String(c.to ?? '(none)'), customers: Number(c.customers) })) }));
}
