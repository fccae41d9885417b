/**
 * Loaders of the views that follow tiers into action: campaign results, tier flows and alerts. A 404 (no
 * campaign yet, fewer than two trained versions) becomes NotReadyError: the cell shows what to do first.
 */
import { api, ApiError } from '../api.ts';
import { campaignResults as loadResults, listCampaigns, type CampaignResults } from '../campaigns/campaigns.ts';
import type { TierAlertsAnswer, TierFlowAnswer } from '../../../server/contracts.ts';
import type { Params } from './load.ts';
import { t } from '../i18n/index.svelte.ts';
import { NotReadyError } from './ready.ts';

async function ready<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) throw new NotReadyError(error.message);
    throw error;
  }
}

/** The campaign named by `params.campaign`, or the newest. */
export async function campaignResults(params: Params): Promise<CampaignResults> {
  return ready(async () => {
    const id = Number(params.campaign) || (await listCampaigns())[0]?.campaign_id;
    if (!id) throw new NotReadyError(t('view.noCampaign'));
    return loadResults(id);
  });
}

export type TierFlow = TierFlowAnswer;

export const tierFlow = (params: Params) => ready(() => api<TierFlow>('/api/history/flow', { query: { column: params.column, since: params.since, from_version: params.from_version } }));

export type TierAlerts = TierAlertsAnswer;

export const tierAlerts = (params: Params) => ready(() => api<TierAlerts>('/api/history/alerts', { query: { since: params.since } }));
