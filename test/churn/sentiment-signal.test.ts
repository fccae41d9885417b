import { describe, expect, it } from 'vitest';
import { loadDemo } from '../../data/demo.ts';
import { Store } from '../../data/store.ts';
import { behaviouralDataset } from '../../models/churn/dataset.ts';
import { tableRows } from '../../models/churn/feature-table.ts';
import { trainAll } from '../../models/pipeline.ts';

const SENTIMENT_FEATURES = ['feedback_count', 'sentiment_mean', 'sentiment_latest', 'negative_feedback_count', 'negative_share', 'sentiment_trend', 'days_since_negative'];

describe('feedback sentiment feeds the churn model', () => {
  it('the churn model trains on the sentiment features and ranks with them on demo data', async () => {
    const store = await Store.open({ path: ':memory:' });
    try {
      await loadDemo(store, { customers: 2500, seed: 11 });
      const result = await trainAll(store, { seed: 11 });
      const churn = result.churn!;

      // The signal is in the data: customers with negative feedback before the cutoff churn more often.
      const cutoff = churn.split.match(/test at (\d{4}-\d{2}-\d{2})/)![1];
      const data = await behaviouralDataset(store, { cutoff, horizonDays: 90 });
      const rate = (keep: (n: number | null) => boolean) => {
        const idx = tableRows(data.table).map((r, i) => (keep(r.negative_feedback_count as number | null) ? i : -1)).filter((i) => i >= 0);
        return idx.reduce((s, i) => s + data.labels[i], 0) / idx.length;
      };
      expect(rate((n) => (n ?? 0) > 0)).toBeGreaterThan(rate((n) => (n ?? 0) === 0) + 0.1);

      // The model sees the features and uses them: permuting them on held-out rows costs ROC-AUC.
      expect(churn.test.table.columns.map((c) => c.name)).toEqual(expect.arrayContaining(SENTIMENT_FEATURES));
      const drop = churn.importance.filter((f) => SENTIMENT_FEATURES.includes(f.feature)).reduce((s, f) => s + Math.max(0, f.aucDrop), 0);
      expect(drop).toBeGreaterThan(0.002);
    } finally {
      store.close();
    }
  });
});
