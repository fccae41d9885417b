import { notFound } from '../../data/errors.ts';
import {
  addDestination, campaignPreview, campaignResults, createCampaign, deliveryLog, EXPORT_COLUMNS, exportCsvLine, FILTER_KEYS, getCampaign, listCampaigns, listDestinations,
  pushCampaign, removeDestination, TREATMENT_SQL, type CampaignFilter,
} from '../../models/campaigns/index.ts';
import { readPlaybook } from '../../models/playbooks/index.ts';
import { Registry } from '../../models/registry/registry.ts';
import type { CampaignPreviewQuery, CampaignRequest, DestinationRequest, PushRequest } from '../contracts.ts';
import type { RouteInput } from '../context.ts';
import type { Values } from '../validate.ts';
import { csvDownload } from '../csv-download.ts';

function campaignId(params: Record<string, string>): number {
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id < 1) throw notFound(`campaign ${params.id} does not exist`, { field: 'id' });
  return id;
}

async function campaignOf(input: RouteInput) {
  const campaign = await getCampaign(input.deps.store, campaignId(input.params));
  if (!campaign) throw notFound(`campaign ${input.params.id} does not exist`, { field: 'id' });
  return campaign;
}

export async function listCampaignsRoute({ deps }: RouteInput) {
  return { campaigns: await listCampaigns(deps.store) };
}

export async function getCampaignRoute(input: RouteInput) {
  return campaignOf(input);
}

const filterOf = (values: Record<string, unknown>) => Object.fromEntries(FILTER_KEYS.filter((k) => values[k] !== undefined).map((k) => [k, values[k]])) as CampaignFilter;

/** GET /api/campaigns/preview: how many customers the filter selects now, and the split the control share gives. */
export async function previewCampaign({ deps, query }: RouteInput<CampaignPreviewQuery>) {
  return campaignPreview(deps.store, filterOf(query), query.control_percent);
}

/** POST /api/campaigns: members frozen now, control group drawn by the seed; answers the campaign with its counts. */
export async function createCampaignRoute({ c, deps, body }: RouteInput<Values, CampaignRequest>) {
  const campaign = await createCampaign(deps.store, {
    name: body.name,
    ruleId: body.rule_id,
    filter: filterOf(body),
    playbook: readPlaybook(deps.home),
    controlPercent: body.control_percent,
    seed: body.seed,
    horizonDays: body.horizon_days,
    startsAt: body.starts_at,
    modelVersion: new Registry(deps.home).active(),
  });
  return c.json(campaign, 201);
}

/** GET /api/campaigns/:id/export: every treatment member as CSV, streamed, the count ahead in X-Total-Count. */
export async function exportCampaign(input: RouteInput) {
  const { c, deps } = input;
  const campaign = await campaignOf(input);
  return csvDownload(c, {
    store: deps.store,
    sql: TREATMENT_SQL,
    params: { id: campaign.campaign_id },
    filename: `campaign-${campaign.campaign_id}.csv`,
    total: campaign.treatment_count,
    header: EXPORT_COLUMNS,
    line: (r) => exportCsvLine(r, campaign.action),
  });
}

export async function campaignResultsRoute({ deps, params }: RouteInput) {
  return campaignResults(deps.store, campaignId(params));
}

/** POST /api/campaigns/:id/push: sends the treatment list to a destination; answers when done (or given up). */
export async function pushCampaignRoute({ deps, params, body }: RouteInput<Values, PushRequest>) {
  // The delivery log is written on a connection of its own: a request's reads and other writers never mix in.
  const work = await deps.store.fork();
  try {
    return await pushCampaign(work, { campaignId: campaignId(params), destination: body.destination });
  } finally {
    work.close();
  }
}

export async function campaignDeliveries(input: RouteInput) {
  const campaign = await campaignOf(input);
  return { deliveries: await deliveryLog(input.deps.store, campaign.campaign_id) };
}

/** GET /api/destinations: names for everyone who may push; URLs (which can hold secrets) for admins only. */
export async function listDestinationsRoute({ deps, role }: RouteInput) {
  const destinations = await listDestinations(deps.store);
  return { destinations: role === 'admin' ? destinations : destinations.map(({ name, batch_size }) => ({ name, batch_size })) };
}

export async function addDestinationRoute({ c, deps, body }: RouteInput<Values, DestinationRequest>) {
  return c.json(await addDestination(deps.store, { name: body.name, url: body.url, batchSize: body.batch_size }), 201);
}

export async function removeDestinationRoute({ c, deps, params }: RouteInput) {
  await removeDestination(deps.store, params.name);
  return c.body(null, 204);
}
