import { dropCustomerPages } from '../../data/analytics.ts';
import { parseDate } from '../../data/dates.ts';
import { badInput } from '../../data/errors.ts';
import { literal, type Store } from '../../data/store.ts';
import type { LanguageSetting } from '../../data/text-language.ts';
import type { Language } from './language.ts';
import type { SentimentModel } from './model.ts';
import { SentimentSet } from './sentiment-set.ts';

export interface ScoreFeedbackOptions {
  store: Store;
  /** A model per language (the active bundle's). Default: the shipped ones. */
  models?: SentimentSet;
  /** One model for every row, whatever its language (a model file named on the command line). */
  model?: SentimentModel;
  /** One setting for every row, instead of each data set's own (`loads.language`; auto when unrecorded). */
  language?: LanguageSetting;
}

export interface ScoredFeedback {
  rows: number;
  /** Rows scored per language. */
  languages: Partial<Record<Language, number>>;
}

/**
 * Scores every row of `feedback` in its language and replaces table `feedback_scores(customer_id, timestamp,
 * score DOUBLE, label VARCHAR, language VARCHAR)` in one transaction: readers see the old table or the new one,
 * never a half-written one. A row's language comes from its data set's setting (`auto`: by script, per text).
 *
 * @example
 * await scoreFeedbackTable({ store, models: SentimentSet.shipped() }); // { rows: 120, languages: { en: 80, zh: 40 } }
 */
export async function scoreFeedbackTable(options: ScoreFeedbackOptions): Promise<ScoredFeedback> {
  const { store } = options;
  const models = options.models ?? SentimentSet.shipped();
  const languages: ScoredFeedback['languages'] = {};
  return store.transaction(async () => {
    // rowid ties scores back to their rows without round-tripping timestamps through JavaScript
    const rows = await store.all<{ id: number; text: string | null; setting: LanguageSetting | null }>(
      'SELECT f.rowid AS id, f.text, l.language AS setting FROM feedback f LEFT JOIN loads l ON l.load_id = f.load_id',
    );
    await store.run('CREATE OR REPLACE TEMP TABLE feedback_scores_staging (id BIGINT, score DOUBLE, label VARCHAR, language VARCHAR)');
    const appender = await store.connection.createAppender('feedback_scores_staging', 'main', 'temp');
    for (const row of rows) {
      const text = row.text ?? '';
      const language = options.model?.language ?? models.languageOf(text, options.language ?? row.setting ?? 'auto');
      const result = (options.model ?? models.model(language)).score(text);
      languages[language] = (languages[language] ?? 0) + 1;
      appender.appendBigInt(BigInt(row.id));
      appender.appendDouble(result.score);
      appender.appendVarchar(result.label);
      appender.appendVarchar(language);
      appender.endRow();
    }
    appender.closeSync();
    await store.run(`CREATE OR REPLACE TABLE feedback_scores AS
      SELECT f.customer_id, f.timestamp, s.score, s.label, s.language
        FROM feedback f JOIN temp.feedback_scores_staging s ON f.rowid = s.id`);
    await store.run('DROP TABLE temp.feedback_scores_staging');
    // The customer pages show these scores with the feedback: built again by whoever serves them.
    await dropCustomerPages(store);
    return { rows: rows.length, languages };
  });
}

export interface SentimentFeatureOptions {
  /** Window of the recent mean in `sentiment_trend`. */
  trendDays: number;
}

export const DEFAULT_SENTIMENT_FEATURES: SentimentFeatureOptions = { trendDays: 90 };

/**
 * A SELECT with one row per customer who left feedback before `asOf` ('YYYY-MM-DD', exclusive), from
 * `feedback_scores`: feedback_count, sentiment_mean, sentiment_latest, negative_feedback_count, negative_share, sentiment_trend (mean of
 * the last `trendDays` days before asOf minus the mean before them; NULL unless both windows have feedback),
 * days_since_negative (whole days from the latest negative to asOf; NULL when never negative).
 *
 * @example
 * await store.all(`SELECT * FROM (${sentimentFeatureSql('2024-01-01')})`);
 */
export function sentimentFeatureSql(asOf: string, options: Partial<SentimentFeatureOptions> = {}): string {
  parseDate(asOf, 'asOf');
  const { trendDays } = { ...DEFAULT_SENTIMENT_FEATURES, ...options };
  if (!Number.isInteger(trendDays) || trendDays <= 0) throw badInput('trendDays must be a positive whole number', { field: 'trendDays' });
  const cutoff = `CAST(${literal(`${asOf} 00:00:00+00`)} AS TIMESTAMPTZ)`;
  const recent = `timestamp >= ${cutoff} - INTERVAL ${trendDays} DAY`;
  return `SELECT customer_id,
       count(*) AS feedback_count,
       avg(score) AS sentiment_mean,
       arg_max(score, timestamp) AS sentiment_latest,
       count(*) FILTER (WHERE label = 'negative') AS negative_feedback_count,
       avg(CASE WHEN label = 'negative' THEN 1 ELSE 0 END) AS negative_share,
       avg(score) FILTER (WHERE ${recent}) - avg(score) FILTER (WHERE NOT (${recent})) AS sentiment_trend,
       CAST(floor(epoch(${cutoff} - max(timestamp) FILTER (WHERE label = 'negative')) / 86400) AS INTEGER) AS days_since_negative
  FROM feedback_scores
 WHERE timestamp < ${cutoff}
 GROUP BY customer_id`;
}
