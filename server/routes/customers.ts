import { badInput, notFound } from '../../data/errors.ts';
import { ident } from '../../data/store.ts';
import type { CustomerListQuery } from '../contracts.ts';
import type { AppDeps, RouteInput } from '../context.ts';
import { rowOfPage } from '../customer-cache.ts';
import { checkFilter, FILTER_FIELDS, type CustomerFilter, type ListFilter } from '../../services/customer-filter.ts';
import { nextActionOf } from '../../services/next-action.ts';
import type { Values } from '../validate.ts';

/** The filters present in `query`, checked against the built columns (services/customer-filter.ts). */
export async function parseFilters(deps: AppDeps, query: Values): Promise<ListFilter> {
  return checkFilter(pickFilter(query), await deps.customers.columns());
}

/** The filter fields of a validated query. */
export function pickFilter(query: Values): CustomerFilter {
  return Object.fromEntries(FILTER_FIELDS.filter((f) => query[f] !== undefined).map((f) => [f, query[f]])) as CustomerFilter;
}

export async function requireAnalytics(deps: AppDeps): Promise<Map<string, string>> {
  const columns = await deps.customers.columns();
  if (!columns.size) throw notFound('no customer features yet: upload data (POST /api/datasets/transactions) first');
  return columns;
}

interface Cursor {
  key: string | null;
  id: string;
}

/** The order a page walks: a cursor is a position along it and means nothing along another. */
interface Walk {
  sort: string;
  order: 'asc' | 'desc';
}

const encodeCursor = (cursor: Cursor, walk: Walk) => Buffer.from(JSON.stringify([cursor.key, cursor.id, walk.sort, walk.order])).toString('base64url');

function decodeCursor(text: string, walk: Walk): Cursor {
  let parts: unknown[] = [];
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parsed)) parts = parsed;
  } catch {
    // fall through to the 400 below
  }
  const [key, id, sort, order] = parts;
  const keyFits = walk.sort === 'customer_id' ? key === null : typeof key === 'string' && !Number.isNaN(Number(key));
  if (parts.length !== 4 || typeof id !== 'string' || typeof sort !== 'string' || typeof order !== 'string') {
    throw badInput('cursor is not one this server gave out', { field: 'cursor' });
  }
  if (sort !== walk.sort || order !== walk.order) {
    throw badInput(`cursor belongs to sort=${sort}&order=${order}, not sort=${walk.sort}&order=${walk.order}: send the same sort and order as the first page`, { field: 'cursor' });
  }
  if (!keyFits) throw badInput('cursor is not one this server gave out', { field: 'cursor' });
  return { key: key as string | null, id };
}

/** GET /api/customers: a filtered page, keyset-paginated on (sort value, customer_id), from the in-memory list. */
export async function listCustomers({ c, deps, query }: RouteInput<CustomerListQuery>) {
  const columns = await requireAnalytics(deps);
  const sort: string = query.sort ?? 'customer_id';
  if (!columns.has(sort)) throw badInput(`cannot sort by ${sort}: it is not computed yet`, { field: 'sort' });
  const walk: Walk = { sort, order: query.order ?? 'asc' };
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, walk);
  const filter = await parseFilters(deps, query);
  const list = await deps.customers.list();
  const page = list.page({ filter, sort, desc: walk.order === 'desc', limit: query.limit ?? 50, after });
  const items = await deps.customers.rows(page.ids);
  return c.body(`{"items":[${items.map((item) => JSON.stringify(item)).join(',')}],"next_cursor":${JSON.stringify(page.next ? encodeCursor(page.next, walk) : null)}}`, 200, { 'content-type': 'application/json' });
}

/**
 * GET /api/customers/:id: everything known about one customer, prebuilt as JSON text (table customer_pages), and
 * the next best action of the playbook in force (added to the text: the playbook can change without a rebuild).
 */
export async function getCustomer({ c, deps, params }: RouteInput) {
  const page = await deps.customers.pageJson(params.id);
  if (page === undefined) throw notFound(`customer ${params.id} does not exist`, { field: 'id' });
  const action = nextActionOf(deps.home)(rowOfPage(JSON.parse(page) as Record<string, unknown>));
  return c.body(`${page.slice(0, -1)},"next_best_action":${JSON.stringify(action)}}`, 200, { 'content-type': 'application/json' });
}

/** The filter columns that take a value from a list (each a column of customer_analytics). */
const FACET_COLUMNS = ['rfm_segment', 'value_tier', 'lifecycle_stage', 'risk_band', 'cluster'] as const;

/**
 * GET /api/customers/facets: every value of each list filter in the data, with its customer count, so a filter
 * offers all twelve segments, not the ones on screen. Counted once per data version (the cache's memo).
 */
export async function customerFacets({ deps }: RouteInput) {
  const columns = await requireAnalytics(deps);
  return deps.customers.memo('facets', async () => {
    const facets: Record<string, { value: string; customers: number }[]> = {};
    for (const column of FACET_COLUMNS) {
      if (!columns.has(column)) continue;
      const label = column === 'cluster' && columns.has('cluster_name') ? 'cluster_name' : column;
      facets[column] = await deps.store.all(
        `SELECT CAST(${ident(label)} AS VARCHAR) AS value, count(*) AS customers FROM customer_analytics WHERE ${ident(label)} IS NOT NULL GROUP BY 1 ORDER BY customers DESC, value`,
      );
    }
    return { facets };
  });
}
