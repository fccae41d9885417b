import { notFound } from '../../data/errors.ts';
import { ident } from '../../data/store.ts';
import { adjustedMutualInfo, adjustedRandIndex, encodeLabels, normalizedMutualInfo } from '../../models/clusters/agreement.ts';
import { describeStoredSegments } from '../../models/clusters/io.ts';
import type { Manifest, ManifestEvaluation } from '../../models/registry/manifest.ts';
import { Registry } from '../../models/registry/registry.ts';
import { tierSummary } from '../../models/tiers/index.ts';
import type { TierDimension } from '../../models/tiers/summary.ts';
import type {
  ChurnEvaluationAnswer, ClusterProfilesAnswer, ClustersAnswer, ClusterSummary, ComparisonAnswer, KSelectionAnswer, ProjectionAnswer, ProjectionQuery, TiersAnswer,
} from '../contracts.ts';
import type { AppDeps, RouteInput } from '../context.ts';

const DIMENSIONS: TierDimension[] = ['rfm_segment', 'abc_class', 'value_tier', 'lifecycle_stage'];

/** Parsed manifests by home and version: a version's manifest no longer changes once it can be active. */
const manifests = new Map<string, Manifest>();

/**
 * The evaluation recorded by the served model version, or null before the first training, or when its manifest
 * cannot be read (health then still answers, and says why through the serving notice).
 */
export function activeEvaluation(deps: Pick<AppDeps, 'home' | 'served'>): { version: number; evaluation: ManifestEvaluation; manifest: Manifest } | null {
  const version = deps.served.version;
  if (version === null) return null;
  const key = `${deps.home}\0${version}`;
  let manifest = manifests.get(key);
  if (!manifest) {
    try {
      manifest = new Registry(deps.home).manifest(version);
    } catch {
      return null;
    }
    manifests.set(key, manifest);
  }
  return { version, evaluation: manifest.evaluation, manifest };
}

/** GET /api/tiers */
export async function getTiers({ deps }: RouteInput): Promise<TiersAnswer> {
  // Once per data change: uploads and version switches invalidate the cache. The table check is inside, so a
  // kept answer costs no query on the store's one connection.
  return deps.customers.memo('tiers', async () => {
    if (!(await deps.store.has('customer_rfm'))) throw notFound('no tiers yet: upload transactions first');
    const dimensions = {} as TiersAnswer['dimensions'];
    for (const d of DIMENSIONS) dimensions[d] = await tierSummary(deps.store, d);
    const stored = activeEvaluation(deps)?.manifest.config?.tiers ?? null;
    return { dimensions, rules: stored };
  });
}

/** The segmentation report of the active version (what the training pipeline stored about k-means). */
function clusterReport(deps: AppDeps): ManifestEvaluation['segmentation'] | null {
  return activeEvaluation(deps)?.evaluation.segmentation ?? null;
}

const NOTHING_TRAINED = 'no segmentation trained yet: start a training job (POST /api/jobs/train)';

async function requireClusterTable(deps: AppDeps): Promise<Set<string>> {
  if (!(await deps.store.has('customer_clusters'))) throw notFound(NOTHING_TRAINED);
  return new Set((await deps.store.all<{ column_name: string }>('DESCRIBE customer_clusters')).map((c) => c.column_name));
}

/**
 * GET /api/clusters: each served cluster summarized from the tables (one answer whether a trained version or
 * `tierlab segment` wrote them; the trained report is in the version's manifest, `GET /api/models/:version`).
 */
export async function getClusters({ deps }: RouteInput): Promise<ClustersAnswer> {
  const columns = await requireClusterTable(deps);
  const name = columns.has('cluster_name') ? 'any_value(c.cluster_name)' : 'NULL';
  const clusters = await deps.store.all<ClusterSummary>(
    `SELECT c.cluster, ${name} AS name, count(*) AS customers, round(count(*) / sum(count(*)) OVER (), 4) AS share,
       avg(f.recency_days) AS mean_recency_days, avg(f.frequency) AS mean_frequency, CAST(avg(f.monetary) AS DOUBLE) AS mean_monetary,
       CAST(sum(f.monetary) AS DOUBLE) AS revenue
     FROM customer_clusters c JOIN customer_features f USING (customer_id) GROUP BY c.cluster ORDER BY c.cluster NULLS LAST`,
  );
  return { k: clusters.filter((c) => c.cluster !== null).length, clusters };
}

/** GET /api/clusters/k-selection */
export async function getKSelection({ deps }: RouteInput): Promise<KSelectionAnswer> {
  const report = clusterReport(deps);
  const rows = report?.kScores;
  if (!report || !rows) throw notFound(report ? 'the active model stored no k-selection scores' : NOTHING_TRAINED);
  return { rows, chosen_k: report.k, rule: report.kRule ?? null };
}

