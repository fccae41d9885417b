/**
 * The demo shop generated in SQL, for sizes where the row-by-row generator (demo.ts) is slow: a million customers
 * in seconds instead of minutes. Same archetypes, catalogue, texts and UTC dates as demo.ts; the draws are
 * seeded hashes of (seed, customer, order, line) instead of one random sequence, so a customer's history does
 * not depend on how many customers come before it. Baskets are bigger (about 10 transaction lines and one feedback
 * row per customer, the shape `npm run bench -- scale` asks for), and churn is one drawn lifetime per customer
 * (raised by a bad experience, which also leaves negative feedback) instead of a hazard per order.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { ACQUISITION, ARCHETYPES, CHANNELS, DEMO_DEFAULTS, demoCatalogue, REGIONS, SEASON, type DemoOptions } from './demo-shop.ts';
import type { Lang } from './lang.ts';
import { literal, type Store } from './store.ts';

/**
 * Orders per customer relative to demo.ts. With bigger baskets (below) that is about 10 transaction lines a
 * customer (demo.ts gives about 4) while the number of orders, which the lifetime-value fits work through, stays
 * near demo.ts's (with 2.3x as many orders the Pareto/NBD fit at 20,000 customers took minutes, not seconds).
 */
const ORDER_DENSITY = 2.0;
/** Chance that an order leaves feedback: about one feedback row per customer. */
const FEEDBACK_CHANCE = 0.2;
/** Extra monthly churn hazard after a bad experience (demo.ts adds 0.35 per bad order; one draw per customer here). */
const BAD_HAZARD = 0.3;
/**
 * Monthly hazards relative to demo.ts's base ones. demo.ts adds hazard per bad order and per decline as it goes;
 * one lifetime draw at the base hazards left almost nobody churned, and then no purchase model converged (each
 * crawled towards the no-dropout limit for 5,000 iterations, minutes at 20,000 customers).
 */
const HAZARD_SCALE = 3;

const list = (values: readonly (string | number)[]) => `[${values.map((v) => (typeof v === 'number' ? String(v) : literal(v))).join(', ')}]`;

