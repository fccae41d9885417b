/**
 * The API's contracts, one module for the server and the web: the request schemas (they validate every request
 * in server/validate.ts and make the OpenAPI document in server/docs.ts), the request types inferred from them
 * as Hono's validator infers its output, and the answers' types. The web imports types only from here.
 */
import type { TierlabError } from '../data/errors.ts';
import type { IngestSummary } from '../data/loads.ts';
import type { RfmComparison } from '../models/clusters/compare.ts';
import type { SegmentProfiles } from '../models/clusters/profiles.ts';
import type { Manifest, ManifestEvaluation, RunConfig } from '../models/registry/manifest.ts';
import type { TierDimension, TierGroup } from '../models/tiers/summary.ts';
import { CUSTOMERS_MODES } from '../data/ingest-options.ts';
import { LANGUAGE_SETTINGS } from '../data/text-language.ts';
import { LANGS, type Lang } from '../data/lang.ts';
import { FLOW_COLUMNS, type CustomerTierPoint, type HistoryVersion, type TierAlert, type TierAlerts, type TierFlow } from '../models/history/index.ts';
import type { NextBestAction } from '../models/playbooks/types.ts';
import { AT_RISK_DEFAULTS, type AtRiskRow } from '../services/at-risk.ts';
import type { Facets } from '../services/customer-list.ts';
import type { NotebookListEntry, StoredNotebook } from '../services/notebooks.ts';
import type { SqlCellResult } from '../services/sql-cell.ts';
import type { SchemaTable } from '../services/sql-schema.ts';
import { ROLES, type Role, type TokenInfo } from './auth.ts';
import type { Job, Progress } from './jobs.ts';
import type { Infer, Schema } from './validate.ts';

export type { IngestSummary, Job, Progress, TokenInfo, Manifest, TierGroup, SchemaTable, AtRiskRow, Facets };

/** Every error answer's JSON (server/middleware/errors): `{error, message, field?, row?, column?, file?, details?}`. */
export type ErrorAnswer = ReturnType<TierlabError['toJSON']>;

// Customers and the at-risk list

/** Filters shared by the customer list and the at-risk list: each is a column of `customer_analytics`. */
export const FILTERS = {
  rfm_segment: { type: 'string', maxLength: 100, description: 'RFM segment name, e.g. "Champions"' },
  value_tier: { type: 'string', maxLength: 100, description: 'value tier, e.g. "VIP"' },
  cluster: { type: 'string', maxLength: 100, description: 'cluster number or name' },
  lifecycle_stage: { type: 'string', maxLength: 100, description: 'lifecycle stage, e.g. "at risk"' },
  risk_band: { type: 'string', maxLength: 100, description: 'churn risk band' },
  min_risk: { type: 'number', min: 0, max: 1, description: 'churn probability at least' },
  max_risk: { type: 'number', min: 0, max: 1, description: 'churn probability at most' },
} as const satisfies Schema;

export const SORTABLE = [
  'customer_id', 'recency_days', 'frequency', 'monetary', 'avg_order_value', 'tenure_days', 'churn_probability', 'value_at_risk',
  'r_score', 'f_score', 'm_score', 'p_alive', 'clv_12m',
] as const;

export const LIST_QUERY = {
  ...FILTERS,
  sort: { type: 'string', enum: SORTABLE, description: 'column to sort by (default customer_id)' },
  order: { type: 'string', enum: ['asc', 'desc'], description: 'default asc' },
  limit: { type: 'integer', min: 1, max: 500, description: 'page size, default 50' },
  cursor: { type: 'string', maxLength: 1000, description: 'next_cursor of the previous page' },
} as const satisfies Schema;

export type CustomerListQuery = Infer<typeof LIST_QUERY>;

export const AT_RISK_QUERY = {
  ...FILTERS,
  limit: { type: 'integer', min: 1, max: 100000, description: `how many customers (JSON: default ${AT_RISK_DEFAULTS.limit}; CSV: default every customer that passes the filters)` },
  format: { type: 'string', enum: ['json', 'csv'], description: 'csv streams a download of the whole filtered list, its row count in X-Total-Count' },
} as const satisfies Schema;

export type AtRiskQuery = Infer<typeof AT_RISK_QUERY>;

type Row = Record<string, unknown>;

/**
 * The answer of `GET /api/customers/:id`, prebuilt as JSON text by server/customer-cache.ts: the analytics
 * columns grouped by the stage that wrote them (null before that stage), the customer record, the last 20
 * orders and feedback (with its sentiment where scored), and the next best action of the playbook in force.
 */
