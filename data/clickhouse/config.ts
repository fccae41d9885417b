import { parseMapping, type ColumnMapping } from '../columns.ts';
import { badInput, TierlabError } from '../errors.ts';

/** One of the user's ClickHouse tables and how its columns map to Tierlab's canonical fields. */
export interface SourceTable {
  /** Table name, optionally `database.table`; a Distributed table on a cluster. */
  table: string;
  /** Canonical field -> source column (`ColumnMapping`); unmapped fields are found by their own name. */
  mapping: ColumnMapping;
}

export interface ClickHouseConfig {
  /** HTTP endpoint of the node that initiates queries, e.g. http://ch1:8123. */
  url: string;
  database: string;
  username?: string;
  password?: string;
  transactions: SourceTable;
  /** Optional: customers with sign-up dates (customers without any transaction come only from here). */
  customers?: SourceTable;
  /**
   * IANA zone in which `Date` columns (calendar days without a time) are read, as `--timezone` does for files.
   * `DateTime` columns hold instants and need none.
   */
  timezone: string;
  /** The write-back table, replaced on each promotion. */
  scoresTable: string;
  /** Per-request time limit. */
  requestTimeoutMs: number;
}

export const CLICKHOUSE_DEFAULTS = {
  url: 'http://127.0.0.1:8123',
  database: 'default',
  transactions: 'transactions',
  timezone: 'UTC',
  scoresTable: 'tierlab_customer_scores',
  requestTimeoutMs: 30 * 60_000,
};

/** The environment variables the ClickHouse engine reads (README: "Past one machine"). */
export const CLICKHOUSE_ENV = {
  url: 'TIERLAB_CLICKHOUSE_URL',
  database: 'TIERLAB_CLICKHOUSE_DATABASE',
  username: 'TIERLAB_CLICKHOUSE_USER',
  password: 'TIERLAB_CLICKHOUSE_PASSWORD',
  transactions: 'TIERLAB_CLICKHOUSE_TRANSACTIONS',
  transactionsMap: 'TIERLAB_CLICKHOUSE_TRANSACTIONS_MAP',
  customers: 'TIERLAB_CLICKHOUSE_CUSTOMERS',
  customersMap: 'TIERLAB_CLICKHOUSE_CUSTOMERS_MAP',
  timezone: 'TIERLAB_CLICKHOUSE_TIMEZONE',
  scoresTable: 'TIERLAB_CLICKHOUSE_SCORES_TABLE',
} as const;

/** The mapping an environment variable holds; its errors name the variable where the CLI would name `--map`. */
function mappingFrom(env: NodeJS.ProcessEnv, name: string, kind: 'transactions' | 'customers'): ColumnMapping {
  try {
    return parseMapping(env[name], kind);
  } catch (error) {
    if (!(error instanceof TierlabError)) throw error;
    throw badInput(error.messageIn({ on: () => name, named: () => name }), { field: name });
  }
}

/** A table name Tierlab puts into SQL: letters, digits and underscores, optionally `database.table`. */
export function checkTableName(name: string, field: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(name)) {
    throw badInput(`${field} must be a table name (letters, digits, _; optionally database.table), got "${name}"`, { field });
  }
  return name;
}

/**
 * The ClickHouse settings from the environment, checked. The password is kept in the config object only: it is
 * never part of a message, a log line or a manifest (`describeConfig` leaves it out).
 *
 * @example
 * const config = clickhouseConfigFromEnv(process.env);
 */
export function clickhouseConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ClickHouseConfig {
  const url = env[CLICKHOUSE_ENV.url] || CLICKHOUSE_DEFAULTS.url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badInput(`${CLICKHOUSE_ENV.url} is not a URL`, { field: CLICKHOUSE_ENV.url });
  }
  if (parsed.username || parsed.password) {
    // A password inside the URL would end up in messages and process listings.
    throw badInput(`${CLICKHOUSE_ENV.url} must not carry credentials; use ${CLICKHOUSE_ENV.username} and ${CLICKHOUSE_ENV.password}`, { field: CLICKHOUSE_ENV.url });
  }
  const database = env[CLICKHOUSE_ENV.database] || CLICKHOUSE_DEFAULTS.database;
  checkTableName(database, CLICKHOUSE_ENV.database);
  const customers = env[CLICKHOUSE_ENV.customers];
  const timezone = env[CLICKHOUSE_ENV.timezone] || CLICKHOUSE_DEFAULTS.timezone;
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new TierlabError('bad_input', `${CLICKHOUSE_ENV.timezone}: unknown time zone "${timezone}"`, { field: CLICKHOUSE_ENV.timezone });
  }
  return {
    url: parsed.toString().replace(/\/$/, ''),
    database,
    ...(env[CLICKHOUSE_ENV.username] && { username: env[CLICKHOUSE_ENV.username] }),
    ...(env[CLICKHOUSE_ENV.password] && { password: env[CLICKHOUSE_ENV.password] }),
    transactions: {
      table: checkTableName(env[CLICKHOUSE_ENV.transactions] || CLICKHOUSE_DEFAULTS.transactions, CLICKHOUSE_ENV.transactions),
      mapping: mappingFrom(env, CLICKHOUSE_ENV.transactionsMap, 'transactions'),
    },
    ...(customers && {
      customers: { table: checkTableName(customers, CLICKHOUSE_ENV.customers), mapping: mappingFrom(env, CLICKHOUSE_ENV.customersMap, 'customers') },
    }),
    timezone,
    scoresTable: checkTableName(env[CLICKHOUSE_ENV.scoresTable] || CLICKHOUSE_DEFAULTS.scoresTable, CLICKHOUSE_ENV.scoresTable),
    requestTimeoutMs: CLICKHOUSE_DEFAULTS.requestTimeoutMs,
  };
}

/** The configuration as it may be shown (progress, manifests): everything but the password. */
export function describeConfig(config: ClickHouseConfig): Record<string, unknown> {
  return {
    url: config.url,
    database: config.database,
    user: config.username ?? 'default',
    transactions: config.transactions.table,
    customers: config.customers?.table ?? null,
    timezone: config.timezone,
    scores_table: config.scoresTable,
  };
}
