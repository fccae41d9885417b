import { CANONICAL_FIELDS } from '../columns.ts';
import { TierlabError } from '../errors.ts';
import type { ClickHouse } from './client.ts';
import { CLICKHOUSE_ENV, type ClickHouseConfig, type SourceTable } from './config.ts';

/**
 * The user's ClickHouse tables read as Tierlab's canonical fields: for each field, an SQL expression over the
 * user's own columns that yields it in one fixed representation, chosen from the column's type at connect time.
 *
 * - ids: String (integers and UUIDs as their text)
 * - `ts_s`: Int64 seconds since the epoch (DateTime is an instant; a Date is midnight in the configured zone)
 * - `amount_u`: Int64 ten-thousandths of the currency, exact (Tierlab's DECIMAL(18,4)); derived as
 *   quantity x unit_price when there is no amount column
 * - `signup_day`: days since the epoch
 *
 * Lines whose id, order id, time or amount is NULL or an empty id are left out (`valid`), as
 * `--skip-bad-rows` leaves them out of a file.
 */
export interface SourceFields {
  /** `database`.`table`, quoted. */
  table: string;
  /** What a message calls it: database.table. */
  name: string;
  expr: Record<string, string>;
  /** The condition a usable row meets. */
  valid: string;
  /** The customer id column itself, quoted: joins use it (ClickHouse 18.16 joins on columns, not expressions). */
  idColumn: string;
  /** Distributed table: its cluster and sharding key; undefined for a table on one node. */
  distributed?: { cluster: string; shardingKey: string };
}

export interface ClickHouseSource {
  transactions: SourceFields;
  customers?: SourceFields;
  /** Both tables are Distributed and sharded alike on the customer id: per-customer work runs on the shards. */
  sharded: boolean;
}

