import type { RouteSpec } from './context.ts';
import { atRisk, AT_RISK_QUERY } from './churn.ts';
import { getChurnEvaluation, getClusterProfiles, getClusters, getComparison, getKSelection, getProjection, getTiers, PROJECTION_QUERY } from './analytics.ts';
import { getCustomer, listCustomers, LIST_QUERY } from './customers.ts';
import { listDatasets, uploadDataset, UPLOAD_QUERY } from './datasets.ts';
import { docsPage, openApi } from './docs.ts';
import { createToken, health, me, TOKEN_BODY } from './meta.ts';
import { activateModel, getModel, listModels, rollbackModel } from './models.ts';
import { deleteNotebook, getNotebook, listNotebooks, NOTEBOOK_BODY, putNotebook } from './notebooks.ts';
import { scoreTexts, SENTIMENT_BODY } from './sentiment.ts';
import { runSql, SQL_BODY } from './sql.ts';
import { getSqlSchema } from './sql-schema.ts';
import { getWorkspace, putWorkspace, WORKSPACE_BODY } from './workspace.ts';
import { cancelJob, getJob, jobEvents, startTraining } from './training.ts';

/**
 * Every API route, with the least role that may call it. Authorization, validation, the OpenAPI document
 * and the docs page all read this table; a route missing here does not exist.
 */