/** The generating SQL: three SELECTs over range(), seeded by `seed`. */
function demoSql(customers: number, seed: number, endDate: string, historyDays: number, lang: Lang = 'en'): { customers: string; transactions: string; feedback: string } {
  const { products: PRODUCTS, positive: POSITIVE, neutral: NEUTRAL, negative: NEGATIVE } = demoCatalogue(lang);
  const width = Math.max(6, String(customers).length);
  // u(k1, k2, ...): a uniform draw in [0, 1) from a seeded hash; each call site passes its own salt.
  const u = (...keys: (string | number)[]) => `(hash(${seed}, ${keys.join(', ')}) % 4294967296)::DOUBLE / 4294967296`;
  const cumulative = ARCHETYPES.map((_, i) => ARCHETYPES.slice(0, i + 1).reduce((s, a) => s + a.weight, 0));
  const archetypeIndex = `list_position(list_transform(${list(cumulative)}, w -> w > ${u('c', 1)} OR w >= ${cumulative.at(-1)}), true)`;
  const end = `TIMESTAMP ${literal(`${endDate} 00:00:00`)}`;
  const base = `
    SELECT c, ${archetypeIndex} AS a,
      ${end} - INTERVAL ${historyDays} DAY + to_microseconds((sqrt(${u('c', 2)}) * ${(historyDays - 3) * 86_400e6})::BIGINT) AS signup,
      ${list(CHANNELS)}[1 + floor(${u('c', 3)} * ${CHANNELS.length})::INT] AS channel,
      ${u('c', 4)} < ${list(ARCHETYPES.map((t) => Math.min(1, t.badExperience * 2)))}[${archetypeIndex}] AS bad
    FROM range(1, ${customers + 1}) r(c)`;
  const customerSql = `
    SELECT 'C' || lpad(c::VARCHAR, ${width}, '0') AS customer_id, signup::DATE AS signup_date,
      ${list(REGIONS)}[1 + floor(${u('c', 5)} * ${REGIONS.length})::INT] AS region,
      18 + floor(${u('c', 6)} * 62)::INT AS age,
      ${list(ACQUISITION)}[1 + floor(${u('c', 7)} * ${ACQUISITION.length})::INT] AS acquisition_channel
    FROM (${base})`;
  // Each buyer's active span ends at a drawn lifetime (exponential in months, hazard per archetype, raised by a
  // bad experience; declining customers also buy less often as their rate halves).
  const hazard = `(${list(ARCHETYPES.map((t) => t.churnHazard * HAZARD_SCALE))}[a] + CASE WHEN bad THEN ${BAD_HAZARD} ELSE 0 END)`;
  const activeDays = `least(epoch(${end} - signup) / 86400, -ln(1 - ${u('c', 8)}) * 30 / ${hazard})`;
  const orders = `
    SELECT c, a, signup, channel, bad, ${activeDays} AS active_days,
      greatest(1, round(${ORDER_DENSITY} * ${list(ARCHETYPES.map((t) => t.ordersPerYear))}[a] * ${activeDays} / 365
        * CASE WHEN ${list(ARCHETYPES.map((t) => (Number.isFinite(t.halfLifeDays) ? 1 : 0)))}[a] = 1 THEN 0.6 ELSE 1 END
        * (0.5 + ${u('c', 9)}))::INT) AS n_orders
    FROM (${base}) WHERE ${list(ARCHETYPES.map((t) => t.ordersPerYear))}[a] > 0`;
  // Order times are uniform over the active span (a Poisson process given the count, as the purchase models
  // assume: evenly spaced orders left the Pareto/NBD fit wandering for minutes); declining customers' bunch early.
  const orderRows = `
    SELECT o.*, i,
      'O' || lpad(c::VARCHAR, ${width}, '0') || '-' || lpad(i::VARCHAR, 4, '0') AS order_id,
      date_trunc('day', signup + to_microseconds((active_days * 86_400e6
        * CASE WHEN ${list(ARCHETYPES.map((t) => (Number.isFinite(t.halfLifeDays) ? 1 : 0)))}[a] = 1 THEN pow(${u('c', 'i', 10)}, 1.6)
               ELSE ${u('c', 'i', 10)} END)::BIGINT))
        + to_microseconds(((8 * 3600 + floor(${u('c', 'i', 11)} * 13 * 3600)) * 1e6)::BIGINT) AS ordered_at,
      -- Bigger baskets than demo.ts (mean about 4.5 lines): the line count per customer the bench asks for.
      1 + least(12, floor(-ln(1 - ${u('c', 'i', 12)}) * 4.2)::INT) AS n_lines,
      exp(ln(${list(ARCHETYPES.map((t) => Math.max(t.basketMedian, 1)))}[a]) + 0.35 * sqrt(-2 * ln(1 - ${u('c', 'i', 13)})) * cos(2 * pi() * ${u('c', 'i', 14)})) / 30 AS scale
    FROM (${orders}) o, range(n_orders) r(i)`;
  const seasonKeep = `${list(SEASON.map((s) => s / Math.max(...SEASON)))}[month(ordered_at)]`;
  const keptOrders = `SELECT * FROM (${orderRows}) WHERE ordered_at < ${end} AND ${u('c', 'i', 15)} < ${seasonKeep}`;
  const products = list(PRODUCTS.map((p) => p.product));
  const prices = list(PRODUCTS.map((p) => p.price));
  const categories = list(PRODUCTS.map((p) => p.category));
  const id = `'C' || lpad(c::VARCHAR, ${width}, '0')`;
  const stamp = `strftime(ordered_at, '%Y-%m-%dT%H:%M:%S.000Z')`;
  const transactionSql = `
    WITH kept AS (${keptOrders}),
    lines AS (
      SELECT c, order_id, ordered_at, channel, 1 + floor(${u('c', 'i', 'l', 16)} * ${PRODUCTS.length})::INT AS p,
        greatest(1, round(scale * (0.6 + ${u('c', 'i', 'l', 17)})))::INT AS quantity
      FROM kept, range(n_lines) r(l)
    ),
    returns AS (
      SELECT c, order_id, ordered_at + INTERVAL 1 DAY * (2 + floor(${u('c', 'i', 18)} * 19)::INT) AS ordered_at, channel,
        1 + floor(${u('c', 'i', 19)} * ${PRODUCTS.length})::INT AS p, -1 AS quantity
      FROM kept WHERE ${u('c', 'i', 20)} < 0.025
    )
    SELECT ${id} AS customer_id, order_id, ${stamp} AS timestamp,
      CAST(quantity * ${prices}[p] AS DECIMAL(12, 2)) AS amount, quantity, CAST(${prices}[p] AS DECIMAL(12, 2)) AS unit_price,
      ${products}[p] AS product, ${categories}[p] AS category, channel
    FROM (SELECT * FROM lines UNION ALL SELECT * FROM returns WHERE ordered_at < ${end})
    `;
  // Feedback follows an order by 1-10 days; a customer with a bad experience mostly complains.
  const pick = (pool: string[], salt: number) => `${list(pool)}[1 + floor(${u('c', 'i', salt)} * ${pool.length})::INT]`;
  const feedbackSql = `
    WITH f AS (
      SELECT c, i, channel, ordered_at + INTERVAL 1 DAY * (1 + floor(${u('c', 'i', 21)} * 10)::INT) AS given_at,
        CASE WHEN bad AND ${u('c', 'i', 22)} < 0.6 THEN 'neg' WHEN ${u('c', 'i', 23)} < 0.25 THEN 'neu' ELSE 'pos' END AS mood,
        lower(${products}[1 + floor(${u('c', 'i', 0, 16)} * ${PRODUCTS.length})::INT]) AS product
      FROM (${keptOrders}) WHERE ${u('c', 'i', 24)} < ${FEEDBACK_CHANCE}
    )
    SELECT ${id} AS customer_id, strftime(given_at, '%Y-%m-%dT%H:%M:%S.000Z') AS timestamp,
      replace(CASE mood WHEN 'neg' THEN ${pick(NEGATIVE, 25)} WHEN 'neu' THEN ${pick(NEUTRAL, 25)} ELSE ${pick(POSITIVE, 25)} END, '{p}', product) AS text,
      CASE mood WHEN 'neg' THEN 1 + floor(${u('c', 'i', 26)} * 2)::INT WHEN 'neu' THEN 3 ELSE 4 + floor(${u('c', 'i', 26)} * 2)::INT END AS rating,
      channel
    FROM f WHERE given_at < ${end}
    `;
  return { customers: customerSql, transactions: transactionSql, feedback: feedbackSql };
}

/**
 * Generates the demo shop in SQL as three CSV files (canonical columns) at the given paths.
 *
 * @example
 * await writeDemoCsvSql({ customers: 'c.csv', transactions: 't.csv', feedback: 'f.csv' }, { customers: 1_000_000 });
 */
export async function writeDemoCsvSql(files: Record<'customers' | 'transactions' | 'feedback', string>, options: DemoOptions = {}): Promise<void> {
  const { customers, seed, endDate, historyDays } = { ...DEMO_DEFAULTS, ...options };
  const sql = demoSql(customers, seed, endDate, historyDays, options.lang);
  // A scratch in-memory DuckDB: generation never touches the store, which only sees the ingest.
  const instance = await DuckDBInstance.create(':memory:', { threads: '2', preserve_insertion_order: 'false' });
  const connection = await instance.connect();
  try {
    for (const kind of ['customers', 'transactions', 'feedback'] as const) {
      await connection.run(`COPY (${sql[kind]}) TO ${literal(files[kind])} (HEADER, DELIMITER ',')`);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
