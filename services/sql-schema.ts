/**
 * What a SQL cell may read: the store's own tables and views with their columns, types and row counts. The
 * guard (services/sql-guard.ts) accepts exactly these names; the notebook's editor completes them and its
 * schema browser lists them (GET /api/sql/schema).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { withDeadline } from '../data/deadline.ts';

/** A table or view SQL cells may read. */
export interface SchemaTable {
  name: string;
  kind: 'table' | 'view';
  /** Exact for tables; for views counted once per data change, null when counting took too long. */
  rows: number | null;
  columns: { name: string; type: string }[];
}

const OWN_TABLES = `SELECT lower(table_name) AS name FROM duckdb_tables() WHERE NOT internal AND database_name = current_database()
  UNION SELECT lower(view_name) FROM duckdb_views() WHERE NOT internal AND database_name = current_database()`;

/**
 * Names a user may read: the store's tables and views (the guard rejects every other name), in lower case.
 *
 * @example
 * (await knownTables(connection)).has('customers'); // true
 */
export async function knownTables(connection: DuckDBConnection): Promise<Set<string>> {
  const reader = await connection.runAndReadAll(OWN_TABLES);
  return new Set(reader.getRowObjectsJS().map((r) => String(r.name)));
}

/** A view's rows are counted within this much time; a view that takes longer shows no count. */
const VIEW_COUNT_MS = 2000;

/**
 * The tables and views a SQL cell may read, with columns, types and row counts.
 *
 * @example
 * (await describeSchema(connection)).find((t) => t.name === 'customers')?.columns;
 */
export async function describeSchema(connection: DuckDBConnection): Promise<SchemaTable[]> {
  const reader = await connection.runAndReadAll(
    `SELECT t.name, t.kind, t.rows, list({'name': c.column_name, 'type': c.data_type} ORDER BY c.column_index) AS columns
     FROM (SELECT table_name AS name, 'table' AS kind, estimated_size AS rows FROM duckdb_tables() WHERE NOT internal AND database_name = current_database()
           UNION ALL SELECT view_name, 'view', NULL FROM duckdb_views() WHERE NOT internal AND database_name = current_database()) t
     JOIN duckdb_columns() c ON c.table_name = t.name AND c.database_name = current_database()
     GROUP BY ALL ORDER BY t.kind, t.name`,
  );
  const tables = reader.getRowObjectsJS().map((row) => ({
    name: String(row.name),
    kind: row.kind as SchemaTable['kind'],
    rows: row.rows === null ? null : Number(row.rows),
    columns: (row.columns as { name: string; type: string }[]).map((c) => ({ name: String(c.name), type: String(c.type) })),
  }));
  for (const table of tables.filter((t) => t.kind === 'view')) {
    const counted = await withDeadline({ connection, ms: VIEW_COUNT_MS, message: 'view count too slow' }, async () => {
      const count = await connection.runAndReadAll(`SELECT count(*) AS n FROM "${table.name.replaceAll('"', '""')}"`);
      return Number(count.getRowObjectsJS()[0].n);
    }).catch(() => null);
    table.rows = counted;
  }
  return tables;
}