export interface CustomerPage {
  customer_id: string;
  customer: { signup_date: string | null; churned: boolean | null } | null;
  features: Row;
  tiers: Row | null;
  cluster: Row | null;
  churn: ({ churn_probability: number; risk_band: string; value_at_risk: number; expected_value_source?: string | null; reasons: unknown } & Row) | null;
  clv: Row | null;
  orders: { order_id: string; timestamp: string; amount: number; lines: number; items: number | null; products: string[] | null }[];
  /** `score`, `label` and `language`: the sentiment, once the feedback is scored (models/sentiment/feedback.ts). */
  feedback: { timestamp: string; text: string; rating: number | null; channel: string | null; score?: number | null; label?: string | null; language?: string | null }[];
  next_best_action: NextBestAction | null;
}

/** The answer of `GET /api/customers/facets`: every value of each list filter in the data, with its customer count. */
export interface FacetsAnswer {
  facets: Facets;
}

/** The answer of `GET /api/churn/at-risk` as JSON: a page of the list and how many customers pass the filter. */
export interface AtRiskAnswer {
  total: number;
  items: AtRiskRow[];
}

// Campaigns

export const CAMPAIGN_BODY = {
  name: { type: 'string', required: true, maxLength: 200 },
  rule_id: { type: 'string', required: true, maxLength: 64, description: 'the playbook rule whose action the treatment group gets' },
  ...FILTERS,
  control_percent: { type: 'number', min: 0, max: 90, description: 'share held out as the control group, in percent (default 10)' },
  seed: { type: 'integer', min: 0, max: 2 ** 31 - 1, description: 'seed of the control draw (default random; recorded)' },
  horizon_days: { type: 'integer', min: 1, max: 730, description: 'days over which outcomes are measured (default 90)' },
  starts_at: { type: 'string', maxLength: 40, description: 'date or ISO date-time outcomes count from (default now)' },
} as const satisfies Schema;

export const PREVIEW_QUERY = { ...FILTERS, control_percent: CAMPAIGN_BODY.control_percent } as const satisfies Schema;

export const PUSH_BODY = { destination: { type: 'string', required: true, maxLength: 64 } } as const satisfies Schema;

export const DESTINATION_BODY = {
  name: { type: 'string', required: true, maxLength: 64, description: 'a slug' },
  url: { type: 'string', required: true, maxLength: 2000, description: 'http(s) URL receiving POSTed JSON batches' },
  batch_size: { type: 'integer', min: 1, max: 10000, description: 'customers per batch (default 500)' },
} as const satisfies Schema;

export type CampaignRequest = Infer<typeof CAMPAIGN_BODY>;
export type CampaignPreviewQuery = Infer<typeof PREVIEW_QUERY>;
export type PushRequest = Infer<typeof PUSH_BODY>;
export type DestinationRequest = Infer<typeof DESTINATION_BODY>;

// Data sets

export const UPLOAD_QUERY = {
  map: { type: 'string', maxLength: 2000, description: 'source=field,... maps the file\'s own column names to Tierlab\'s' },
  skip_bad_rows: { type: 'boolean', description: 'load the good rows and report the bad ones' },
  generate_ids: { type: 'boolean', description: 'number the rows as customer ids' },
  timezone: { type: 'string', maxLength: 64, description: 'IANA zone for timestamps without an offset (default UTC)' },
  format: { type: 'string', enum: ['csv', 'parquet'], description: 'default: sniffed from the first bytes' },
  mode: { type: 'string', enum: CUSTOMERS_MODES, description: 'customers only: upsert (default) updates the columns the file has and keeps the rest; replace makes each customer in the file exactly its row' },
  language: { type: 'string', enum: [...LANGUAGE_SETTINGS], description: 'feedback only: the language of its texts; auto (default) tells each text\'s by its script' },
} as const satisfies Schema;

export type UploadQuery = Infer<typeof UPLOAD_QUERY>;

/** The answer of `POST /api/datasets/:kind` (a rejected file: 422 with the summary as `details`). */
export interface UploadAnswer {
  summary: IngestSummary;
  features_as_of: string | null;
  tiers_built: boolean;
}

/** The answer of `GET /api/datasets`: rows and time ranges of the input tables, rows of the derived ones. */
export interface DatasetList {
  tables: { name: string; rows: number; from: string | null; to: string | null }[];
}

// Tiers

/** The answer of `GET /api/tiers`: each tier dimension's groups, and the rules the active version used. */
export interface TiersAnswer {
  dimensions: Record<TierDimension, TierGroup[]>;
  /** The tier rules the active version applied; null before any version. */
  rules: RunConfig['tiers'] | null;
}

// Tier history

export const COMPARE = {
  from_version: { type: 'integer', min: 1, description: 'the earlier version (default: the one before to_version)' },
  since: { type: 'string', maxLength: 10, description: 'instead of from_version: the version in force on this date (YYYY-MM-DD, UTC)' },
  to_version: { type: 'integer', min: 1, description: 'the later version (default: the newest)' },
} as const satisfies Schema;

