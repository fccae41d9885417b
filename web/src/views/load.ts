/**
 * Data loaders of the built-in views: each fetches what its view draws and nothing else. A loader throws
 * `NotReadyError` (or the server answers 404) when the data is not built yet.
 */
import { api, ApiError, type Query } from '../api.ts';
import type { TierDimension } from '../../../models/tiers/summary.ts';
import type {
  AtRiskAnswer, ChurnEvaluationAnswer, ClusterProfilesAnswer, ClustersAnswer, ComparisonAnswer, DatasetList, Facets, FacetsAnswer, KSelectionAnswer, ModelList,
  ModelManifest, ProjectionAnswer, SqlResult, TierGroup, TiersAnswer,
} from '../../../server/contracts.ts';
import { t } from '../i18n/index.svelte.ts';
import { NotReadyError } from './ready.ts';

export type Params = Record<string, string | number>;
type Row = Record<string, unknown>;

async function sql(text: string): Promise<SqlResult> {
  return api<SqlResult>('/api/sql', { method: 'POST', body: { sql: text, limit: 10000 } });
}

const recent = new Map<string, { at: number; value: Promise<unknown> }>();

/** One answer shared by the views of a run-all: asked once, kept for two seconds. */
function shared<T>(key: string, load: () => Promise<T>): Promise<T> {
  const hit = recent.get(key);
  if (hit && performance.now() - hit.at < 2000) return hit.value as Promise<T>;
  const value = load();
  recent.set(key, { at: performance.now(), value });
  value.catch(() => recent.delete(key));
  return value;
}

/**
 * SQL over a stage table; the server's 400 for a table that does not exist yet becomes NotReadyError. Views
 * read the stage tables rather than the joined `customer_analytics` view: the same numbers for less work.
 */
async function stageSql(text: string, table: string, notBuilt: string): Promise<SqlResult> {
  try {
    return await sql(text);
  } catch (error) {
    if (error instanceof ApiError && error.status === 400 && error.message.includes(table)) throw new NotReadyError(notBuilt);
    throw error;
  }
}

/** Cluster id -> name, of the served clusters (`GET /api/clusters`). */
async function clusterNames(): Promise<Map<string, string>> {
  const { clusters } = await shared('clusters', () => api<ClustersAnswer>('/api/clusters'));
  return new Map(clusters.filter((c) => c.cluster !== null).map((c) => [String(c.cluster), c.name ?? t('view.clusterN', { n: c.cluster! })]));
}

export interface DatasetSummary extends DatasetList {
  modelVersion: string | null;
}

export async function datasetSummary(): Promise<DatasetSummary> {
  const [datasets, models] = await Promise.all([
    api<DatasetList>('/api/datasets'),
    api<ModelList>('/api/models').catch(() => ({ active: null })),
  ]);
  return { tables: datasets.tables, modelVersion: models.active === null ? null : String(models.active) };
}

export type { TierGroup };

export async function tierSummary(params: Params): Promise<{ dimension: string; groups: TierGroup[] }> {
  const dimension = String(params.dimension ?? 'rfm_segment');
  const tiers = await api<TiersAnswer>('/api/tiers');
  const groups = tiers.dimensions[dimension as TierDimension];
  if (!groups) throw new Error(`no tier dimension "${dimension}"; one of ${Object.keys(tiers.dimensions).join(', ')}`);
  return { dimension, groups };
}

export interface KSelection {
  rows: { k: number; inertia: number; silhouette: number; davies_bouldin: number }[];
  chosen_k: number;
}

export async function kSelection(): Promise<KSelection> {
  const raw = await api<KSelectionAnswer>('/api/clusters/k-selection');
  return { rows: raw.rows.map((r) => ({ k: r.k, inertia: r.inertia, silhouette: r.silhouette, davies_bouldin: r.daviesBouldin })), chosen_k: raw.chosen_k };
}

export interface ClusterProfiles {
  features: string[];
  /** One row per group (the clusters, all segmented customers, "No purchases yet"): name, customers, share, then each feature in original units. */
  medians: Row[];
  means: Row[];
  /** Long form for the heatmap: cluster name, feature, z (standardized difference in the clustering space). */
  z: { cluster: string; feature: string; z: number }[];
}

type GroupFigures = ClusterProfilesAnswer['overall'];

export async function clusterProfiles(): Promise<ClusterProfiles> {
  // The server describes the clusters with the function `tierlab segment` prints (models/clusters/profiles.ts).
  const raw = await api<ClusterProfilesAnswer>('/api/clusters/profiles');
  const { features } = raw;
  const groups = [...raw.clusters, { name: 'All segmented customers', ...raw.overall }, ...(raw.noPurchases.size ? [raw.noPurchases] : [])];
  const rows = (pick: (g: GroupFigures) => Record<string, number>) => groups.map((g) => ({ name: g.name, customers: g.size, share: g.share, ...pick(g) }));
  const z = raw.clusters.flatMap((c) => features.map((feature) => ({ cluster: c.name, feature, z: c.z[feature] })));
  return { features, medians: rows((g) => g.medians), means: rows((g) => g.means), z };
}