/** GET /api/clusters/comparison: clusters against RFM segments (cross-table, ARI, AMI, NMI) over the clustered customers, in the segmentation's own shape. */
export async function getComparison({ deps }: RouteInput): Promise<ComparisonAnswer> {
  const stored = clusterReport(deps)?.comparison;
  if (stored) return stored;
  await requireClusterTable(deps);
  if (!(await deps.store.has('customer_rfm'))) throw notFound('no RFM segments to compare with yet');
  const pairs = await deps.store.all<{ cluster: string; segment: string | null }>(
    'SELECT CAST(c.cluster AS VARCHAR) AS cluster, r.rfm_segment AS segment FROM customer_clusters c JOIN customer_rfm r USING (customer_id) WHERE c.cluster IS NOT NULL',
  );
  const a = encodeLabels(pairs.map((p) => p.cluster));
  const b = encodeLabels(pairs.map((p) => p.segment));
  const counts = a.names.map(() => b.names.map(() => 0));
  for (let i = 0; i < pairs.length; i++) counts[a.codes[i]][b.codes[i]]++;
  return {
    adjustedRandIndex: adjustedRandIndex(a.codes, b.codes),
    adjustedMutualInfo: adjustedMutualInfo(a.codes, b.codes),
    normalizedMutualInfo: normalizedMutualInfo(a.codes, b.codes),
    clusters: a.names,
    segments: b.names,
    counts,
  };
}

/**
 * GET /api/clusters/profiles: each cluster's medians, means and z-scores (models/clusters/profiles.ts, the
 * description `tierlab segment` prints), on today's features with the trained names, plus all segmented
 * customers and the fixed "No purchases yet" group. Kept until the data changes.
 */
export async function getClusterProfiles({ deps }: RouteInput): Promise<ClusterProfilesAnswer> {
  return deps.customers.memo('cluster-profiles', async () => {
    await requireClusterTable(deps);
    const report = clusterReport(deps);
    const features = report?.features;
    if (!features?.length) throw notFound(report ? 'the active segmentation stored no feature list' : NOTHING_TRAINED);
    const profiles = report?.profiles ?? [];
    return describeStoredSegments(deps.store, { features, names: profiles.map((p) => p.name ?? ''), tiers: profiles.map((p) => p.tier ?? '') });
  });
}

/** GET /api/clusters/projection: a reproducible sample of the 2-D projection the segmentation stored. */
export async function getProjection({ deps, query }: RouteInput<ProjectionQuery>): Promise<ProjectionAnswer> {
  const color = query.color ?? 'cluster';
  const maxPoints: number = query.max_points ?? 5000;
  // Kept until the data changes: the default notebook asks the same sample of every visitor, and a kept answer
  // costs no query (not even the table checks) on the store's one connection.
  const kept = await deps.customers.memo('projections', async () => new Map<string, Promise<ProjectionAnswer>>());
  const key = `${color}:${maxPoints}`;
  let answer = kept.get(key);
  if (!answer) {
    if (kept.size >= PROJECTIONS_KEPT) kept.delete(kept.keys().next().value!);
    answer = sampleProjection(deps, color, maxPoints);
    kept.set(key, answer);
    answer.catch(() => kept.delete(key));
  }
  return answer;
}

/** Distinct projection answers kept (colour x sample size); a notebook asks one or two. */
const PROJECTIONS_KEPT = 8;

async function sampleProjection(deps: AppDeps, color: ProjectionAnswer['color'], maxPoints: number): Promise<ProjectionAnswer> {
  const columns = await requireClusterTable(deps);
  const [x, y] = [['x', 'y'], ['pc1', 'pc2'], ['projection_x', 'projection_y']].find(([a, b]) => columns.has(a) && columns.has(b)) ?? [];
  if (!x || !y) throw notFound('the segmentation stored no 2-D projection');
  if (color === 'rfm_segment' && !(await deps.store.has('customer_rfm'))) throw notFound('no RFM segments yet', { field: 'color' });
  const group = color === 'cluster' ? 'CAST(c.cluster AS VARCHAR)' : 'r.rfm_segment';
  const join = color === 'rfm_segment' ? 'LEFT JOIN customer_rfm r USING (customer_id)' : '';
  // Customers without a purchase are not clustered and have no position (NULL): the map leaves them out.
  const placed = `c.${ident(x)} IS NOT NULL`;
  const total = (await deps.store.one<{ n: number }>(`SELECT count(*) AS n FROM customer_clusters c WHERE ${placed}`))!.n;
  // Hash order gives the same sample on every call, so the chart does not jump between reloads. Four decimals
  // are far below a pixel and halve the answer.
  const points = await deps.store.all<ProjectionAnswer['points'][number]>(
    `SELECT c.customer_id, round(c.${ident(x)}, 4) AS x, round(c.${ident(y)}, 4) AS y, ${group} AS "group" FROM customer_clusters c ${join}
     WHERE ${placed} ORDER BY hash(c.customer_id) LIMIT $limit`,
    { limit: maxPoints },
  );
  return { color, points, total };
}

/** GET /api/churn/evaluation: the figures recorded for the active model. */
export async function getChurnEvaluation({ deps }: RouteInput): Promise<ChurnEvaluationAnswer> {
  const active = activeEvaluation(deps);
  const churn = active?.evaluation.churn;
  if (!active || !churn) throw notFound('no churn model trained yet: start a training job (POST /api/jobs/train)');
  return { model_version: active.version, ...churn };
}
