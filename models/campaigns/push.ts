import { randomBytes } from 'node:crypto';
import { notFound } from '../../data/errors.ts';
import type { Store } from '../../data/store.ts';
import { getCampaign } from './create.ts';
import { getDestination } from './destinations.ts';
import { TREATMENT_SQL } from './export.ts';

export const PUSH_DEFAULTS = { maxAttempts: 4, firstDelayMs: 500, timeoutMs: 10_000 } as const;

export interface PushOptions {
  campaignId: number;
  destination: string;
  /** Tries per batch (default 4): the first, then retries after firstDelayMs, x2, x4 ... */
  maxAttempts?: number;
  firstDelayMs?: number;
  /** Per request. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface PushResult {
  push_id: string;
  campaign_id: number;
  destination: string;
  batches: number;
  delivered_batches: number;
  delivered_customers: number;
  attempts: number;
  outcome: 'delivered' | 'failed';
  error: string | null;
}

/** Worth trying again: no answer, a timeout, 408, 429 or a server error. Any other 4xx will not change. */
const retryable = (status: number | null) => status === null || status === 408 || status === 429 || status >= 500;

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends a campaign's treatment list to a webhook destination as JSON batches
 * (`{campaign, batch, batches, customers: [...]}`, header `Idempotency-Key: <push_id>-<batch>` so a receiver can
 * drop a batch it got twice). A batch that fails is retried with exponential backoff; one that still fails
 * stops the push (later batches are not sent) and the result says so. Every attempt is a row of
 * `campaign_deliveries` (the delivery log).
 *
 * @example
 * const result = await pushCampaign(store, { campaignId: 3, destination: 'crm' });
 */
export async function pushCampaign(store: Store, options: PushOptions): Promise<PushResult> {
  const maxAttempts = options.maxAttempts ?? PUSH_DEFAULTS.maxAttempts;
  const firstDelayMs = options.firstDelayMs ?? PUSH_DEFAULTS.firstDelayMs;
  const timeoutMs = options.timeoutMs ?? PUSH_DEFAULTS.timeoutMs;
  const sleep = options.sleep ?? wait;
  const campaign = await getCampaign(store, options.campaignId);
  if (!campaign) throw notFound(`campaign ${options.campaignId} does not exist`, { field: 'id' });
  const destination = await getDestination(store, options.destination);
  if (!destination) throw notFound(`destination ${options.destination} does not exist (an admin adds it: POST /api/destinations)`, { field: 'destination' });
  const members = await store.all<Record<string, unknown>>(TREATMENT_SQL, { id: campaign.campaign_id });
  const batches = Math.ceil(members.length / destination.batch_size);
  const result: PushResult = { push_id: randomBytes(6).toString('hex'), campaign_id: campaign.campaign_id, destination: destination.name, batches, delivered_batches: 0, delivered_customers: 0, attempts: 0, outcome: 'delivered', error: null };
  const log = (batch: number, attempt: number, customers: number, status: number | null, outcome: string, error: string | null) =>
    store.run('INSERT INTO campaign_deliveries VALUES ($1, $2, $3, $4, $5, now(), $6, $7, $8, $9)', [campaign.campaign_id, destination.name, result.push_id, batch, attempt, customers, status, outcome, error]);
  for (let b = 0; b < batches; b++) {
    const customers = members.slice(b * destination.batch_size, (b + 1) * destination.batch_size);
    const body = JSON.stringify({ campaign: { campaign_id: campaign.campaign_id, name: campaign.name, rule_id: campaign.rule_id, action: campaign.action }, push_id: result.push_id, batch: b + 1, batches, customers });
    let delivered = false;
    for (let attempt = 1; attempt <= maxAttempts && !delivered; attempt++) {
      result.attempts++;
      let status: number | null = null;
      let error: string | null = null;
      try {
        const response = await fetch(destination.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': `${result.push_id}-${b + 1}` },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        status = response.status;
        await response.body?.cancel();
        if (response.ok) delivered = true;
        else error = `HTTP ${status}`;
      } catch (thrown) {
        error = (thrown as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (thrown as Error).message;
      }
      const last = delivered || attempt === maxAttempts || !retryable(status);
      await log(b + 1, attempt, customers.length, status, delivered ? 'delivered' : last ? 'failed' : 'retry', error);
      if (delivered) break;
      if (last) {
        result.outcome = 'failed';
        result.error = `batch ${b + 1} of ${batches} failed after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${error}`;
        return result;
      }
      await sleep(firstDelayMs * 2 ** (attempt - 1));
    }
    result.delivered_batches++;
    result.delivered_customers += customers.length;
  }
  return result;
}

/** The delivery log of a campaign, newest first. */
export async function deliveryLog(store: Store, campaignId: number) {
  return store.all('SELECT destination, push_id, batch, attempt, attempted_at, customers, status, outcome, error FROM campaign_deliveries WHERE campaign_id = $1 ORDER BY attempted_at DESC, push_id, batch DESC, attempt DESC', [campaignId]);
}
