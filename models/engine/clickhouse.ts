import { randomBytes } from 'node:crypto';
import { refreshAnalyticsView } from '../../data/analytics.ts';
import { ClickHouse } from '../../data/clickhouse/client.ts';
import { describeConfig, type ClickHouseConfig } from '../../data/clickhouse/config.ts';
import { clickhouseFeatureSql, PER_CUSTOMER_SETTINGS } from '../../data/clickhouse/features-sql.ts';
import { clickhouseDayLinesSql, clickhouseLabelSql } from '../../data/clickhouse/labels-sql.ts';
import { writeScores } from '../../data/clickhouse/scores.ts';
import { resolveSource, type ClickHouseSource } from '../../data/clickhouse/source.ts';
import { copyIntoDuckDB } from '../../data/clickhouse/to-duckdb.ts';
import { TierlabError } from '../../data/errors.ts';
import { dateOfDay, resolveAsOf } from '../../data/dates.ts';
import { featureSql, type FeatureOptions } from '../../data/features.ts';
import { ident, type Store } from '../../data/store.ts';
import type { TransactionArrays } from '../clv/summary.ts';
import { clickhouseCutsSql, clickhouseTierSql, parseCuts } from '../tiers/clickhouse.ts';
import { applyTierRules, tierSql, type AppliedTierRules, type TierRules } from '../tiers/index.ts';
import type { ChurnLabel, Engine, EngineDescription, EngineProgress } from './types.ts';

/** Tierlab's own tables in the user's database carry this prefix, so they are easy to find (and drop after a crash). */
const TEMP_PREFIX = 'tierlab_tmp_';

/**
 * The set work inside a ClickHouse cluster. Features are aggregated per customer on the shards into a table on
 * the initiating node (one row per customer: millions, not billions of lines); the tiers' global steps run there
 * over that table; every per-customer result streams into the local store's tables, typed as the DuckDB engine
 * types them. Tables it makes are named `tierlab_tmp_<session>_*` and dropped on close.
 */
export class ClickHouseEngine implements Engine {
  readonly name = 'clickhouse' as const;
  private readonly session = randomBytes(4).toString('hex');
  private tables = 0;
  /** The ClickHouse features table behind the store's `customer_features`, which the tiers read. */
  private current?: string;

  private constructor(
    private readonly ch: ClickHouse,
    private readonly source: ClickHouseSource,
    private readonly say: (progress: EngineProgress) => void,
  ) {}

  /**
   * Connects, reads the tables' metadata and checks the mapping (clear errors naming table, column and field).
   *
   * @example
   * const engine = await ClickHouseEngine.open(clickhouseConfigFromEnv(), { onProgress: console.error });
   */
  static async open(config: ClickHouseConfig, options: { onProgress?: (progress: EngineProgress) => void } = {}): Promise<ClickHouseEngine> {
    const ch = await ClickHouse.connect(config);
    try {
      const source = await resolveSource(ch, config);
      const engine = new ClickHouseEngine(ch, source, options.onProgress ?? (() => {}));
      engine.say({ step: 'connected', ...engine.describe() });
      return engine;
    } catch (error) {
      await ch.close();
      throw error;
    }
  }

  describe(): EngineDescription {
    return { engine: 'clickhouse', version: this.ch.version, ...describeConfig(this.ch.config), sharded: this.source.sharded };
  }

  private tempTable(what: string): string {
    this.tables += 1;
    return `${TEMP_PREFIX}${this.session}_${what}_${this.tables}`;
  }

  private async timed<T>(step: string, work: () => Promise<T>, detail: (result: T) => Record<string, unknown> = () => ({})): Promise<T> {
    const started = performance.now();
    const result = await work();
    this.say({ step, engine: 'clickhouse', ms: Math.round(performance.now() - started), ...detail(result) });
    return result;
  }

  async defaultAsOf(): Promise<string> {
    const t = this.source.transactions;
    const [[lines, last]] = await this.ch.rows(`SELECT count(), max(${t.expr.ts_s}) FROM ${t.table} WHERE ${t.valid}`);
    if (Number(lines) === 0) return new Date().toISOString().slice(0, 10);
    return dateOfDay(Math.floor(Number(last) / 86_400) + 1);
  }

  /** Streams a ClickHouse result into a store table created empty with DuckDB's own types (`LIMIT 0` of its SQL). */
  private async copy(store: Store, table: string, duckdbSql: string, rows: AsyncIterable<(string | null)[]>, step: string): Promise<number> {
    await store.run(`CREATE OR REPLACE TABLE ${ident(table)} AS SELECT * FROM (${duckdbSql}) LIMIT 0`);
    return this.timed(
      step,
      () => copyIntoDuckDB({ store, table, rows, onBatch: (copied) => this.say({ step: `${step} (batch)`, engine: 'clickhouse', rows: copied }) }),
      (copied) => ({ rows: copied, table }),
    );
  }

