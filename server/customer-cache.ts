import { analyticsColumns, CUSTOMER_PAGES, LIST_NUMBER_COLUMNS, LIST_TEXT_COLUMNS, livePageQuery, PAGE_GROUPS } from '../data/customer-pages.ts';
import { ident, type Store } from '../data/store.ts';
import { CustomerList, TextColumnWriter } from './customer-list.ts';
import { TextCache } from './text-cache.ts';

type Row = Record<string, unknown>;

interface Snapshot {
  list: CustomerList;
  /** The rowid in customer_pages of each list row; null when the store has no customer_pages (pages are read live). */
  rowids: Float64Array | null;
}

export interface CustomerCacheOptions {
  /** Customer pages kept in memory, as JSON bytes (server/limits.ts pageCacheBytes). */
  pageCacheBytes: number;
  /**
   * Called when the analytics are built but table customer_pages is not (a store written before it existed, or a
   * stage rewritten by a command since): the app builds it on the writer and invalidates. Lookups read the
   * source tables meanwhile.
   */
  onPagesMissing?: () => void;
}

/** The analytics row of a customer from its page: the page's groups of columns, flattened. */
export function rowOfPage(page: Row): Row {
  const row: Row = { customer_id: page.customer_id };
  for (const group of PAGE_GROUPS) Object.assign(row, page[group]);
  return row;
}

/**
 * What the customer list, the customer page and the at-risk list read, with memory bounded by bytes, not by
 * customers: the list's filter and sort columns in memory (columnar: server/customer-list.ts), each page read by
 * position from table `customer_pages` (data/customer-pages.ts: written by the retrain, rebuilt with features
 * after a load) through a byte-bounded cache of the most recently used pages. Without the table (a store
 * written before it, or a stage rewritten since) pages come from the source tables, and `onPagesMissing` has it
 * built. Read again after anything that changes the tables (uploads, training, a version switch: `invalidate`).
 *
 * @example
 * const cache = new CustomerCache(store, { pageCacheBytes: 64 * 1024 * 1024 });
 * (await cache.row('C00042'))?.rfm_segment;
 * cache.invalidate(); // after an upload
 */
export class CustomerCache {
  private readonly store: Store;
  private readonly options: CustomerCacheOptions;
  private loading: Promise<Snapshot> | undefined;
  private readonly derived = new Map<string, Promise<unknown>>();
  private pages: TextCache;
  private pagesRequested = false;

  constructor(store: Store, options: CustomerCacheOptions) {
    this.store = store;
    this.options = options;
    this.pages = new TextCache({ maxBytes: options.pageCacheBytes });
  }

  invalidate(): void {
    this.loading = undefined;
    this.derived.clear();
    this.pages = new TextCache({ maxBytes: this.options.pageCacheBytes });
    this.pagesRequested = false;
  }

  /** A value derived from the stage tables (e.g. their columns), computed once per invalidation; a failure is not kept. */
  memo<T>(name: string, compute: () => Promise<T>): Promise<T> {
    let value = this.derived.get(name) as Promise<T> | undefined;
    if (!value) {
      const computing = compute();
      this.derived.set(name, computing);
      computing.catch(() => {
        if (this.derived.get(name) === computing) this.derived.delete(name);
      });
      value = computing;
    }
    return value;
  }

  private load(): Promise<Snapshot> {
    if (this.loading) return this.loading;
    const loading = this.build();
    this.loading = loading;
    // A failed load (e.g. a stage table replaced mid-read) must not stick.
    loading.catch(() => {
      if (this.loading === loading) this.loading = undefined;
    });
    return loading;
  }

