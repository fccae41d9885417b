import { copyNumbers, resultChunks } from '../data/chunks.ts';
import { analyticsColumns, CUSTOMER_PAGES, LIST_NUMBER_COLUMNS, LIST_TEXT_COLUMNS, livePageQuery, PAGE_GROUPS } from '../data/customer-pages.ts';
import { pageFileNames, PageFileReader } from '../data/page-files.ts';
import { ident, literal, type Store } from '../data/store.ts';
import { CustomerList, TextColumnWriter } from './customer-list.ts';
import { TextCache } from './text-cache.ts';

type Row = Record<string, unknown>;

interface Snapshot {
  list: CustomerList;
  /** The pages of the list's customers from their files; null where they come from the source tables. */
  pages: PageFileReader | null;
}

export interface CustomerCacheOptions {
  /** Customer pages kept in memory, as JSON bytes (server/limits.ts pageCacheBytes). */
  pageCacheBytes: number;
  /**
   * Called when the analytics are built but the customer pages are not, or cannot be read (a store written before
   * them, a stage rewritten by a command since, a page file gone or not the table's: `unreadable` says why): the
   * app builds them on the writer where they are missing and invalidates. Lookups read the source tables
   * meanwhile.
   */
  onPagesMissing?: (unreadable?: Error) => void;
}

/** A text column with more distinct values than this is read as text (and coded in JavaScript), not as an ENUM. */
const MAX_CODED_VALUES = 4096;

/** The column's code in `values` (-1 where missing) as an INTEGER, or the text itself when it has no dictionary. */
function codeExpr(column: string, values: string[] | null): string {
  const text = `CAST(${ident(column)} AS VARCHAR)`;
  if (!values) return text;
  if (!values.length) return 'CAST(-1 AS INTEGER)';
  return `coalesce(CAST(enum_code(CAST(${text} AS ENUM(${values.map(literal).join(', ')}))) AS INTEGER), -1)`;
}

/** The list's columns of `source` (customer_pages or the view), in id order: the list finds a customer by binary search. */
async function readList(reader: Store, source: string): Promise<CustomerList> {
  const present = new Set((await reader.all<{ column_name: string }>(`DESCRIBE ${source}`)).map((c) => c.column_name));
  const text = LIST_TEXT_COLUMNS.filter((c) => present.has(c));
  const numbers = LIST_NUMBER_COLUMNS.filter((c) => present.has(c));
  const dictionaries: (string[] | null)[] = [];
  for (const c of text) {
    const values = await reader.all<{ v: string }>(`SELECT DISTINCT CAST(${ident(c)} AS VARCHAR) AS v FROM ${source} WHERE ${ident(c)} IS NOT NULL LIMIT ${MAX_CODED_VALUES + 1}`);
    dictionaries.push(values.length > MAX_CODED_VALUES ? null : values.map((r) => r.v));
  }
  const select = ['customer_id', ...text.map((c, j) => codeExpr(c, dictionaries[j])), ...numbers.map((c) => `CAST(${ident(c)} AS DOUBLE)`)];
  const size = (await reader.one<{ n: number }>(`SELECT count(*) AS n FROM ${source}`))!.n;
  const ids: string[] = new Array(size);
  const codes = text.map(() => new Int32Array(size));
  const spelled = text.map((_, j) => (dictionaries[j] ? null : new TextColumnWriter(size)));
  const values = numbers.map(() => new Float64Array(size));
  let at = 0;
  for await (const chunk of resultChunks(reader.connection, `SELECT ${select.join(', ')} FROM ${source} ORDER BY customer_id`)) {
    const n = chunk.rowCount;
    if (at + n > size) throw new Error(`${source} grew while it was read`);
    const idVector = chunk.getColumnVector(0);
    for (let r = 0; r < n; r++) ids[at + r] = idVector.getItem(r) as string;
    for (let j = 0; j < text.length; j++) {
      const vector = chunk.getColumnVector(1 + j);
      const writer = spelled[j];
      if (writer) for (let r = 0; r < n; r++) writer.set(at + r, vector.getItem(r) as string | null);
      else for (let r = 0; r < n; r++) codes[j][at + r] = vector.getItem(r) as number;
    }
    for (let j = 0; j < numbers.length; j++) copyNumbers(chunk, 1 + text.length + j, values[j], at);
    at += n;
  }
  return new CustomerList({
    ids: at === size ? ids : ids.slice(0, at),
    text: Object.fromEntries(text.map((c, j) => [c, spelled[j]?.column ?? { codes: codes[j], values: dictionaries[j]! }])),
    numbers: Object.fromEntries(numbers.map((c, j) => [c, values[j]])),
  });
}

/** The analytics row of a customer from its page: the page's groups of columns, flattened. */
export function rowOfPage(page: Row): Row {
  const row: Row = { customer_id: page.customer_id };
  for (const group of PAGE_GROUPS) Object.assign(row, page[group]);
  return row;
}

