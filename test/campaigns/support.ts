import { Random } from '../../data/random.ts';
import type { Store } from '../../data/store.ts';

export interface PlantedEffect {
  /** Chance of buying in the window, per arm. */
  buyTreatment: number;
  buyControl: number;
  /** Mean order amount of a buyer, per arm (exponential amounts). */
  amountTreatment: number;
  amountControl: number;
  seed: number;
  /** Orders are placed this many days after the start, at most. */
  withinDays: number;
}

/**
 * Generated outcomes for a campaign's members: each buys once in the window with its arm's chance, an
 * exponential amount with its arm's mean. Written as new transactions, as a shop's next load would.
 */
export async function plantOutcomes(store: Store, campaignId: number, effect: PlantedEffect): Promise<number> {
  const campaign = await store.one<{ starts_at: string }>('SELECT starts_at FROM campaigns WHERE campaign_id = $1', [campaignId]);
  const members = await store.all<{ customer_id: string; arm: string }>('SELECT customer_id, arm FROM campaign_members WHERE campaign_id = $1 ORDER BY customer_id', [campaignId]);
  const rng = new Random(effect.seed);
  const rows: { id: string; order: string; at: string; amount: number }[] = [];
  const start = Date.parse(campaign!.starts_at);
  for (const m of members) {
    const treated = m.arm === 'treatment';
    if (rng.next() >= (treated ? effect.buyTreatment : effect.buyControl)) continue;
    const mean = treated ? effect.amountTreatment : effect.amountControl;
    const amount = Math.round(-Math.log(1 - rng.next()) * mean * 100) / 100 + 0.01;
    rows.push({ id: m.customer_id, order: `planted-${campaignId}-${effect.seed}-${rows.length}`, at: new Date(start + rng.next() * effect.withinDays * 86_400_000).toISOString(), amount });
  }
  await store.run(
    `INSERT INTO transactions (customer_id, order_id, timestamp, amount)
     SELECT unnest(from_json($ids, '["VARCHAR"]')), unnest(from_json($orders, '["VARCHAR"]')), CAST(unnest(from_json($at, '["VARCHAR"]')) AS TIMESTAMPTZ), CAST(unnest(from_json($amounts, '["DOUBLE"]')) AS DECIMAL(18,4))`,
    { ids: JSON.stringify(rows.map((r) => r.id)), orders: JSON.stringify(rows.map((r) => r.order)), at: JSON.stringify(rows.map((r) => r.at)), amounts: JSON.stringify(rows.map((r) => r.amount)) },
  );
  return rows.length;
}
