import { notFound } from '../../data/errors.ts';
import { pickFilter } from '../../services/customer-filter.ts';
import { customerFacets as facetsOf, customerPage, requireCustomers } from '../../services/customer-list.ts';
import { nextActionOf } from '../../services/next-action.ts';
import type { CustomerListQuery } from '../contracts.ts';
import type { RouteInput } from '../context.ts';

/** GET /api/customers: a filtered page, keyset-paginated on (sort value, customer_id) (services/customer-list.ts). */
export async function listCustomers({ c, deps, query }: RouteInput<CustomerListQuery>) {
  const page = await customerPage(deps.customers, { filter: pickFilter(query), sort: query.sort, order: query.order, limit: query.limit, cursor: query.cursor });
  // One point query for the page's rows (table customer_pages), sent with the cursor.
  const items = await deps.customers.rows(page.ids);
  return c.body(`{"items":[${items.map((item) => JSON.stringify(item)).join(',')}],"next_cursor":${JSON.stringify(page.next_cursor)}}`, 200, { 'content-type': 'application/json' });
}

/**
 * GET /api/customers/:id: everything known about one customer (`CustomerPage`), prebuilt as JSON text (table
 * customer_pages), and the next best action of the playbook in force (added to the text: the playbook can change
 * without a rebuild).
 */
export async function getCustomer({ c, deps, params }: RouteInput) {
  const found = await deps.customers.lookup(params.id);
  if (found === undefined) throw notFound(`customer ${params.id} does not exist`, { field: 'id' });
  // The rule matches on the tiers the list holds in memory: the stored text is sent as it is, never parsed.
  const action = nextActionOf(deps.home)(found.tiers);
  return c.body(`${found.json.slice(0, -1)},"next_best_action":${JSON.stringify(action)}}`, 200, { 'content-type': 'application/json' });
}

/** GET /api/customers/facets: every value of each list filter with its customer count, once per data version. */
export async function customerFacets({ deps }: RouteInput) {
  const columns = await requireCustomers(deps.customers);
  return deps.customers.memo('facets', async () => ({ facets: await facetsOf(deps.store, columns) }));
}
