import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../data/store.ts';
import { SentimentSet, defaultSentimentModel, scoreFeedbackTable, sentimentFeatureSql } from '../../models/sentiment/index.ts';

let store: Store;
beforeEach(async () => {
  store = await Store.open({ path: ':memory:' });
});
afterEach(() => store.close());

describe('scoreFeedbackTable', () => {
  const insert = async (rows: string[][], loadId: number | null = null) => {
    for (const [id, ts, text] of rows) {
      await store.run('INSERT INTO feedback (customer_id, timestamp, text, load_id) VALUES ($1, $2, $3, $4)', [id, ts, text, loadId]);
    }
  };
  const scoredRows = () =>
    store.all<{ timestamp: string; score: number; label: string; language: string }>('SELECT * FROM feedback_scores ORDER BY timestamp');

  it('scores every feedback row in its language with the scorer the API uses, and replaces rather than appends', async () => {
    const rows = [
      ['c1', '2024-01-05T10:00:00Z', 'Great service, love it'],
      ['c1', '2024-03-01T10:00:00Z', 'Terrible. Never again'],
      ['c2', '2024-02-01T10:00:00Z', ''],
      ['c3', '2024-02-02T10:00:00Z', '送货太慢了，客服也不理人，很失望'],
    ];
    await insert(rows);
    const models = SentimentSet.shipped();
    expect(await scoreFeedbackTable({ store, models })).toEqual({ rows: 4, languages: { en: 3, zh: 1 } });
    expect(await scoreFeedbackTable({ store, models })).toEqual({ rows: 4, languages: { en: 3, zh: 1 } });
    const scored = await scoredRows();
    expect(scored).toHaveLength(4);
    const byTime = new Map(rows.map(([, ts, text]) => [new Date(ts).toISOString(), text]));
    for (const row of scored) {
      const expected = models.score(byTime.get(row.timestamp)!);
      expect(row.score).toBeCloseTo(expected.score, 12);
      expect(row.label).toBe(expected.label);
      expect(row.language).toBe(expected.language);
    }
    expect(scored.find((row) => row.language === 'zh')!.label).toBe('negative');
  });

  it("follows each data set's language setting, and an explicit setting or model over it", async () => {
    await store.run(`INSERT INTO loads VALUES (1, 'feedback', 'a.csv', now(), 1, 0, 'en'), (2, 'feedback', 'b.csv', now(), 1, 0, 'auto')`);
    await insert([['c1', '2024-01-05T10:00:00Z', '很好']], 1);
    await insert([['c2', '2024-01-06T10:00:00Z', '很好']], 2);
    await scoreFeedbackTable({ store });
    expect((await scoredRows()).map((row) => row.language)).toEqual(['en', 'zh']);
    await scoreFeedbackTable({ store, language: 'zh' });
    expect((await scoredRows()).map((row) => row.language)).toEqual(['zh', 'zh']);
    await scoreFeedbackTable({ store, model: defaultSentimentModel('en') });
    expect((await scoredRows()).map((row) => row.language)).toEqual(['en', 'en']);
  });
});

describe('sentimentFeatureSql', () => {
  it('computes per-customer features from feedback before asOf (hand-checked)', async () => {
    await store.run('CREATE TABLE feedback_scores (customer_id VARCHAR, timestamp TIMESTAMPTZ, score DOUBLE, label VARCHAR)');
    await store.run(`INSERT INTO feedback_scores VALUES
      ('a', '2024-01-01 00:00:00+00', 0.5, 'positive'),
      ('a', '2024-05-20 00:00:00+00', -0.8, 'negative'),
      ('a', '2024-07-01 00:00:00+00', 0.9, 'positive'),   -- after asOf: ignored
      ('b', '2024-05-01 12:00:00+00', 0.1, 'neutral'),
      ('b', '2024-05-31 23:59:59+00', 0.3, 'positive'),
      ('c', '2024-06-01 00:00:00+00', -0.9, 'negative')  -- exactly asOf: ignored`);
    const rows = await store.all<Record<string, number | string | null>>(`SELECT * FROM (${sentimentFeatureSql('2024-06-01')}) ORDER BY customer_id`);
    expect(rows.map((r) => r.customer_id)).toEqual(['a', 'b']);
    const [a, b] = rows;
    expect(a.feedback_count).toBe(2);
    expect(a.sentiment_mean).toBeCloseTo(-0.15, 12);
    expect(a.sentiment_latest).toBe(-0.8);
    expect(a.negative_share).toBe(0.5);
    expect(a.sentiment_trend).toBeCloseTo(-0.8 - 0.5, 12); // last 90 days minus before
    expect(a.days_since_negative).toBe(12);
    expect(b.sentiment_latest).toBe(0.3);
    expect(b.sentiment_trend).toBeNull(); // nothing before the 90-day window
    expect(b.days_since_negative).toBeNull();
    expect(b.negative_share).toBe(0);
  });

  it('refuses an asOf that is not a date', () => {
    expect(() => sentimentFeatureSql("2024-01-01'; DROP TABLE x; --")).toThrow(/YYYY-MM-DD/);
    expect(() => sentimentFeatureSql('2024-13-45')).toThrow(/YYYY-MM-DD/);
  });
});