export const ROUTES: RouteSpec[] = [
  { method: 'GET', path: '/api/health', access: 'public', tag: 'meta', summary: 'Liveness, model version, customer count', response: '{status, model_version, customers, backend}', handler: health },
  { method: 'GET', path: '/api/openapi.json', access: 'public', tag: 'meta', summary: 'This API as OpenAPI 3.1', response: 'OpenAPI document', handler: openApi },
  { method: 'GET', path: '/api/docs', access: 'public', tag: 'meta', summary: 'This API as a readable page', response: 'text/html', handler: docsPage },
  { method: 'GET', path: '/api/me', access: 'retention', tag: 'meta', summary: 'The role of the token', response: '{role}', handler: me },
  { method: 'GET', path: '/api/workspace', access: 'retention', tag: 'meta', summary: 'Workspace settings: the currency money is shown in', response: '{currency, currency_display, currency_decimals}', handler: getWorkspace },
  { method: 'PUT', path: '/api/workspace', access: 'admin', tag: 'meta', summary: 'Change workspace settings (the rest stay)', body: WORKSPACE_BODY, response: '{currency, currency_display, currency_decimals}', handler: putWorkspace },
  { method: 'POST', path: '/api/tokens', access: 'admin', tag: 'meta', summary: 'Create a token (shown once)', body: TOKEN_BODY, response: '201 {token, role}', handler: createToken },

  { method: 'POST', path: '/api/datasets/:kind', access: 'admin', tag: 'datasets', summary: 'Upload a CSV or Parquet file (raw body); rebuilds features and tiers', query: UPLOAD_QUERY, body: 'raw', response: '{summary, features_as_of, tiers_built}; 422 with the ingest summary when rejected', handler: uploadDataset },
  { method: 'GET', path: '/api/datasets', access: 'analyst', tag: 'datasets', summary: 'Row counts and time ranges per table', response: '{tables: [{name, rows, from, to}]}', handler: listDatasets },

  { method: 'GET', path: '/api/customers', access: 'retention', tag: 'customers', summary: 'Filtered, sorted, keyset-paginated customers', query: LIST_QUERY, response: '{items: Customer[], next_cursor}', handler: listCustomers },
  { method: 'GET', path: '/api/customers/:id', access: 'retention', tag: 'customers', summary: 'One customer: features, tiers, cluster, churn, CLV, orders, feedback', response: '{customer_id, customer, features, tiers, cluster, churn, clv, orders, feedback}', handler: getCustomer },

  { method: 'GET', path: '/api/tiers', access: 'analyst', tag: 'segments', summary: 'Tier summaries and the rules used', response: '{dimensions: {rfm_segment, abc_class, value_tier, lifecycle_stage}, rules}', handler: getTiers },
  { method: 'GET', path: '/api/clusters', access: 'analyst', tag: 'segments', summary: 'Cluster profiles', response: '{k, clusters: [...]}', handler: getClusters },
  { method: 'GET', path: '/api/clusters/k-selection', access: 'analyst', tag: 'segments', summary: 'Scores per k', response: '{rows, chosen_k}', handler: getKSelection },
  { method: 'GET', path: '/api/clusters/profiles', access: 'analyst', tag: 'segments', summary: 'Medians and means per cluster in original units, z-scores in the clustering space, and the "No purchases yet" group', response: '{features, clusters: [{cluster, name, tier, size, share, revenueShare, means, medians, z, distinguishing}], overall: {size, means, medians}, noPurchases: {name, size, means, medians}}', handler: getClusterProfiles },
  { method: 'GET', path: '/api/clusters/comparison', access: 'analyst', tag: 'segments', summary: 'Clusters against RFM segments', response: '{ari, nmi, table: {rows, columns, counts}}', handler: getComparison },
  { method: 'GET', path: '/api/clusters/projection', access: 'analyst', tag: 'segments', summary: '2-D projection sample', query: PROJECTION_QUERY, response: '{color, points: [{customer_id, x, y, group}], total}', handler: getProjection },

  { method: 'GET', path: '/api/churn/at-risk', access: 'retention', tag: 'churn', summary: 'Customers ranked by value at risk (JSON or streamed CSV)', query: AT_RISK_QUERY, response: '{items: [{customer_id, churn_probability, risk_band, value_at_risk, rfm_segment, cluster, top_reasons}]} or text/csv', handler: atRisk },
  { method: 'GET', path: '/api/churn/evaluation', access: 'analyst', tag: 'churn', summary: 'Evaluation figures of the active churn model', response: '{model_version, ...figures}', handler: getChurnEvaluation },

  { method: 'POST', path: '/api/sentiment', access: 'retention', tag: 'sentiment', summary: 'Score texts', body: SENTIMENT_BODY, response: '{scores: [{score, label, probability, truncated, language}]}', handler: scoreTexts },

  { method: 'GET', path: '/api/models', access: 'analyst', tag: 'models', summary: 'Model versions', response: '{active, versions}', handler: listModels },
  { method: 'GET', path: '/api/models/:version', access: 'analyst', tag: 'models', summary: 'One version\'s manifest', response: 'Manifest', handler: getModel },
  { method: 'POST', path: '/api/models/:version/activate', access: 'admin', tag: 'models', summary: 'Serve this version', response: '{active}', handler: activateModel, ungated: true },
  { method: 'POST', path: '/api/models/rollback', access: 'admin', tag: 'models', summary: 'Back to the previously active version', response: '{active}', handler: rollbackModel, ungated: true },

  { method: 'POST', path: '/api/jobs/train', access: 'admin', tag: 'jobs', summary: 'Start a training job (one at a time)', response: '202 Job; 409 when one runs', handler: startTraining },
  { method: 'GET', path: '/api/jobs/:id', access: 'admin', tag: 'jobs', summary: 'Job status', response: 'Job', handler: getJob },
  { method: 'GET', path: '/api/jobs/:id/events', access: 'admin', tag: 'jobs', summary: 'Job progress as Server-Sent Events', response: 'text/event-stream: progress..., done', handler: jobEvents, ungated: true },
  { method: 'DELETE', path: '/api/jobs/:id', access: 'admin', tag: 'jobs', summary: 'Cancel a job', response: 'Job', handler: cancelJob },

  { method: 'GET', path: '/api/notebooks', access: 'analyst', tag: 'notebooks', summary: 'List notebooks', response: '{notebooks: [{id, title, updated_at}]}', handler: listNotebooks },
  { method: 'GET', path: '/api/notebooks/:id', access: 'analyst', tag: 'notebooks', summary: 'One notebook', response: 'Notebook', handler: getNotebook },
  { method: 'PUT', path: '/api/notebooks/:id', access: 'analyst', tag: 'notebooks', summary: 'Create or replace a notebook', body: NOTEBOOK_BODY, response: 'Notebook', handler: putNotebook },
  { method: 'DELETE', path: '/api/notebooks/:id', access: 'analyst', tag: 'notebooks', summary: 'Delete a notebook', response: '204', handler: deleteNotebook },

  { method: 'POST', path: '/api/sql', access: 'analyst', tag: 'sql', summary: 'Run one read-only SELECT', body: SQL_BODY, response: '{columns: [{name, type}], rows, row_count, truncated, elapsed_ms}', handler: runSql },
  { method: 'GET', path: '/api/sql/schema', access: 'analyst', tag: 'sql', summary: 'The tables and views SQL cells may read', response: '{tables: [{name, kind, rows, columns: [{name, type}]}]}', handler: getSqlSchema },
];