export interface ClusterComparison {
  ari: number;
  /** Adjusted mutual information: NMI corrected for chance (NaN from versions trained before it was kept). */
  ami: number;
  nmi: number;
  table: { rows: string[]; columns: string[]; counts: number[][] };
}

export async function clusterComparison(): Promise<ClusterComparison> {
  const raw = await api<ComparisonAnswer>('/api/clusters/comparison');
  // A stored comparison has its rows in cluster id order, without names; one computed from the tables names them.
  const names = raw.clusters ?? [...(await clusterNames()).values()];
  return {
    ari: raw.adjustedRandIndex,
    ami: raw.adjustedMutualInfo ?? NaN,
    nmi: raw.normalizedMutualInfo,
    table: { rows: raw.counts.map((_, i) => names[i] ?? t('view.clusterN', { n: i })), columns: raw.segments, counts: raw.counts },
  };
}

export type Projection = ProjectionAnswer;

export async function projection(params: Params): Promise<Projection> {
  const color = params.color === 'rfm_segment' ? 'rfm_segment' : 'cluster';
  const [raw, names] = await Promise.all([
    api<ProjectionAnswer>('/api/clusters/projection', { query: { color, max_points: params.max_points ?? 5000 } }),
    color === 'cluster' ? clusterNames() : Promise.resolve(new Map<string, string>()),
  ]);
  // Clusters are labelled by name in the legend, not by id.
  return { ...raw, points: raw.points.map((p) => ({ ...p, group: (p.group !== null && names.get(p.group)) || p.group })) };
}

export interface ChurnDistribution {
  bins: { from: number; risk_band: string; customers: number }[];
  bands: { risk_band: string; customers: number; value_at_risk: number }[];
}

export async function churnDistribution(): Promise<ChurnDistribution> {
  const [bins, bands] = await Promise.all([
    stageSql(`SELECT least(floor(churn_probability * 20), 19) / 20 AS "from", risk_band, count(*) AS customers
         FROM customer_churn WHERE churn_probability IS NOT NULL GROUP BY ALL ORDER BY 1`, 'customer_churn', t('view.churnNotBuilt')),
    stageSql(`SELECT risk_band, count(*) AS customers, round(sum(value_at_risk), 2) AS value_at_risk
         FROM customer_churn WHERE churn_probability IS NOT NULL GROUP BY ALL ORDER BY min(churn_probability)`, 'customer_churn', t('view.churnNotBuilt')),
  ]);
  return { bins: bins.rows as ChurnDistribution['bins'], bands: bands.rows as ChurnDistribution['bands'] };
}

export interface ChurnEvaluation {
  model_version: number;
  metrics: Record<(typeof METRICS)[number], number>;
  calibration: ChurnEvaluationAnswer['evaluation']['calibration'];
  lift: ChurnEvaluationAnswer['evaluation']['lift'];
}

const METRICS = ['roc_auc', 'pr_auc', 'log_loss', 'brier'] as const;

export async function churnEvaluation(): Promise<ChurnEvaluation> {
  const raw = await api<ChurnEvaluationAnswer>('/api/churn/evaluation');
  const figures = raw.evaluation;
  return { model_version: raw.model_version, metrics: Object.fromEntries(METRICS.map((m) => [m, figures[m]])) as ChurnEvaluation['metrics'], calibration: figures.calibration, lift: figures.lift };
}

/** A next best action as the server gives it (models/playbooks). */
export type { NextBestAction as NextAction } from '../../../models/playbooks/types.ts';

export type { Facets };

/** The at-risk page (`total`: customers passing the filters; the download has them all) and the filters' values. */
export interface AtRisk extends AtRiskAnswer {
  facets: Facets;
  query: Query;
}

/** The at-risk list's filters from view params: only the ones the API knows. */
export function atRiskQuery(params: Params): Query {
  const { risk_band, rfm_segment, value_tier, lifecycle_stage, cluster, min_risk, limit } = params;
  return { risk_band, rfm_segment, value_tier, lifecycle_stage, cluster, min_risk, limit: limit ?? 100 } as Query;
}

export const facets = () => shared('facets', async () => (await api<FacetsAnswer>('/api/customers/facets')).facets);

export async function atRisk(params: Params): Promise<AtRisk> {
  const query = atRiskQuery(params);
  const [list, all] = await Promise.all([api<AtRiskAnswer>('/api/churn/at-risk', { query }), facets()]);
  return { items: list.items, total: list.total, facets: all, query };
}

export interface ModelVersions extends ModelList {
  /** Manifests of the listed versions (the newest few), by version. */
  manifests: Record<string, ModelManifest>;
}

/** How many of the newest versions get their manifest fetched for the figures table. */
const MANIFESTS_SHOWN = 8;

export async function modelVersions(): Promise<ModelVersions> {
  const list = await api<ModelList>('/api/models');
  if (!list.versions.length) throw new NotReadyError(t('view.noVersions'));
  const newest = [...list.versions].sort((a, b) => String(b.created_at).localeCompare(String(a.created_at))).slice(0, MANIFESTS_SHOWN);
  const manifests = await Promise.all(newest.map((v) => api<ModelManifest>(`/api/models/${encodeURIComponent(String(v.version))}`)));
  return { ...list, manifests: Object.fromEntries(newest.map((v, i) => [String(v.version), manifests[i]])) };
}
