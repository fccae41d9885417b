import {
  ALERTS_QUERY, AT_RISK_QUERY, CAMPAIGN_BODY, COMMAND_BODY, DESTINATION_BODY, FLOW_QUERY, LIST_QUERY, NOTEBOOK_BODY, PLAYBOOK_BODY, PLAYBOOK_QUERY, PREVIEW_QUERY, PROJECTION_QUERY,
  PUSH_BODY, SENTIMENT_BODY, SQL_BODY, TOKEN_BODY, TRAIN_BODY, UPLOAD_QUERY, WORKSPACE_BODY,
} from '../contracts.ts';
import { route, type RouteSpec } from '../context.ts';
import {
  addDestinationRoute, campaignDeliveries, campaignResultsRoute, createCampaignRoute, exportCampaign, getCampaignRoute,
  listCampaignsRoute, listDestinationsRoute, previewCampaign, pushCampaignRoute, removeDestinationRoute,
} from './campaigns.ts';
import { atRisk } from './churn.ts';
import { runCommand } from './commands.ts';
import { getChurnEvaluation, getClusterProfiles, getClusters, getComparison, getKSelection, getProjection, getTiers } from './analytics.ts';
import { customerFacets, getCustomer, listCustomers } from './customers.ts';
import { listDatasets, uploadDataset } from './datasets.ts';
import { docsPage, openApiDocument } from '../docs.ts';
import { getCustomerHistory, getTierAlerts, getTierFlow, listHistoryVersions } from './history.ts';
import { health, me } from './meta.ts';
import { createToken, listTokens, revokeToken } from './tokens.ts';
import { activateModel, getModel, listModels, rollbackModel } from './models.ts';
import { deleteNotebook, getNotebook, listNotebooks, putNotebook } from './notebooks.ts';
import { getPlaybook, putPlaybook } from './playbooks.ts';
import { scoreTexts } from './sentiment.ts';
import { runSql } from './sql.ts';
import { getSqlSchema } from './sql-schema.ts';
import { getWorkspace, putWorkspace } from './workspace.ts';
import { cancelJob, getJob, jobEvents, startTraining } from './training.ts';

/**
 * Every API route, with the least role that may call it. Authorization, validation, the OpenAPI document
 * and the docs page all read this table; a route missing here does not exist.
 */
