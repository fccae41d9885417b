import type { ListFilter } from '../services/customer-filter.ts';

/**
 * The filter and sort columns of every customer, column-wise in memory, with one sorted order per sort key
 * (built on first use). A page is a binary search to the cursor and a walk along that order until enough rows
 * pass the filters: no per-request sort of 100,000 rows, no query on the shared DuckDB connection.
 */
export interface ListColumns {
  ids: string[];
  /** Text columns used as equality filters (null where missing). */
  text: Record<string, (string | null)[]>;
  /** Numeric columns used for sorting and range filters (NaN where missing). */
  numbers: Record<string, Float64Array>;
}

export interface ListRequest {
  filter: ListFilter;
  /** 'customer_id' or a numeric column. */
  sort: string;
  desc: boolean;
  limit: number;
  /** Keyset position: the sort key (as text, for numbers) and id of the last row already shown. */
  after?: { key: string | null; id: string };
}

export class CustomerList {
  private readonly columns: ListColumns;
  private readonly orders = new Map<string, Int32Array>();

  constructor(columns: ListColumns) {
    this.columns = columns;
  }

  get size(): number {
    return this.columns.ids.length;
  }

  /** The sort key of row i, missing values last in the requested direction. */
  private key(column: string, i: number, desc: boolean): number {
    const v = this.columns.numbers[column][i];
    return Number.isNaN(v) ? (desc ? -Infinity : Infinity) : v;
  }

  /** Row indices ascending by (key, id), missing keys placed for `desc`. */
  private order(sort: string, desc: boolean): Int32Array {
    const name = `${sort}:${desc}`;
    let order = this.orders.get(name);
    if (order) return order;
    const { ids } = this.columns;
    order = Int32Array.from(ids.keys());
    if (sort === 'customer_id') order.sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
    else {
      const keys = Float64Array.from(ids, (_, i) => this.key(sort, i, desc));
      order.sort((a, b) => keys[a] - keys[b] || (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
    }
    this.orders.set(name, order);
    return order;
  }

  private compare(sort: string, desc: boolean, i: number, key: number | string, id: string): number {
    const { ids } = this.columns;
    if (sort === 'customer_id') return ids[i] < id ? -1 : ids[i] > id ? 1 : 0;
    const k = this.key(sort, i, desc);
    const kk = key as number;
    return k < kk ? -1 : k > kk ? 1 : ids[i] < id ? -1 : ids[i] > id ? 1 : 0;
  }

  private passes(filter: ListFilter, i: number): boolean {
    for (const eq of filter.equals) {
      if (!eq.columns.some((c) => this.columns.text[c]?.[i] === eq.value)) return false;
    }
    for (const r of filter.ranges) {
      const v = this.columns.numbers[r.column][i];
      if (Number.isNaN(v) || (r.min !== undefined && v < r.min) || (r.max !== undefined && v > r.max)) return false;
    }
    return true;
  }

  /** How many rows pass the filter (a page's "of N"). */
  count(filter: ListFilter): number {
    let n = 0;
    for (let i = 0; i < this.columns.ids.length; i++) if (this.passes(filter, i)) n++;
    return n;
  }

  /**
   * Up to `limit` matching row ids after the cursor, and the cursor for the next page (null at the end).
   *
   * @example
   * list.page({ filter: { equals: [], ranges: [] }, sort: 'monetary', desc: true, limit: 50 });
   */
  page(request: ListRequest): { ids: string[]; next: { key: string | null; id: string } | null } {
    const { sort, desc, limit, filter } = request;
    const order = this.order(sort, desc);
    const n = order.length;
    // First position past the cursor, by binary search along the ascending order.
    let start = desc ? n - 1 : 0;
    if (request.after) {
      const key = sort === 'customer_id' ? request.after.id : Number(request.after.key);
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.compare(sort, desc, order[mid], key, request.after.id) <= 0) lo = mid + 1;
        else hi = mid;
      }
      // lo = first row strictly greater than the cursor
      start = lo;
      if (desc) {
        // going down: start below the cursor row itself
        start = lo - 1;
        while (start >= 0 && this.compare(sort, desc, order[start], key, request.after.id) >= 0) start--;
      }
    }
    const found: number[] = [];
    for (let p = start; desc ? p >= 0 : p < n; p += desc ? -1 : 1) {
      const i = order[p];
      if (!this.passes(filter, i)) continue;
      found.push(i);
      if (found.length > limit) break;
    }
    const more = found.length > limit;
    const page = found.slice(0, limit);
    const last = page.at(-1);
    const next = more && last !== undefined ? { key: sort === 'customer_id' ? null : String(this.key(sort, last, desc)), id: this.columns.ids[last] } : null;
    return { ids: page.map((i) => this.columns.ids[i]), next };
  }
}