  async buildFeatures(store: Store, options: FeatureOptions = {}): Promise<string> {
    const asOf = await resolveAsOf(store, options.asOf, () => this.defaultAsOf());
    const table = options.table ?? 'customer_features';
    const remote = this.tempTable('features');
    await this.timed(`features: per-customer aggregation in ClickHouse (as of ${asOf})`, () =>
      this.ch.command(`CREATE TABLE ${remote} ENGINE = MergeTree ORDER BY customer_id AS ${clickhouseFeatureSql(this.source, asOf)}`, PER_CUSTOMER_SETTINGS),
    );
    try {
      await this.copy(store, table, featureSql(asOf), this.ch.stream(`SELECT * FROM ${remote}`), 'features: copy into the store');
      if (options.extraSources?.length) {
        // Columns Tierlab computes itself (sentiment of the local feedback) join the copied rows in the store.
        const joins = options.extraSources.map((sql, i) => `LEFT JOIN (${sql}) x${i} USING (customer_id)`).join('\n');
        const columns = options.extraSources.map((_, i) => `x${i}.* EXCLUDE (customer_id)`).join(', ');
        await store.run(`CREATE OR REPLACE TABLE ${ident(table)} AS SELECT f.*, ${columns} FROM ${ident(table)} f ${joins}`);
      }
    } catch (error) {
      await this.drop(remote);
      throw error;
    }
    if (table === 'customer_features') {
      if (this.current) await this.drop(this.current);
      this.current = remote;
    } else {
      await this.drop(remote);
    }
    return asOf;
  }

  async buildTiers(store: Store, rules: TierRules = {}): Promise<AppliedTierRules> {
    if (!this.current) throw new TierlabError('failed', 'the ClickHouse engine builds tiers from its features: build features first');
    const [row] = await this.timed('tiers: cut points over every buyer', () => this.ch.rows(clickhouseCutsSql(this.current!)));
    const applied = applyTierRules(parseCuts(row), rules);
    await this.copy(store, 'customer_rfm', tierSql(applied), this.ch.stream(clickhouseTierSql(this.current, applied)), 'tiers: scores, ABC, value tiers, lifecycle');
    await refreshAnalyticsView(store);
    return applied;
  }

  async behaviouralLabels(_store: Store, options: { cutoff: string; horizonDays: number }): Promise<ChurnLabel[]> {
    const rows = await this.timed(`churn labels at ${options.cutoff}`, () => this.ch.rows(clickhouseLabelSql(this.source, options), PER_CUSTOMER_SETTINGS), (r) => ({ rows: r.length }));
    return rows.map(([customer_id, churned]) => ({ customer_id: customer_id!, churned: Number(churned) }));
  }

  async dayLines(_store: Store, options: { before: string }): Promise<TransactionArrays> {
    return this.timed(
      `lifetime value: customer-day lines before ${options.before}`,
      async () => {
        const customerIds: string[] = [];
        const times: number[] = [];
        const amounts: number[] = [];
        for await (const [id, day, net] of this.ch.stream(clickhouseDayLinesSql(this.source, options), PER_CUSTOMER_SETTINGS)) {
          customerIds.push(id!);
          times.push(Number(day));
          amounts.push(Number(net));
        }
        return { customerIds, timesMs: Float64Array.from(times), amounts: Float64Array.from(amounts) };
      },
      (lines) => ({ rows: lines.customerIds.length }),
    );
  }

  async writeBack(store: Store, options: { outputsDir: string; version: number }): Promise<{ table: string; rows: number }> {
    const table = this.ch.config.scoresTable;
    const rows = await this.timed(
      `write back: ${table}`,
      () => writeScores(this.ch, { store, ...options, table, staging: this.tempTable('scores'), onProgress: (n) => this.say({ step: 'write back (batch)', engine: 'clickhouse', rows: n }) }),
      (n) => ({ rows: n, version: options.version }),
    );
    return { table: `${this.ch.config.database}.${table}`, rows };
  }

  private async drop(table: string): Promise<void> {
    await this.ch.command(`DROP TABLE IF EXISTS ${table}`);
  }

  async close(): Promise<void> {
    try {
      if (this.current) await this.drop(this.current);
    } finally {
      this.current = undefined;
      await this.ch.close();
    }
  }
}