  /** The list's columns, a data chunk at a time into typed arrays, from customer_pages (with rowids) or the view. */
  private async build(): Promise<Snapshot> {
    if (!(await this.columns()).size) return { list: new CustomerList({ ids: [], text: {}, numbers: {} }), rowids: null };
    const fromPages = await this.store.has(CUSTOMER_PAGES);
    if (!fromPages && !this.pagesRequested) {
      this.pagesRequested = true;
      this.options.onPagesMissing?.();
    }
    const source = fromPages ? CUSTOMER_PAGES : 'customer_analytics';
    const present = new Set((await this.store.all<{ column_name: string }>(`DESCRIBE ${source}`)).map((c) => c.column_name));
    const text = LIST_TEXT_COLUMNS.filter((c) => present.has(c));
    const numbers = LIST_NUMBER_COLUMNS.filter((c) => present.has(c));
    const select = [
      'customer_id',
      ...text.map((c) => `CAST(${ident(c)} AS VARCHAR)`),
      ...numbers.map((c) => `CAST(${ident(c)} AS DOUBLE)`),
      ...(fromPages ? ['CAST(rowid AS DOUBLE)'] : []),
    ];
    const size = (await this.store.one<{ n: number }>(`SELECT count(*) AS n FROM ${source}`))!.n;
    const ids: string[] = new Array(size);
    const texts = text.map(() => new TextColumnWriter(size));
    const values = numbers.map(() => new Float64Array(size));
    const rowids = fromPages ? new Float64Array(size) : null;
    // Streamed on a connection of its own: another query on the shared one would end the stream. In id order:
    // the list finds a customer by binary search.
    const reader = await this.store.fork();
    let at = 0;
    try {
      const result = await reader.connection.stream(`SELECT ${select.join(', ')} FROM ${source} ORDER BY customer_id`);
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        const columns = chunk.getColumns();
        if (at + chunk.rowCount > size) throw new Error(`${source} grew while it was read`);
        for (let r = 0; r < chunk.rowCount; r++) {
          const i = at + r;
          ids[i] = columns[0][r] as string;
          for (let j = 0; j < texts.length; j++) texts[j].set(i, columns[1 + j][r] as string | null);
          for (let j = 0; j < values.length; j++) values[j][i] = (columns[1 + texts.length + j][r] as number | null) ?? Number.NaN;
          if (rowids) rowids[i] = columns[1 + texts.length + values.length][r] as number;
        }
        at += chunk.rowCount;
      }
    } finally {
      reader.close();
    }
    return {
      list: new CustomerList({
        ids: at === size ? ids : ids.slice(0, at),
        text: Object.fromEntries(text.map((c, j) => [c, texts[j].column])),
        numbers: Object.fromEntries(numbers.map((c, j) => [c, values[j]])),
      }),
      rowids,
    };
  }

  async list(): Promise<CustomerList> {
    return (await this.load()).list;
  }

  /** The view's columns and their DuckDB types; empty before features are built. Does not wait for the rows. */
  columns(): Promise<Map<string, string>> {
    return this.memo('columns', () => analyticsColumns(this.store));
  }

  /** Reads the list now (server start), so the first lookup does not wait for it; resolves when read (a failure is left to the next lookup). */
  warm(): Promise<void> {
    return this.load().then(
      () => {},
      () => {},
    );
  }

  /**
   * The pages of these customers as JSON text (undefined for an unknown id), from the cache, else in one query
   * by rowid from customer_pages, else (no table, or it was replaced since the list was read) from the source
   * tables one by one.
   */
  async pagesJson(customerIds: string[]): Promise<(string | undefined)[]> {
    const loading = this.load();
    const snapshot = await loading;
    const pages = this.pages;
    const found = new Map<string, string>();
    const wanted: { id: string; rowid: number }[] = [];
    for (const id of customerIds) {
      const cached = pages.get(id);
      if (cached !== undefined) found.set(id, cached);
      else {
        const i = snapshot.list.position(id);
        if (i >= 0 && !found.has(id)) wanted.push({ id, rowid: snapshot.rowids ? snapshot.rowids[i] : -1 });
      }
    }
    if (wanted.length && snapshot.rowids) {
      // rowids are integers read from the table: written into the text, so DuckDB prunes by them (a bound DOUBLE would not).
      const rows = await this.store.all<{ customer_id: string; page_json: string }>(
        `SELECT customer_id, page_json FROM ${CUSTOMER_PAGES} WHERE rowid IN (${wanted.map((w) => String(w.rowid)).join(', ')})`,
      );
      for (const r of rows) found.set(r.customer_id, r.page_json);
    }
    const live = wanted.filter((w) => !found.has(w.id));
    if (live.length) {
      const sql = await this.memo('live-page-query', () => livePageQuery(this.store));
      for (const w of live) {
        const page = sql ? (await this.store.one<{ page_json: string }>(sql, [w.id]))?.page_json : undefined;
        if (page !== undefined) found.set(w.id, page);
      }
    }
    // Kept only while they are the current tables' (no invalidation came in between).
    if (this.loading === loading) for (const w of wanted) if (found.has(w.id)) pages.set(w.id, found.get(w.id)!);
    return customerIds.map((id) => found.get(id));
  }

  /** The whole customer page as JSON text: features, tiers, cluster, churn, CLV, last orders, feedback. */
  async pageJson(customerId: string): Promise<string | undefined> {
    return (await this.pagesJson([customerId]))[0];
  }

  /** The analytics rows of these customers (undefined for an unknown id). */
  async rows(customerIds: string[]): Promise<(Row | undefined)[]> {
    return (await this.pagesJson(customerIds)).map((page) => (page === undefined ? undefined : rowOfPage(JSON.parse(page) as Row)));
  }

  async row(customerId: string): Promise<Row | undefined> {
    return (await this.rows([customerId]))[0];
  }
}
