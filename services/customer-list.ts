import { badInput, notFound } from '../data/errors.ts';
import { ident, type Store } from '../data/store.ts';
import { checkFilter, type CustomerFilter, type ListFilter } from './customer-filter.ts';

/**
 * The customer list, once: a filtered, sorted page keyset-paginated on (sort value, customer_id), and the
 * values each filter offers. `GET /api/customers` and `GET /api/customers/facets` call it; the at-risk list's
 * JSON page (services/at-risk.ts) walks the same in-memory list.
 */

/** Defaults of a page: by id, ascending, 50 customers. */
export const CUSTOMER_LIST_DEFAULTS = { sort: 'customer_id', order: 'asc', limit: 50 } as const;

/** A position along one order of the list: the sort key (as text, for numbers) and id of the last row shown. */
export interface ListCursor {
  key: string | null;
  id: string;
}

/**
 * The in-memory list the pages are walked along (the server's `CustomerCache` and its `CustomerList`,
 * server/customer-cache.ts): customers prebuilt, so a page is a walk, not a query.
 */
export interface CustomerSource {
  /** The columns of `customer_analytics` built so far; empty before features. */
  columns(): Promise<{ has(name: string): boolean; readonly size: number }>;
  list(): Promise<{
    count(filter: ListFilter): number;
    page(request: { filter: ListFilter; sort: string; desc: boolean; limit: number; after?: ListCursor }): { ids: string[]; next: ListCursor | null };
  }>;
  /** The analytics rows of these customers, in their order (undefined for one that does not exist). */
  rows(customerIds: string[]): Promise<(Record<string, unknown> | undefined)[]>;
}

export interface CustomerListOptions {
  filter?: CustomerFilter;
  /** 'customer_id' or a numeric column of `customer_analytics`. */
  sort?: string;
  order?: 'asc' | 'desc';
  /** Page size, a whole number >= 1. */
  limit?: number;
  /** `next_cursor` of the previous page, given with the same sort and order. */
  cursor?: string;
}

export interface CustomerListPage {
  /** The page's customer ids, in order. */
  ids: string[];
  /** The cursor of the next page; null on the last one. */
  next_cursor: string | null;
}

/** The columns built so far, not_found before any features (nothing to list). */
export async function requireCustomers(source: CustomerSource): Promise<Awaited<ReturnType<CustomerSource['columns']>>> {
  const columns = await source.columns();
  if (!columns.size) throw notFound('no customer features yet: load transactions first (tierlab ingest, or POST /api/datasets/transactions)');
  return columns;
}

/** The order a page walks: a cursor is a position along it and means nothing along another. */
interface Walk {
  sort: string;
  order: 'asc' | 'desc';
}

const encodeCursor = (cursor: ListCursor, walk: Walk) => Buffer.from(JSON.stringify([cursor.key, cursor.id, walk.sort, walk.order])).toString('base64url');

function decodeCursor(text: string, walk: Walk): ListCursor {
  let parts: unknown[] = [];
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parsed)) parts = parsed;
  } catch {
    // fall through to the bad_input below
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

/**
 * One page of the customer list, its options checked once: the sort column and every filter must be computed
 * already, the cursor must be one given out for the same sort and order.
 *
 * @example
 * const first = await customerPage(deps.customers, { filter: { value_tier: 'VIP' }, sort: 'monetary', order: 'desc' });
 * const second = await customerPage(deps.customers, { filter: { value_tier: 'VIP' }, sort: 'monetary', order: 'desc', cursor: first.next_cursor! });
 */
export async function customerPage(source: CustomerSource, options: CustomerListOptions = {}): Promise<CustomerListPage> {
  const columns = await requireCustomers(source);
  const { sort, order, limit } = { ...CUSTOMER_LIST_DEFAULTS, ...definedOnly(options) };
  if (!columns.has(sort)) throw badInput(`cannot sort by ${sort}: it is not computed yet`, { field: 'sort' });
  if (!(Number.isInteger(limit) && limit >= 1)) throw badInput(`limit must be a whole number >= 1, got ${limit}`, { field: 'limit' });
  const walk: Walk = { sort, order };
  const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, walk);
  const filter = checkFilter(options.filter ?? {}, columns);
  const page = (await source.list()).page({ filter, sort, desc: order === 'desc', limit, after });
  return { ids: page.ids, next_cursor: page.next ? encodeCursor(page.next, walk) : null };
}

/** The options given, without the keys set to undefined (so they do not hide a default). */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The filter columns that take a value from a list (each a column of customer_analytics). */
const FACET_COLUMNS = ['rfm_segment', 'value_tier', 'lifecycle_stage', 'risk_band', 'cluster'] as const;

export type Facets = Partial<Record<(typeof FACET_COLUMNS)[number], { value: string; customers: number }[]>>;

/**
 * Every value of each list filter in the data, with its customer count, so a filter offers all twelve
 * segments, not the ones on screen. Clusters are offered by name where the segmentation names them.
 *
 * @example
 * (await customerFacets(store, columns)).value_tier; // [{ value: 'Regular', customers: 812 }, ...]
 */
export async function customerFacets(store: Store, columns: { has(name: string): boolean }): Promise<Facets> {
  const facets: Facets = {};
  for (const column of FACET_COLUMNS) {
    if (!columns.has(column)) continue;
    const label = column === 'cluster' && columns.has('cluster_name') ? 'cluster_name' : column;
    facets[column] = await store.all(
      `SELECT CAST(${ident(label)} AS VARCHAR) AS value, count(*) AS customers FROM customer_analytics WHERE ${ident(label)} IS NOT NULL GROUP BY 1 ORDER BY customers DESC, value`,
    );
  }
  return facets;
}