export const FLOW_QUERY = { ...COMPARE, column: { type: 'string', enum: FLOW_COLUMNS, description: 'default value_tier' } } as const satisfies Schema;

export const ALERTS_QUERY = COMPARE;

export type FlowQuery = Infer<typeof FLOW_QUERY>;
export type AlertsQuery = Infer<typeof ALERTS_QUERY>;

/** The answer of `GET /api/history/versions`, oldest first. */
export interface HistoryVersionsAnswer {
  versions: HistoryVersion[];
}

/** The answer of `GET /api/history/flow`. */
export type TierFlowAnswer = TierFlow;

/** The answer of `GET /api/history/alerts`: each alert with the next best action of the playbook in force. */
export type TierAlertsAnswer = Omit<TierAlerts, 'alerts'> & { alerts: (TierAlert & { next_best_action: NextBestAction | null })[] };

/** The answer of `GET /api/customers/:id/history`, oldest version first. */
export interface CustomerHistoryAnswer {
  customer_id: string;
  history: CustomerTierPoint[];
}

// Segments

export const PROJECTION_QUERY = {
  color: { type: 'string', enum: ['cluster', 'rfm_segment'], description: 'what colours the points (default cluster)' },
  max_points: { type: 'integer', min: 1, max: 20000, description: 'sample size (default 5000)' },
} as const satisfies Schema;

export type ProjectionQuery = Infer<typeof PROJECTION_QUERY>;

/** One group of `customer_clusters` as served now: a k-means cluster, or (cluster null) "No purchases yet". */
export interface ClusterSummary {
  cluster: number | null;
  name: string | null;
  customers: number;
  share: number;
  mean_recency_days: number | null;
  mean_frequency: number | null;
  mean_monetary: number | null;
  revenue: number | null;
}

/**
 * The answer of `GET /api/clusters`: the served clusters summarized from the tables, whether a trained version
 * or `tierlab segment` wrote them. `k` counts the k-means clusters (not "No purchases yet").
 */
export interface ClustersAnswer {
  k: number;
  clusters: ClusterSummary[];
}

/** The segmentation report a version recorded (`evaluation.segmentation` of its manifest). */
export type SegmentationReport = NonNullable<ManifestEvaluation['segmentation']>;

/** The answer of `GET /api/clusters/k-selection`: the scores per k the active version recorded. */
export interface KSelectionAnswer {
  rows: SegmentationReport['kScores'];
  chosen_k: number;
  rule: SegmentationReport['kRule'] | null;
}

/** The answer of `GET /api/clusters/profiles`: the description `tierlab segment` prints, on today's features. */
export type ClusterProfilesAnswer = SegmentProfiles;

/**
 * The answer of `GET /api/clusters/comparison`: clusters against RFM segments over the clustered customers.
 * The active version's stored comparison also has `rowShares` and `mixes`; one computed from the tables has the
 * cluster labels of the rows of `counts` in `clusters`. Versions trained before AMI was kept lack it.
 */
export type ComparisonAnswer = Pick<RfmComparison, 'adjustedRandIndex' | 'normalizedMutualInfo' | 'segments' | 'counts'> &
  Partial<Pick<RfmComparison, 'adjustedMutualInfo' | 'rowShares' | 'mixes'>> & { clusters?: string[] };

/** The answer of `GET /api/clusters/projection`: a stable sample of the 2-D projection. */
export interface ProjectionAnswer {
  color: 'cluster' | 'rfm_segment';
  /** `group`: the cluster number (as text) or the RFM segment. */
  points: { customer_id: string; x: number; y: number; group: string | null }[];
  /** Customers with a position (the sample is at most `max_points` of them). */
  total: number;
}

/** The answer of `GET /api/churn/evaluation`: the active version and the churn report it recorded. */
export type ChurnEvaluationAnswer = { model_version: number } & NonNullable<ManifestEvaluation['churn']>;

// Model versions

/** The answer of `GET /api/models`: every version, newest first. */
export interface ModelList {
  active: number | null;
  versions: { version: number; created_at: string; active: boolean; backend: string; as_of: string | null }[];
}

/** The answer of `GET /api/models/:version`: the version's manifest, and whether it is the one served. */
export type ModelManifest = Manifest & { active: boolean };

// Notebooks and SQL cells

export const NOTEBOOK_BODY = {
  title: { type: 'string', required: true, maxLength: 200 },
  cells: { type: 'array', required: true, maxItems: 500, description: 'cells: {id, kind, source?, name?, value?, options?}' },
  base_version: { type: 'integer', min: 0, description: 'the version this edit started from (0: a new notebook); a save over another version is refused with 409. Omitted: replace whatever is stored' },
} as const satisfies Schema;

export type NotebookRequest = Infer<typeof NOTEBOOK_BODY>;

