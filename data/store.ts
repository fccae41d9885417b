import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TierlabError } from './errors.ts';
import { defaultDbPath } from './paths.ts';
import { SCHEMA_SQL } from './schema.ts';

export type Row = Record<string, unknown>;
export type Params = DuckDBValue[] | Record<string, DuckDBValue>;

/**
 * DuckDB's memory limit by the kind of process that opens the store, instead of DuckDB's default of 80% of RAM
 * (19 GB here, on a machine shared with other work). What passes the limit spills to a temporary folder beside
 * the store where DuckDB can (sorts, joins, most aggregates); where it cannot, the statement fails with an
 * out-of-memory error, so the limit is set by the largest statement that must pass at a million customers:
 * building customer_pages (lists of orders and feedback per customer, which do not spill) failed at 2 GB as one
 * statement and passes in customer-id ranges (`PAGE_RANGE_CUSTOMERS`; 1M: 137 s, process peak 2.66 GB, against
 * 91 s and 5.96 GB at 8 GB). Every retrain stage passed at 2 GB on the 1M demo.
 * - `server`: 2 GB. An upload through the server rebuilds features, tiers and pages within it.
 * - `batch` (commands, the retrain): 2 GB.
 * `TIERLAB_DUCKDB_MEMORY_LIMIT` (e.g. `16GB`) overrides both. Threads stay DuckDB's default, one per core: a lookup
 * is one point query on one thread, and set work gets every core while JavaScript waits.
 */
export const DUCKDB_MEMORY_LIMITS = { server: '2GB', batch: '2GB' } as const;

export interface OpenStoreOptions {
  /** DuckDB file; ':memory:' for a throw-away store. Default: the runtime folder's store. */
  path?: string;
  /** Which memory limit applies (DUCKDB_MEMORY_LIMITS); default batch. */
  purpose?: keyof typeof DUCKDB_MEMORY_LIMITS;
  /** Open without write access (the SQL cells use this with external access off). */
  readOnly?: boolean;
  /** Extra DuckDB settings, e.g. `{ enable_external_access: 'false' }`. */
  settings?: Record<string, string>;
}

/** JSON-friendly values: integers as numbers, DECIMAL as numbers, dates and timestamps as ISO strings. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

/**
 * The embedded DuckDB store: one file holds customers, transactions, feedback and every derived table.
 *
 * @example
 * const store = await Store.open({ path: ':memory:' });
 * const [{ n }] = await store.all<{ n: number }>('SELECT count(*) AS n FROM customers');
 */
export class Store {
  readonly path: string;
  readonly instance: DuckDBInstance;
  readonly connection: DuckDBConnection;
  private transactionDepth = 0;
  /**
   * What the owner and its forks share: the forks still open (closing the owner closes them first, so the file's
   * lock goes with it) and the folder of a ':memory:' store's files (filesDir).
   */
  private readonly shared: { forks: Set<Store>; memoryFiles?: string };
  /** Called when the transaction open on this connection ends (afterTransaction). */
  private settled: (() => Promise<void>)[] = [];

  private constructor(
    path: string,
    instance: DuckDBInstance,
    connection: DuckDBConnection,
    private readonly owner = false,
    shared?: { forks: Set<Store>; memoryFiles?: string },
  ) {
    this.shared = shared ?? { forks: new Set() };
    this.path = path;
    this.instance = instance;
    this.connection = connection;
  }