/**
 * What the customer list, the customer page and the at-risk list read, with memory bounded by bytes, not by
 * customers: the list's filter and sort columns in memory (columnar: server/customer-list.ts), each page read
 * from its page file (data/customer-pages.ts, data/page-files.ts: written by the retrain, rebuilt with features
 * after a load) through a byte-bounded cache of the most recently used pages. Without them (a store written
 * before them, or a stage rewritten since) pages come from the source tables, and `onPagesMissing` has them
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
  private pending = new Map<string, Promise<string>>();
  private pagesRequested = false;

  constructor(store: Store, options: CustomerCacheOptions) {
    this.store = store;
    this.options = options;
    this.pages = new TextCache({ maxBytes: options.pageCacheBytes });
  }

  invalidate(): void {
    this.retire();
    this.loading = undefined;
    this.derived.clear();
    this.pages = new TextCache({ maxBytes: this.options.pageCacheBytes });
    this.pending = new Map();
    this.pagesRequested = false;
  }

  /** Closes the page files. */
  close(): void {
    this.retire();
    this.loading = undefined;
  }

  /** The current snapshot's page files close once the reads under way end. */
  private retire(): void {
    void this.loading?.then(
      (snapshot) => snapshot.pages?.retire(),
      () => {},
    );
  }

  /**
   * An answer made from the current tables as JSON text (the at-risk page), kept in the page cache under `key`
   * until the next invalidation; callers asking at once share one computation. The key must name whatever else
   * the answer depends on (the playbook in force, the filter): the tables are this cache's concern.
   */
  async answer(key: string, compute: () => Promise<string>): Promise<string> {
    const pages = this.pages;
    const pending = this.pending;
    // Answers and pages share the cache under keys of their own kind (`a:`, `p:`), so no id can name an answer.
    const slot = `a:${key}`;
    const kept = pages.get(slot);
    if (kept !== undefined) return kept;
    let computing = pending.get(slot);
    if (!computing) {
      computing = compute();
      pending.set(slot, computing);
      const settled = () => {
        if (pending.get(slot) === computing) pending.delete(slot);
      };
      computing.then(settled, settled);
    }
    const text = await computing;
    // Kept only while they are the current tables' (no invalidation came in between).
    if (this.pages === pages) pages.set(slot, text);
    return text;
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

  /**
   * The list's columns, a data chunk at a time into typed arrays, from customer_pages or the view, and where each
   * customer's page is in the page files. Text columns arrive as their codes (DuckDB casts each value to an ENUM
   * of the column's distinct values), so a million rows of six text columns are integers, not six million strings
   * made and looked up in JavaScript.
   */
  private async build(): Promise<Snapshot> {
    if (!(await this.columns()).size) return { list: new CustomerList({ ids: [], text: {}, numbers: {} }), pages: null };
    // Streamed on a connection of its own (another query on the shared one would end the stream), in one
    // transaction so the page files, the dictionaries, the count and the rows are of the same table.
    const reader = await this.store.fork();
    try {
      await reader.run('BEGIN TRANSACTION');
      const files = await pageFileNames(reader);
      const source = files ? CUSTOMER_PAGES : 'customer_analytics';
      const list = await readList(reader, source);
      let pages: PageFileReader | null = null;
      let unreadable: Error | undefined;
      try {
        if (files) pages = await PageFileReader.open(this.store.filesDir, files, list.size, (id) => list.position(id));
      } catch (error) {
        // A page file gone (a store copied without its files) or not the table's.
        unreadable = error as Error;
      }
      if (!pages) this.requestPages(unreadable);
      return { list, pages };
    } finally {
      reader.close();
    }
  }

  private requestPages(unreadable?: Error): void {
    if (this.pagesRequested) return;
    this.pagesRequested = true;
    this.options.onPagesMissing?.(unreadable);
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
   * The pages of these customers as JSON text (undefined for an unknown id), from the cache, else from their page
   * files, else (no files, or the tables changed since the list was read) from the source tables one by one.
   */
  async pagesJson(customerIds: string[]): Promise<(string | undefined)[]> {
    return (await this.pagesOf(customerIds)).pages;
  }

  private async pagesOf(customerIds: string[]): Promise<{ snapshot: Snapshot; pages: (string | undefined)[] }> {
    const loading = this.load();
    const snapshot = await loading;
    const pages = this.pages;
    const found = new Map<string, string>();
    const wanted: { id: string; position: number }[] = [];
    for (const id of customerIds) {
      const cached = pages.get(`p:${id}`);
      if (cached !== undefined) found.set(id, cached);
      else {
        const position = snapshot.list.position(id);
        if (position >= 0 && !found.has(id)) wanted.push({ id, position });
      }
    }
    if (wanted.length && snapshot.pages) {
      const read = await Promise.all(wanted.map((w) => snapshot.pages!.read(w.position)));
      wanted.forEach((w, i) => read[i] !== undefined && found.set(w.id, read[i]!));
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
    if (this.loading === loading) for (const w of wanted) if (found.has(w.id)) pages.set(`p:${w.id}`, found.get(w.id)!);
    return { snapshot, pages: customerIds.map((id) => found.get(id)) };
  }

  /** The whole customer page as JSON text: features, tiers, cluster, churn, CLV, last orders, feedback. */
  async pageJson(customerId: string): Promise<string | undefined> {
    return (await this.pagesJson([customerId]))[0];
  }

  /**
   * A customer's page as JSON text and its tiers (the list's text columns: segment, tiers, band, cluster; what a
   * playbook rule matches on), both of the same tables, so the page's next best action needs no parse of the page.
   */
  async lookup(customerId: string): Promise<{ json: string; tiers: Row } | undefined> {
    const { snapshot, pages } = await this.pagesOf([customerId]);
    const json = pages[0];
    if (json === undefined) return undefined;
    const i = snapshot.list.position(customerId);
    return { json, tiers: i >= 0 ? snapshot.list.textRow(i) : rowOfPage(JSON.parse(json) as Row) };
  }

  /** The analytics rows of these customers (undefined for an unknown id). */
  async rows(customerIds: string[]): Promise<(Row | undefined)[]> {
    return (await this.pagesJson(customerIds)).map((page) => (page === undefined ? undefined : rowOfPage(JSON.parse(page) as Row)));
  }

  async row(customerId: string): Promise<Row | undefined> {
    return (await this.rows([customerId]))[0];
  }
}