/** The answer of `GET /api/notebooks`, newest first. */
export interface NotebookList {
  notebooks: NotebookListEntry[];
}

export type { StoredNotebook };

/** POST /api/commands: a `tierlab` command line typed on this machine while the server holds the store. */
export const COMMAND_BODY = {
  argv: { type: 'string[]', required: true, minItems: 1, maxItems: 100, maxLength: 4096, description: 'the command line after `tierlab`, file paths absolute' },
} as const satisfies Schema;
export type CommandRequest = Infer<typeof COMMAND_BODY>;

export const SQL_BODY = {
  sql: { type: 'string', required: true, maxLength: 100_000, description: 'one SELECT (or WITH ... SELECT)' },
  params: { type: 'scalars', description: 'named parameters, used as :name or $name' },
  limit: { type: 'integer', min: 1, max: 10_000, description: 'row limit, default 1,000' },
  cells: { type: 'array', maxItems: 50, description: 'earlier cells the query reads by name: [{name, sql}], each before the cells that use it' },
} as const satisfies Schema;

export type SqlRequest = Infer<typeof SQL_BODY>;

/** The answer of `POST /api/sql`: the cell's result (services/sql-cell.ts) and how it was served. */
export interface SqlResult extends SqlCellResult {
  /** Served from the result cache (the data has not changed since it was computed). */
  cached: boolean;
  elapsed_ms: number;
}

// Playbook

export const PLAYBOOK_QUERY = {
  version: { type: 'integer', min: 0, description: 'an earlier saved version (0: the default playbook); default the newest' },
} as const satisfies Schema;

export const PLAYBOOK_BODY = {
  rules: { type: 'array', required: true, maxItems: 500, description: 'rules: [{id, dimension, value, risk_band, action: {name, channel, owner_role, offer, budget_per_customer, service_level_days, note}}]' },
  base_version: { type: 'integer', min: 0, description: 'the version this edit started from; a save over a newer version is refused with 409' },
} as const satisfies Schema;

export type PlaybookQuery = Infer<typeof PLAYBOOK_QUERY>;
export type PlaybookRequest = Infer<typeof PLAYBOOK_BODY>;

// Sentiment

export const SENTIMENT_BODY = {
  texts: { type: 'string[]', required: true, minItems: 1, maxItems: 1000, description: '1 to 1,000 texts' },
  language: { type: 'string', enum: [...LANGUAGE_SETTINGS], description: 'default auto: each text by its script (Han characters: zh, else en)' },
} as const satisfies Schema;

export type SentimentRequest = Infer<typeof SENTIMENT_BODY>;

// Tokens, training, workspace

export const TOKEN_BODY = {
  role: { type: 'string', required: true, enum: [...ROLES] },
  name: { type: 'string' },
  expires: { type: 'string' },
} as const satisfies Schema;

export type TokenRequest = Infer<typeof TOKEN_BODY>;

/** The answer of `POST /api/tokens`: the secret, shown this once. */
export type CreatedToken = TokenInfo & { token: string };

/** The answer of `GET /api/me`. */
export interface Me {
  role: Role;
}

export const TRAIN_BODY = {
  promote: { type: 'string', enum: ['auto', 'always', 'never'], description: 'auto (default): promote when not worse; always; never' },
  tolerance: { type: 'number', description: 'the ROC-AUC tolerance for auto' },
  as_of: { type: 'string', description: 'cutoff YYYY-MM-DD; default the day after the last transaction' },
  horizon_days: { type: 'integer', description: 'the churn horizon in days' },
} as const satisfies Schema;

/** What a training job may be asked for (`POST /api/jobs/train`, `tierlab retrain` through a server). */
export type TrainSettings = Infer<typeof TRAIN_BODY>;

export const WORKSPACE_BODY = {
  currency: { type: 'string', pattern: /^([A-Z]{3})?$/, description: "ISO 4217 code such as EUR, or '' for none" },
  currency_display: { type: 'string', enum: ['symbol', 'code'], description: 'symbol (€) or code (EUR)' },
  currency_decimals: { type: 'integer', min: 0, max: 4, description: 'decimals of amounts, default 2' },
  language: { type: 'string', enum: ['', ...LANGS], description: "the UI's default language: en, zh, or '' for the browser's" },
} as const satisfies Schema;

export type WorkspaceRequest = Infer<typeof WORKSPACE_BODY>;

/** Workspace settings (`GET /api/workspace`), the same for every user. */
export interface Workspace {
  /** ISO 4217 code, or '' for plain numbers. */
  currency: string;
  /** Shown as the currency's symbol (€) or its code (EUR). */
  currency_display: 'symbol' | 'code';
  currency_decimals: number;
  /** The UI's language for browsers that have not chosen one: 'en', 'zh', or '' for the browser's own. */
  language: '' | Lang;
}