const q = (name: string) => `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;

/** `Nullable(LowCardinality(String))` -> `String`. */
function baseType(type: string): { base: string; nullable: boolean } {
  let base = type;
  let nullable = false;
  for (let m; (m = /^(Nullable|LowCardinality)\((.*)\)$/.exec(base)); base = m[2]) if (m[1] === 'Nullable') nullable = true;
  return { base, nullable };
}

const INTEGER = /^U?Int(8|16|32|64)$/;

/** Builds each field's expression from its column's type, and the conditions a usable row meets. */
class Resolver {
  readonly expr: Record<string, string> = {};
  readonly conditions: string[] = [];

  constructor(
    private readonly name: string,
    private readonly columns: Map<string, string>,
    private readonly source: Map<string, string>,
  ) {}

  private fail(field: string, message: string): never {
    const column = this.source.get(field);
    throw new TierlabError('bad_input', `ClickHouse table ${this.name}, column ${column} (${field}): ${message}`, { column, field });
  }

  /** The column's type; NULL rows of a required field are left out. */
  private typed(field: string, required: boolean): { col: string; base: string } {
    const column = this.source.get(field)!;
    const { base, nullable } = baseType(this.columns.get(column)!);
    if (required && nullable) this.conditions.push(`${q(column)} IS NOT NULL`);
    return { col: q(column), base };
  }

  id(field: string, required: boolean): void {
    const { col, base } = this.typed(field, required);
    if (base === 'String') this.expr[field] = col;
    else if (INTEGER.test(base) || base === 'UUID') this.expr[field] = `toString(${col})`;
    else this.fail(field, `is ${base}; ids must be text or integers (a Float id reads 17850.0 here and 17850 in a file)`);
    if (required) this.conditions.push(`${this.expr[field]} != ''`);
  }

  text(field: string): void {
    const { col, base } = this.typed(field, false);
    this.expr[field] = base === 'String' ? col : `toString(${col})`;
  }

  /** Seconds since the epoch. */
  instant(field: string, timezone: string): void {
    const { col, base } = this.typed(field, true);
    if (/^DateTime(\(.*\))?$/.test(base)) this.expr.ts_s = `toInt64(${col})`;
    else if (base === 'Date') this.expr.ts_s = `toInt64(toDateTime(${col}, '${timezone}'))`;
    else this.fail(field, `is ${base}; a time must be DateTime or Date (convert text in a view, e.g. parseDateTimeBestEffort)`);
  }

  /** Days since the epoch. */
  day(field: string, timezone: string): void {
    const { col, base } = this.typed(field, false);
    if (base === 'Date') this.expr.signup_day = `toInt64(toRelativeDayNum(${col}))`;
    else if (/^DateTime(\(.*\))?$/.test(base)) this.expr.signup_day = `toInt64(toRelativeDayNum(toDate(${col}, '${timezone}')))`;
    else this.fail(field, `is ${base}; a date must be Date or DateTime`);
  }

  /** Ten-thousandths of the currency, as Int64: exact for Decimal with up to 4 decimals and for integers. */
  units(field: string, required: boolean): string {
    const { col, base } = this.typed(field, required);
    if (INTEGER.test(base)) return `(toInt64(${col}) * 10000)`;
    const decimal = /^Decimal(?:32|64|128)?\((?:(\d+),\s*)?(\d+)\)$/.exec(base);
    if (!decimal || Number(decimal[2]) > 4) {
      this.fail(field, `is ${base}; money must be exact: Decimal with at most 4 decimals, or an integer (e.g. a view with toDecimal64(${this.source.get(field)}, 4))`);
    }
    const scale = Number(decimal[2]);
    // Scaling by 10^scale leaves a whole number, so toInt64 drops nothing.
    return `(toInt64(${col} * ${10 ** scale}) * ${10 ** (4 - scale)})`;
  }

  quantity(field: string): string {
    const { col, base } = this.typed(field, true);
    if (!INTEGER.test(base)) this.fail(field, `is ${base}; to derive amount = quantity x unit_price exactly, quantity must be an integer (or map an amount column)`);
    return `toInt64(${col})`;
  }

  valid(): string {
    return this.conditions.length ? this.conditions.join(' AND ') : '1';
  }
}

interface TableInfo {
  database: string;
  table: string;
  engine: string;
  engineFull: string;
  columns: Map<string, string>;
}

async function tableInfo(ch: ClickHouse, name: string, envName: string): Promise<TableInfo> {
  const [database, table] = name.includes('.') ? name.split('.') : [ch.config.database, name];
  const lit = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  const found = await ch.rows(`SELECT engine, engine_full FROM system.tables WHERE database = ${lit(database)} AND name = ${lit(table)}`);
  if (!found.length) {
    throw new TierlabError('not_found', `ClickHouse table ${database}.${table} (${envName}) does not exist at ${ch.config.url}`, { field: envName });
  }
  const columns = await ch.rows(`SELECT name, type FROM system.columns WHERE database = ${lit(database)} AND table = ${lit(table)}`);
  return { database, table, engine: found[0][0]!, engineFull: found[0][1]!, columns: new Map(columns.map(([n, t]) => [n!, t!])) };
}

/** Which column feeds each field: the mapping first, then a column with the field's own name (any case). */
function sourceColumns(info: TableInfo, spec: SourceTable, fields: string[], envMap: string): Map<string, string> {
  const name = `${info.database}.${info.table}`;
  const source = new Map<string, string>();
  for (const [field, column] of Object.entries(spec.mapping)) {
    if (!fields.includes(field)) {
      throw new TierlabError('bad_input', `${envMap} maps ${column} to "${field}", which the ClickHouse engine does not read; fields: ${fields.join(', ')}`, { field: envMap });
    }
    if (!info.columns.has(column)) {
      throw new TierlabError('missing_column', `${envMap} names column ${column}, which ClickHouse table ${name} does not have; it has: ${[...info.columns.keys()].join(', ')}`, { column, field });
    }
    source.set(field, column);
  }
  const mapped = new Set(source.values());
  for (const field of fields) {
    if (source.has(field)) continue;
    const same = [...info.columns.keys()].find((c) => !mapped.has(c) && c.toLowerCase() === field);
    if (same) source.set(field, same);
  }
  return source;
}

function distribution(info: TableInfo): SourceFields['distributed'] {
  if (info.engine !== 'Distributed') return undefined;
  // Distributed(cluster, database, table[, sharding_key])
  const args = /^Distributed\((.*)\)$/s.exec(info.engineFull)?.[1] ?? '';
  const parts = args.split(',');
  return { cluster: parts[0].trim().replace(/^'|'$/g, ''), shardingKey: parts.slice(3).join(',').trim() };
}

function missing(name: string, envMap: string, fields: string[], info: TableInfo): TierlabError {
  return new TierlabError(
    'missing_column',
    `ClickHouse table ${name} has no column for ${fields.join(', ')}; it has: ${[...info.columns.keys()].join(', ')} (map one with ${envMap}=column=${fields[0].split(' ')[0]})`,
    { field: fields[0].split(' ')[0] },
  );
}

interface Resolved extends SourceFields {
  idName: string;
  idType: string;
}

async function transactionFields(ch: ClickHouse, spec: SourceTable, timezone: string): Promise<Resolved> {
  const info = await tableInfo(ch, spec.table, CLICKHOUSE_ENV.transactions);
  const name = `${info.database}.${info.table}`;
  const envMap = CLICKHOUSE_ENV.transactionsMap;
  const fields = CANONICAL_FIELDS.transactions.map((f) => f.name).filter((f) => f !== 'channel');
  const source = sourceColumns(info, spec, fields, envMap);
  const lacking = ['customer_id', 'order_id', 'timestamp'].filter((f) => !source.has(f));
  if (!source.has('amount') && !(source.has('quantity') && source.has('unit_price'))) lacking.push('amount (or quantity and unit_price)');
  if (lacking.length) throw missing(name, envMap, lacking, info);
  const r = new Resolver(name, info.columns, source);
  r.id('customer_id', true);
  r.id('order_id', true);
  r.instant('timestamp', timezone);
  r.expr.amount_u = source.has('amount') ? r.units('amount', true) : `(${r.quantity('quantity')} * ${r.units('unit_price', true)})`;
  for (const field of ['product', 'category']) {
    if (source.has(field)) r.text(field);
    else r.expr[field] = 'CAST(NULL AS Nullable(String))';
  }
  return resolved(info, r, source.get('customer_id')!);
}

async function customerFields(ch: ClickHouse, spec: SourceTable, timezone: string): Promise<Resolved> {
  const info = await tableInfo(ch, spec.table, CLICKHOUSE_ENV.customers);
  const name = `${info.database}.${info.table}`;
  const source = sourceColumns(info, spec, ['customer_id', 'signup_date'], CLICKHOUSE_ENV.customersMap);
  if (!source.has('customer_id')) throw missing(name, CLICKHOUSE_ENV.customersMap, ['customer_id'], info);
  const r = new Resolver(name, info.columns, source);
  r.id('customer_id', true);
  if (source.has('signup_date')) r.day('signup_date', timezone);
  else r.expr.signup_day = 'CAST(NULL AS Nullable(Int64))';
  return resolved(info, r, source.get('customer_id')!);
}

function resolved(info: TableInfo, r: Resolver, idName: string): Resolved {
  return {
    table: `${q(info.database)}.${q(info.table)}`,
    name: `${info.database}.${info.table}`,
    expr: r.expr,
    valid: r.valid(),
    idColumn: q(idName),
    distributed: distribution(info),
    idName,
    idType: baseType(info.columns.get(idName)!).base,
  };
}

/** The sharding key with the customer id column replaced, so two tables' keys compare as expressions. */
const keyShape = (key: string, idColumn: string) => key.replace(new RegExp(`\\b${idColumn.replace(/[^\w]/g, '\\$&')}\\b`, 'g'), '#');

/**
 * Reads the tables' metadata and checks the mapping at connect time: every mapped column exists, every field
 * has a column of a type Tierlab reads exactly, and a sharded layout keeps each customer on one shard.
 * Errors name the table, the column and the field.
 *
 * @example
 * const source = await resolveSource(ch, config);
 */
export async function resolveSource(ch: ClickHouse, config: ClickHouseConfig): Promise<ClickHouseSource> {
  const tx = await transactionFields(ch, config.transactions, config.timezone);
  const customers = config.customers ? await customerFields(ch, config.customers, config.timezone) : undefined;
  const tables = [tx, ...(customers ? [customers] : [])];
  for (const t of tables) {
    if (t.distributed && !keyShape(t.distributed.shardingKey, t.idName).includes('#')) {
      throw new TierlabError(
        'bad_input',
        `ClickHouse table ${t.name} is sharded by "${t.distributed.shardingKey || 'nothing (one shard or random)'}", not by its customer id column ${t.idName}: Tierlab aggregates each customer on its shard, so all of a customer's rows must be on one shard (e.g. cityHash64(${t.idName}))`,
        { column: t.idName, field: 'customer_id' },
      );
    }
  }
  if (customers && Boolean(tx.distributed) !== Boolean(customers.distributed)) {
    throw new TierlabError('bad_input', `ClickHouse tables ${tx.name} and ${customers.name} must both be Distributed or both local: a customer's rows and the customer are joined on one shard`);
  }
  if (customers?.distributed && tx.distributed) {
    const same =
      customers.distributed.cluster === tx.distributed.cluster &&
      keyShape(customers.distributed.shardingKey, customers.idName) === keyShape(tx.distributed.shardingKey, tx.idName) &&
      customers.idType === tx.idType;
    if (!same) {
      throw new TierlabError(
        'bad_input',
        `ClickHouse tables ${tx.name} (${tx.distributed.cluster}, ${tx.distributed.shardingKey}, ${tx.idType}) and ${customers.name} (${customers.distributed.cluster}, ${customers.distributed.shardingKey}, ${customers.idType}) must be sharded alike: the same cluster, the same key over the customer id, and the same id type`,
      );
    }
  }
  const strip = ({ idName: _n, idType: _t, ...fields }: Resolved): SourceFields => fields;
  return { transactions: strip(tx), ...(customers && { customers: strip(customers) }), sharded: Boolean(tx.distributed) };
}