export const ROUTES: RouteSpec[] = [
  route({ method: 'GET', path: '/api/health', access: 'public', tag: 'meta', summary: 'Liveness, model version, customer count', response: '{status, model_version, customers, backend}', handler: health }),
  route({ method: 'GET', path: '/api/openapi.json', access: 'public', tag: 'meta', summary: 'This API as OpenAPI 3.1', response: 'OpenAPI document', handler: async ({ c }) => c.json(openApiDocument(ROUTES)) }),
  route({ method: 'GET', path: '/api/docs', access: 'public', tag: 'meta', summary: 'This API as a readable page', response: 'text/html', handler: async ({ c }) => c.html(docsPage(ROUTES)) }),
  route({ method: 'GET', path: '/api/me', access: 'retention', tag: 'meta', summary: 'The role of the token', response: '{role}', handler: me }),
  route({ method: 'GET', path: '/api/workspace', access: 'retention', tag: 'meta', summary: 'Workspace settings: the currency money is shown in', response: '{currency, currency_display, currency_decimals}', handler: getWorkspace }),
  route({ method: 'PUT', path: '/api/workspace', access: 'admin', tag: 'meta', summary: 'Change workspace settings (the rest stay)', body: WORKSPACE_BODY, response: '{currency, currency_display, currency_decimals}', handler: putWorkspace, audit: 'workspace' }),
  route({ method: 'GET', path: '/api/tokens', access: 'admin', tag: 'meta', summary: 'Every token: name, role, created, last used, expires (never the secret)', response: '{tokens: [{name, role, created_at, expires_at, last_used_at}]}', handler: listTokens }),
  route({ method: 'POST', path: '/api/tokens', access: 'admin', tag: 'meta', summary: 'Create a token (shown once); expires: 30d, 12h, 45m or a date', body: TOKEN_BODY, response: '201 {token, name, role, created_at, expires_at, last_used_at}', handler: createToken, audit: 'token.create' }),
  route({ method: 'DELETE', path: '/api/tokens/:name', access: 'admin', tag: 'meta', summary: 'Revoke a token: 401 for it from the next request', response: '{name, role, created_at, expires_at, last_used_at}', handler: revokeToken, audit: 'token.revoke' }),

  route({ method: 'POST', path: '/api/commands', access: 'admin', tag: 'meta', summary: 'Run a tierlab command typed on this machine (local credential of server.json only)', body: COMMAND_BODY, response: 'application/x-ndjson: {stdout}|{stderr}..., {exit}', handler: runCommand, ungated: true }),

  route({ method: 'POST', path: '/api/datasets/:kind', access: 'admin', tag: 'datasets', summary: 'Upload a CSV or Parquet file (raw body); rebuilds features and tiers', query: UPLOAD_QUERY, body: 'raw', response: '{summary, features_as_of, tiers_built}; 422 with the ingest summary when rejected', handler: uploadDataset, audit: 'ingest' }),
  route({ method: 'GET', path: '/api/datasets', access: 'analyst', tag: 'datasets', summary: 'Row counts and time ranges per table', response: '{tables: [{name, rows, from, to}]}', handler: listDatasets }),

  route({ method: 'GET', path: '/api/customers', access: 'retention', tag: 'customers', summary: 'Filtered, sorted, keyset-paginated customers', query: LIST_QUERY, response: '{items: Customer[], next_cursor}', handler: listCustomers }),
  route({ method: 'GET', path: '/api/customers/facets', access: 'retention', tag: 'customers', summary: 'Every value of each list filter in the data, with its customer count', response: '{facets: {rfm_segment|value_tier|lifecycle_stage|risk_band|cluster: [{value, customers}]}}', handler: customerFacets }),
  route({ method: 'GET', path: '/api/customers/:id', access: 'retention', tag: 'customers', summary: 'One customer: features, tiers, cluster, churn, CLV, orders, feedback', response: '{customer_id, customer, features, tiers, cluster, churn, clv, orders, feedback, next_best_action}', handler: getCustomer }),

  route({ method: 'GET', path: '/api/customers/:id/history', access: 'retention', tag: 'customers', summary: 'One customer\'s tiers in every trained version', response: '{customer_id, history: [{version, recorded_at, as_of, value_tier, rfm_segment, lifecycle_stage, risk_band, churn_probability, cluster}]}', handler: getCustomerHistory }),

  route({ method: 'GET', path: '/api/history/versions', access: 'retention', tag: 'history', summary: 'The versions in the tier history', response: '{versions: [{version, recorded_at, as_of, customers}]}', handler: listHistoryVersions }),
  route({ method: 'GET', path: '/api/history/flow', access: 'retention', tag: 'history', summary: 'Customers moved between tiers from one version (or date) to another', query: FLOW_QUERY, response: '{column, from, to, moved, total, entered, cells: [{from, to, customers}]}', handler: getTierFlow }),
  route({ method: 'GET', path: '/api/history/alerts', access: 'retention', tag: 'history', summary: 'Customers who dropped from VIP/Key or entered high risk since the last run', query: ALERTS_QUERY, response: '{from, to, alerts: [{customer_id, kind, from, to, value_tier, risk_band, churn_probability, next_best_action}]}', handler: getTierAlerts }),

  route({ method: 'GET', path: '/api/tiers', access: 'analyst', tag: 'segments', summary: 'Tier summaries and the rules used', response: '{dimensions: {rfm_segment, abc_class, value_tier, lifecycle_stage}, rules}', handler: getTiers }),
  route({ method: 'GET', path: '/api/clusters', access: 'analyst', tag: 'segments', summary: 'The served clusters: customers, share, means, revenue', response: '{k, clusters: [{cluster, name, customers, share, mean_recency_days, mean_frequency, mean_monetary, revenue}]}', handler: getClusters }),
  route({ method: 'GET', path: '/api/clusters/k-selection', access: 'analyst', tag: 'segments', summary: 'Scores per k', response: '{rows, chosen_k}', handler: getKSelection }),
  route({ method: 'GET', path: '/api/clusters/profiles', access: 'analyst', tag: 'segments', summary: 'Medians and means per cluster in original units, z-scores in the clustering space, and the "No purchases yet" group', response: '{features, clusters: [{cluster, name, tier, size, share, revenueShare, means, medians, z, distinguishing}], overall: {size, means, medians}, noPurchases: {name, size, means, medians}}', handler: getClusterProfiles }),
  route({ method: 'GET', path: '/api/clusters/comparison', access: 'analyst', tag: 'segments', summary: 'Clusters against RFM segments', response: '{ari, nmi, table: {rows, columns, counts}}', handler: getComparison }),
  route({ method: 'GET', path: '/api/clusters/projection', access: 'analyst', tag: 'segments', summary: '2-D projection sample', query: PROJECTION_QUERY, response: '{color, points: [{customer_id, x, y, group}], total}', handler: getProjection }),

  route({ method: 'GET', path: '/api/churn/at-risk', access: 'retention', tag: 'churn', summary: 'Customers ranked by value at risk (JSON or streamed CSV)', query: AT_RISK_QUERY, response: '{total, items: [{customer_id, churn_probability, risk_band, value_at_risk, expected_value_source, rfm_segment, value_tier, lifecycle_stage, cluster, reasons, next_best_action}]} or text/csv (X-Total-Count)', handler: atRisk }),
  route({ method: 'GET', path: '/api/churn/evaluation', access: 'analyst', tag: 'churn', summary: 'Evaluation figures of the active churn model', response: '{model_version, ...figures}', handler: getChurnEvaluation }),

  route({ method: 'POST', path: '/api/sentiment', access: 'retention', tag: 'sentiment', summary: 'Score texts', body: SENTIMENT_BODY, response: '{scores: [{score, label, probability, truncated, language}]}', handler: scoreTexts }),

  route({ method: 'GET', path: '/api/models', access: 'analyst', tag: 'models', summary: 'Model versions', response: '{active, versions}', handler: listModels }),
  route({ method: 'GET', path: '/api/models/:version', access: 'analyst', tag: 'models', summary: 'One version\'s manifest', response: 'Manifest', handler: getModel }),
  route({ method: 'POST', path: '/api/models/:version/activate', access: 'admin', tag: 'models', summary: 'Serve this version', response: '{active}', handler: activateModel, ungated: true, audit: 'activate' }),
  route({ method: 'POST', path: '/api/models/rollback', access: 'admin', tag: 'models', summary: 'Back to the previously active version', response: '{active}', handler: rollbackModel, ungated: true, audit: 'rollback' }),

  route({ method: 'POST', path: '/api/jobs/train', access: 'admin', tag: 'jobs', summary: 'Start a training job (one at a time); the body may set promote, tolerance, as_of, horizon_days', body: TRAIN_BODY, response: '202 Job; 409 when one runs', handler: startTraining, audit: 'train' }),
  route({ method: 'GET', path: '/api/jobs/:id', access: 'admin', tag: 'jobs', summary: 'Job status', response: 'Job', handler: getJob }),
  route({ method: 'GET', path: '/api/jobs/:id/events', access: 'admin', tag: 'jobs', summary: 'Job progress as Server-Sent Events', response: 'text/event-stream: progress..., done', handler: jobEvents, ungated: true }),
  route({ method: 'DELETE', path: '/api/jobs/:id', access: 'admin', tag: 'jobs', summary: 'Cancel a job', response: 'Job', handler: cancelJob, audit: 'train.cancel' }),

  route({ method: 'GET', path: '/api/campaigns', access: 'retention', tag: 'campaigns', summary: 'Campaigns, newest first', response: '{campaigns: Campaign[]}', handler: listCampaignsRoute }),
  route({ method: 'POST', path: '/api/campaigns', access: 'retention', tag: 'campaigns', summary: 'Create a campaign from a filter and a playbook action, with a seeded control group; membership frozen now', body: CAMPAIGN_BODY, response: '201 {campaign_id, name, created_at, starts_at, horizon_days, filter, rule_id, action, playbook_version, control_percent, seed, model_version, treatment_count, control_count}', handler: createCampaignRoute }),
  route({ method: 'GET', path: '/api/campaigns/preview', access: 'retention', tag: 'campaigns', summary: 'How many customers a campaign filter selects now, and its treatment/control split', query: PREVIEW_QUERY, response: '{members, treatment, control}', handler: previewCampaign }),
  route({ method: 'GET', path: '/api/campaigns/:id', access: 'retention', tag: 'campaigns', summary: 'One campaign', response: 'Campaign', handler: getCampaignRoute }),
  route({ method: 'GET', path: '/api/campaigns/:id/export', access: 'retention', tag: 'campaigns', summary: 'The treatment list as CSV (every row, streamed; X-Total-Count)', response: 'text/csv', handler: exportCampaign }),
  route({ method: 'GET', path: '/api/campaigns/:id/results', access: 'retention', tag: 'campaigns', summary: 'Treatment vs control: repurchase, churn, revenue per customer, intervals, uplift, significance', response: '{campaign, window, repurchase, churn, revenue, level}', handler: campaignResultsRoute }),
  route({ method: 'POST', path: '/api/campaigns/:id/push', access: 'retention', tag: 'campaigns', summary: 'Push the treatment list to a destination as JSON batches (retries with backoff)', body: PUSH_BODY, response: '{push_id, batches, delivered_batches, delivered_customers, attempts, outcome, error}', handler: pushCampaignRoute, ungated: true }),
  route({ method: 'GET', path: '/api/campaigns/:id/deliveries', access: 'retention', tag: 'campaigns', summary: 'The delivery log: every attempt of every push', response: '{deliveries: [{destination, push_id, batch, attempt, attempted_at, customers, status, outcome, error}]}', handler: campaignDeliveries }),
  route({ method: 'GET', path: '/api/destinations', access: 'retention', tag: 'campaigns', summary: 'Push destinations (URLs shown to admins only)', response: '{destinations: [{name, batch_size, url?, created_at?}]}', handler: listDestinationsRoute }),
  route({ method: 'POST', path: '/api/destinations', access: 'admin', tag: 'campaigns', summary: 'Add a webhook destination', body: DESTINATION_BODY, response: '201 Destination', handler: addDestinationRoute, audit: 'destination.add' }),
  route({ method: 'DELETE', path: '/api/destinations/:name', access: 'admin', tag: 'campaigns', summary: 'Remove a destination (its delivery log stays)', response: '204', handler: removeDestinationRoute, audit: 'destination.remove' }),

  route({ method: 'GET', path: '/api/playbook', access: 'retention', tag: 'playbooks', summary: 'The playbook in force (or an earlier version): tier and risk band to action', query: PLAYBOOK_QUERY, response: '{version, updated_at, rules: [{id, dimension, value, risk_band, action}]}', handler: getPlaybook }),
  route({ method: 'PUT', path: '/api/playbook', access: 'analyst', tag: 'playbooks', summary: 'Save the playbook as a new version', body: PLAYBOOK_BODY, response: 'Playbook; 409 when base_version is not the newest', handler: putPlaybook }),

  route({ method: 'GET', path: '/api/notebooks', access: 'analyst', tag: 'notebooks', summary: 'List notebooks', response: '{notebooks: [{id, title, updated_at}]}', handler: listNotebooks }),
  route({ method: 'GET', path: '/api/notebooks/:id', access: 'analyst', tag: 'notebooks', summary: 'One notebook', response: 'Notebook', handler: getNotebook }),
  route({ method: 'PUT', path: '/api/notebooks/:id', access: 'analyst', tag: 'notebooks', summary: 'Create or replace a notebook', body: NOTEBOOK_BODY, response: 'Notebook', handler: putNotebook }),
  route({ method: 'DELETE', path: '/api/notebooks/:id', access: 'analyst', tag: 'notebooks', summary: 'Delete a notebook', response: '204', handler: deleteNotebook }),

  route({ method: 'POST', path: '/api/sql', access: 'analyst', tag: 'sql', summary: 'Run one read-only SELECT', body: SQL_BODY, response: '{columns: [{name, type}], rows, row_count, truncated, elapsed_ms}', handler: runSql }),
  route({ method: 'GET', path: '/api/sql/schema', access: 'analyst', tag: 'sql', summary: 'The tables and views SQL cells may read', response: '{tables: [{name, kind, rows, columns: [{name, type}]}]}', handler: getSqlSchema }),
];
