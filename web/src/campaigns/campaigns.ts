/** Campaigns over the API (`/api/campaigns`, `/api/destinations`): types and calls (models/campaigns). */
import type { Campaign } from '../../../models/campaigns/create.ts';
import type { CampaignResults } from '../../../models/campaigns/outcomes.ts';
import type { PushResult } from '../../../models/campaigns/push.ts';
import { api, request, saveBlob, type Query } from '../api.ts';

// The API's types are the model's (one definition). Intervals that cannot be computed (an empty group) are NaN
// there and arrive as null in JSON: the views treat both as "no value".
export type { Campaign, CampaignResults, PushResult };

export const listCampaigns = async () => (await api<{ campaigns: Campaign[] }>('/api/campaigns')).campaigns;

export const createCampaign = (body: Record<string, unknown>) => api<Campaign>('/api/campaigns', { method: 'POST', body });

/** How many customers the filter selects now, and the treatment/control split (nothing is created). */
export const previewCampaign = (query: Query) => api<{ members: number; treatment: number; control: number }>('/api/campaigns/preview', { query });

export const campaignResults = (id: number) => api<CampaignResults>(`/api/campaigns/${id}/results`);

/** Downloads the treatment list; resolves to the row count the server announced. */
export async function exportCampaign(id: number): Promise<number> {
  const response = await request(`/api/campaigns/${id}/export`);
  const total = Number(response.headers.get('x-total-count'));
  saveBlob(await response.blob(), `campaign-${id}.csv`);
  return total;
}

export const listDestinations = async () => (await api<{ destinations: { name: string; batch_size: number }[] }>('/api/destinations')).destinations;

export const pushCampaign = (id: number, destination: string) => api<PushResult>(`/api/campaigns/${id}/push`, { method: 'POST', body: { destination } });

/** The filter fields a campaign is created with, from form values: empty ones left out. */
export function campaignFilter(values: Query): Record<string, string | number> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string | number>;
}