  static async open(options: OpenStoreOptions = {}): Promise<Store> {
    const path = options.path ?? defaultDbPath();
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    // New store files use this DuckDB's newest storage format: a million-line ingest writes ~10% faster than in
    // the default (v0.10-readable) format. Stores created earlier keep their format and open as before.
    const memoryLimit = process.env.TIERLAB_DUCKDB_MEMORY_LIMIT || DUCKDB_MEMORY_LIMITS[options.purpose ?? 'batch'];
    const settings: Record<string, string> = { storage_compatibility_version: 'latest', memory_limit: memoryLimit, ...options.settings };
    if (options.readOnly) settings.access_mode = 'READ_ONLY';
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, settings);
    } catch (error) {
      if (/Could not set lock/i.test((error as Error).message)) {
        throw new TierlabError('busy', 'the store is in use by another process (a running server or retrain); stop it or use its API', { file: path });
      }
      throw error;
    }
    const connection = await instance.connect();
    // Progress is tracked (not printed) so long statements can report it: runWithProgress.
    await connection.run(`SET enable_progress_bar = true; SET enable_progress_bar_print = false`);
    const store = new Store(path, instance, connection, true);
    if (!options.readOnly) await store.run(SCHEMA_SQL);
    return store;
  }

  /** Runs a statement and returns its rows as plain objects. */
  async all<T = Row>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJS().map((row) => {
      const out: Row = {};
      for (const key in row) out[key] = plain(row[key]);
      return out as T;
    });
  }

  /** The first row, or undefined. */
  async one<T = Row>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /** Runs a statement for its effect. */
  async run(sql: string, params?: Params): Promise<void> {
    await this.connection.run(sql, params);
  }

  /**
   * Runs a long statement and reports DuckDB's estimate of how far it got (0-100) when it changed, checked every
   * `everyMs` while the statement runs. (DuckDB estimates only from scans it can measure, such as a CSV read
   * or a table scan.)
   */
  async runWithProgress(sql: string, report: (percent: number) => void, everyMs = 1000): Promise<void> {
    let last = -1;
    const timer = setInterval(() => {
      const percent = Math.floor(this.connection.progress.percentage);
      if (percent >= 0 && percent !== last) report((last = percent));
    }, everyMs);
    try {
      await this.run(sql);
    } finally {
      clearInterval(timer);
    }
  }

  /**
   * Runs `work` with DuckDB free to write files in any row order, on all its threads, where the order of rows in
   * them means nothing (page files, a version's files). The setting is the instance's, so it is put back after.
   */
  async unordered<T>(work: () => Promise<T>): Promise<T> {
    const kept = (await this.one<{ on: boolean }>(`SELECT current_setting('preserve_insertion_order') AS "on"`))!.on;
    await this.run('SET preserve_insertion_order = false');
    try {
      return await work();
    } finally {
      await this.run(`SET preserve_insertion_order = ${kept ? 'true' : 'false'}`);
    }
  }

  /** Is a transaction open on this connection (so a failing statement would abort it)? */
  get inTransaction(): boolean {
    return this.transactionDepth > 0;
  }

  /**
   * Runs `work` inside one transaction: all of it lands, or none of it does. Nested calls join the outer
   * transaction (DuckDB has one per connection), so a stage that is atomic alone stays atomic inside a retrain.
   */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.transactionDepth > 0) return this.nested(work);
    await this.run('BEGIN TRANSACTION');
    try {
      const result = await this.nested(work);
      await this.run('COMMIT');
      return result;
    } catch (error) {
      await this.run('ROLLBACK');
      throw error;
    } finally {
      await this.settle();
    }
  }

  /**
   * Runs `work` in a transaction that is rolled back (its writes are visible to `work` only) unless `work` calls
   * `keep()` and returns: then it is committed. Training builds a candidate this way without touching what is
   * served, and keeps the tables of a candidate it promotes instead of loading them back from the version's files.
   */
  async scratch<T>(work: (keep: () => void) => Promise<T>): Promise<T> {
    await this.run('BEGIN TRANSACTION');
    let kept = false;
    let result: T;
    try {
      result = await this.nested(() => work(() => (kept = true)));
    } catch (error) {
      await this.run('ROLLBACK');
      await this.settle();
      throw error;
    }
    try {
      await this.run(kept ? 'COMMIT' : 'ROLLBACK');
    } finally {
      await this.settle();
    }
    return result;
  }

  /**
   * Runs `callback` when the transaction open on this connection ends, committed or rolled back, before the
   * transaction's call returns (at once when none is open): files written for tables of a transaction can be
   * cleaned up once it is known which stayed. It must not throw.
   */
  async afterTransaction(callback: () => Promise<void>): Promise<void> {
    if (this.transactionDepth > 0) this.settled.push(callback);
    else await callback();
  }

  private async settle(): Promise<void> {
    for (const callback of this.settled.splice(0)) await callback();
  }

  private async nested<T>(work: () => Promise<T>): Promise<T> {
    this.transactionDepth += 1;
    try {
      return await work();
    } finally {
      this.transactionDepth -= 1;
    }
  }

  /**
   * A second connection to the same database: its own transactions, the same data. Long work (training) runs on
   * a fork so requests on the main connection keep seeing committed data only.
   */
  async fork(): Promise<Store> {
    const fork = new Store(this.path, this.instance, await this.instance.connect(), false, this.shared);
    this.shared.forks.add(fork);
    return fork;
  }

  /**
   * A folder for files that belong to this database beside its tables (the customer pages' text): `<file>.files`
   * beside the database file, or for a ':memory:' store a temporary folder removed when it closes.
   */
  get filesDir(): string {
    if (this.path !== ':memory:') return `${this.path}.files`;
    this.shared.memoryFiles ??= mkdtempSync(join(tmpdir(), 'tierlab-store-'));
    return this.shared.memoryFiles;
  }

  /** Does a table or view of this name exist? */
  async has(name: string): Promise<boolean> {
    const row = await this.one<{ n: number }>(
      `SELECT (SELECT count(*) FROM duckdb_tables() WHERE table_name = $1)
            + (SELECT count(*) FROM duckdb_views() WHERE view_name = $1) AS n`,
      [name],
    );
    return (row?.n ?? 0) > 0;
  }

  /**
   * Closes this connection; the first store opened also closes the database, and the forks still open with it
   * (a connection left open would keep the file locked until it is collected).
   */
  close(): void {
    if (this.owner) for (const fork of this.shared.forks) fork.close();
    else this.shared.forks.delete(this);
    this.connection.closeSync();
    if (this.owner) this.instance.closeSync();
    if (this.owner && this.shared.memoryFiles) rmSync(this.shared.memoryFiles, { recursive: true, force: true });
  }
}

/** Quotes an identifier for SQL (column names come from user files). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for SQL, for the few places DuckDB takes no parameter (file paths in read_csv). */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
