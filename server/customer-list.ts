import type { ListFilter } from '../services/customer-filter.ts';

/**
 * A text column coded against its dictionary: row i holds `values[codes[i]]`, or nothing when the code is -1.
 * Filter columns have a handful of values (segments, tiers, bands), so a million rows cost 4 MB, not a million
 * string references.
 */
export interface TextColumn {
  codes: Int32Array;
  values: string[];
}

/** Dictionary-codes a column of `size` rows as its values arrive (e.g. a data chunk at a time). */
export class TextColumnWriter {
  private readonly index = new Map<string, number>();
  private readonly codes: Int32Array;

  constructor(size: number) {
    this.codes = new Int32Array(size);
  }

  set(i: number, text: string | null): void {
    if (text === null) {
      this.codes[i] = -1;
      return;
    }
    let code = this.index.get(text);
    if (code === undefined) this.index.set(text, (code = this.index.size));
    this.codes[i] = code;
  }

  get column(): TextColumn {
    return { codes: this.codes, values: [...this.index.keys()] };
  }
}

/** Dictionary-codes a column of text (null where missing). */
export function textColumn(texts: ArrayLike<string | null>): TextColumn {
  const writer = new TextColumnWriter(texts.length);
  for (let i = 0; i < texts.length; i++) writer.set(i, texts[i]);
  return writer.column;
}

/**
 * The filter and sort columns of every customer, column-wise in memory (typed arrays, dictionary-coded text),
 * with one sorted order per sort key (built on first use). A page is a binary search to the cursor and a walk
 * along that order until enough rows pass the filters: no per-request sort of a million rows, no query.
 */
export interface ListColumns {
  /** Customer ids; `position` is fastest when they are in ascending order (as customer_pages keeps them). */
  ids: string[];
  /** Text columns used as equality filters. */
  text: Record<string, TextColumn>;
  /** Numeric columns used for sorting and range filters (NaN where missing). */
  numbers: Record<string, Float64Array>;
}

/** A filter with each equality's value turned into the code it has in each of its columns (-2: absent). */
interface CodedFilter {
  equals: { codes: Int32Array; code: number }[][];
  ranges: ListFilter['ranges'];
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

  private readonly idsAscending: boolean;

  constructor(columns: ListColumns) {
    this.columns = columns;
    const { ids } = columns;
    let ascending = true;
    for (let i = 1; i < ids.length && ascending; i++) ascending = ids[i - 1] < ids[i];
    this.idsAscending = ascending;
  }

  /** The row of a customer id, or -1: a binary search over ids in ascending order, else a scan. */
  position(id: string): number {
    const { ids } = this.columns;
    if (!this.idsAscending) return ids.indexOf(id);
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ids[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    return lo < ids.length && ids[lo] === id ? lo : -1;
  }

  get size(): number {
    return this.columns.ids.length;
  }

  /** The text columns of row i (null where missing), e.g. what a playbook rule matches on. */
  textRow(i: number): Record<string, string | null> {
    const row: Record<string, string | null> = { customer_id: this.columns.ids[i] };
    for (const [name, column] of Object.entries(this.columns.text)) {
      const code = column.codes[i];
      row[name] = code < 0 ? null : column.values[code];
    }
    return row;
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
    if (sort === 'customer_id') {
      if (!this.idsAscending) order.sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
    }
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

  private coded(filter: ListFilter): CodedFilter {
    return {
      equals: filter.equals.map((eq) =>
        eq.columns.flatMap((c) => {
          const column = this.columns.text[c];
          const code = column?.values.indexOf(eq.value) ?? -1;
          return column ? [{ codes: column.codes, code: code === -1 ? -2 : code }] : [];
        }),
      ),
      ranges: filter.ranges,
    };
  }

  private passes(filter: CodedFilter, i: number): boolean {
    for (const eq of filter.equals) {
      if (!eq.some((c) => c.codes[i] === c.code)) return false;
    }
    for (const r of filter.ranges) {
      const v = this.columns.numbers[r.column][i];
      if (Number.isNaN(v) || (r.min !== undefined && v < r.min) || (r.max !== undefined && v > r.max)) return false;
    }
    return true;
  }

  /** How many rows pass the filter (a page's "of N"). */
  count(filter: ListFilter): number {
    const coded = this.coded(filter);
    let n = 0;
    for (let i = 0; i < this.columns.ids.length; i++) if (this.passes(coded, i)) n++;
    return n;
  }

  /**
   * Up to `limit` matching row ids after the cursor, and the cursor for the next page (null at the end).
   *
   * @example
   * list.page({ filter: { equals: [], ranges: [] }, sort: 'monetary', desc: true, limit: 50 });
   */
  page(request: ListRequest): { ids: string[]; next: { key: string | null; id: string } | null } {
    const { sort, desc, limit } = request;
    const filter = this.coded(request.filter);
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
