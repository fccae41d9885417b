import type { DuckDBConnection } from '@duckdb/node-api';
import { StatementType } from '@duckdb/node-api';
import { badInput, TierlabError } from '../data/errors.ts';
import { statementMessage } from '../data/duckdb-errors.ts';
import { sqlSpans } from './sql-text.ts';

/** Table functions a SQL cell may use: they only generate rows, none reads files or runs SQL text. */
const ALLOWED_TABLE_FUNCTIONS = new Set(['range', 'generate_series', 'unnest']);
/** Scalar functions that reach outside the query: the environment, files. */
const DENIED_FUNCTIONS = new Set(['getenv', 'read_text', 'read_blob', 'current_setting', 'txid_current']);

interface TableRef {
  name: string;
  schema: string;
  catalog: string;
  /** A CTE of this name is visible where the reference stands. */
  isCte: boolean;
}

interface Walk {
  tables: TableRef[];
  cteNames: string[];
  tableFunctions: string[];
  functions: string[];
}

const lower = (name: unknown) => String(name ?? '').toLowerCase();

/**
 * Collects every table reference, CTE name and function call of a serialized statement tree. A name counts as
 * a CTE only where DuckDB binds it to one: a WITH's CTEs are visible in its query and in the CTEs declared after
 * them, not in their own body (there DuckDB would read a table, or a file of that name); a recursive CTE sees
 * itself in its recursive part only.
 */
function walk(node: unknown, scope: ReadonlySet<string>, into: Walk): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, scope, into);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const n = node as Record<string, any>;
  if (n.type === 'BASE_TABLE') {
    const name = String(n.table_name);
    into.tables.push({ name, schema: String(n.schema_name ?? ''), catalog: String(n.catalog_name ?? ''), isCte: !n.schema_name && !n.catalog_name && scope.has(lower(name)) });
  }
  if (n.type === 'TABLE_FUNCTION' && n.function) into.tableFunctions.push(lower(n.function.function_name));
  if (n.class === 'FUNCTION' && typeof n.function_name === 'string') into.functions.push(n.function_name.toLowerCase());
  let inner = scope;
  for (const entry of n.cte_map?.map ?? []) {
    into.cteNames.push(String(entry.key));
    walk(entry.value, inner, into);
    inner = new Set([...inner, lower(entry.key)]);
  }
  for (const [key, value] of Object.entries(n)) {
    if (key === 'cte_map' || typeof value !== 'object') continue;
    const recursivePart = n.type === 'RECURSIVE_CTE_NODE' && key === 'right';
    walk(value, recursivePart ? new Set([...inner, lower(n.cte_name)]) : inner, into);
  }
}

/** Table functions the bound plan may call: the allowed ones and DuckDB's scan of a stored table. */
const PLAN_SCANS = new Set([...ALLOWED_TABLE_FUNCTIONS, 'seq_scan']);

/**
 * Every scan of the bound plan: checked after DuckDB has resolved every name, so no way of spelling a name
 * (a CTE out of scope, a view, a quoted path) can reach a file or another catalog unseen.
 */
function planScans(node: unknown, into: { name: string; catalog?: string; schema?: string; table?: string }[] = []) {
  if (Array.isArray(node)) for (const item of node) planScans(item, into);
  else if (typeof node === 'object' && node !== null) {
    const n = node as Record<string, any>;
    if (n.type === 'LOGICAL_GET') into.push({ name: lower(n.name), catalog: n.function_data?.catalog, schema: n.function_data?.schema, table: n.function_data?.table });
    for (const value of Object.values(n)) if (typeof value === 'object') planScans(value, into);
  }
  return into;
}

/** How json_serialize_sql and json_serialize_plan tell a failure: the offset in the text, when DuckDB knows it. */
interface DuckDBJsonError {
  error: boolean;
  error_message?: string;
  position?: string;
}

/** The error's offset in the statement as details `{position}`, for the editor to point at. */
function positionOf(parsed: DuckDBJsonError): { position: number } | undefined {
  const position = Number(parsed.position);
  return parsed.error && parsed.position !== undefined && Number.isInteger(position) ? { position } : undefined;
}

/** A CTE name that is a plain name: a quoted path as a CTE name has no use but to confuse a reader. */
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Accepts exactly one read-only SELECT over the store's own tables and views, or throws a 400 saying why.
 * Three checks, each enough on its own for its kind of attack: the statement count, the prepared statement's
 * type, a walk of the parsed tree (file-reading table functions, file paths used as tables, other catalogs, CTE
 * names out of their scope), and the scans of the bound plan.
 *
 * @example
 * await checkReadOnlySelect(connection, 'SELECT count(*) FROM customers', new Set(['customers']));
 */
export async function checkReadOnlySelect(connection: DuckDBConnection, sql: string, known: Set<string>): Promise<void> {
  const tree = await connection.runAndReadAll('SELECT json_serialize_sql(CAST($1 AS VARCHAR)) AS tree', [sql]);
  const parsed = JSON.parse(String(tree.getRowObjectsJS()[0].tree)) as DuckDBJsonError & { statements?: unknown[] };
  // Checked first: the statement splitter fails on "no statement" with a message that says nothing.
  if (!parsed.error && !parsed.statements?.length) throw badInput('SQL is empty: it has no statement, only blanks or comments', { field: 'sql' });
  const extracted = await connection.extractStatements(sql).catch((error: Error) => {
    throw new TierlabError('bad_input', `SQL does not parse: ${statementMessage(error.message)}`, { field: 'sql' }, positionOf(parsed));
  });
  if (extracted.count > 1) throw badInput(`send exactly one statement, got ${extracted.count}`, { field: 'sql' });
  if (parsed.error) throw badInput('only a read-only SELECT (or WITH ... SELECT) is allowed', { field: 'sql' });
  const found: Walk = { tables: [], cteNames: [], tableFunctions: [], functions: [] };
  walk(parsed.statements, new Set(), found);
  for (const name of found.cteNames) {
    if (!PLAIN_NAME.test(name)) throw badInput(`CTE name "${name.slice(0, 100)}" must be a plain name (letters, digits, _)`, { field: 'sql' });
  }
  for (const fn of found.tableFunctions) {
    if (!ALLOWED_TABLE_FUNCTIONS.has(fn)) throw badInput(`table function ${fn}() is not allowed in SQL cells`, { field: 'sql' });
  }
  for (const fn of found.functions) {
    if (DENIED_FUNCTIONS.has(fn)) throw badInput(`function ${fn}() is not allowed in SQL cells`, { field: 'sql' });
  }
  for (const table of found.tables) {
    const name = table.name.toLowerCase();
    if ((table.catalog && table.catalog !== 'memory') || (table.schema && table.schema !== 'main')) {
      throw badInput(`only the store's own tables can be read, not ${[table.catalog, table.schema, table.name].filter(Boolean).join('.')}`, { field: 'sql' });
    }
    if (!table.isCte && !known.has(name)) throw unknownTable(sql, table.name, known);
  }
  await checkPlan(connection, sql, known);

  const prepared = await extracted.prepare(0).catch((error: Error) => {
    throw badInput(`SQL error: ${statementMessage(error.message)}`, { field: 'sql' });
  });
  try {
    if (prepared.statementType !== StatementType.SELECT) throw badInput('only a read-only SELECT (or WITH ... SELECT) is allowed', { field: 'sql' });
  } finally {
    prepared.destroySync();
  }
}

/** Edit distance of two short names (insert, delete, replace one letter). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}

/**
 * The error for a name that is no table of the store, found before DuckDB binds it (binding a path would read the
 * file): it suggests the closest known name as DuckDB would, and points at the name's first use in code.
 */
function unknownTable(sql: string, name: string, known: Set<string>): TierlabError {
  const closest = [...known].map((k) => ({ k, d: distance(name.toLowerCase(), k) })).sort((a, b) => a.d - b.d)[0];
  const hint = closest && closest.d <= Math.max(2, Math.floor(name.length / 3)) ? `\nDid you mean "${closest.k}"?` : '';
  const word = new RegExp(`(?<![\\w.])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!\\w)`, 'i');
  let position: number | undefined;
  for (const span of sqlSpans(sql)) {
    const match = span.kind === 'code' ? word.exec(sql.slice(span.start, span.end)) : null;
    if (match) {
      position = span.start + match.index;
      break;
    }
  }
  return new TierlabError('bad_input', `unknown table "${name.slice(0, 100)}"${hint}`, { field: 'sql' }, position === undefined ? undefined : { position });
}

/** The bound plan reads only the store's own tables and the allowed table functions. */
async function checkPlan(connection: DuckDBConnection, sql: string, known: Set<string>): Promise<void> {
  const reader = await connection.runAndReadAll('SELECT json_serialize_plan(CAST($1 AS VARCHAR)) AS plan, current_database() AS db', [sql]);
  const { plan, db } = reader.getRowObjectsJS()[0] as { plan: string; db: string };
  const parsed = JSON.parse(plan) as DuckDBJsonError & { plans?: unknown };
  if (parsed.error) throw new TierlabError('bad_input', `SQL error: ${statementMessage(parsed.error_message ?? 'the statement cannot be planned')}`, { field: 'sql' }, positionOf(parsed));
  for (const scan of planScans(parsed.plans)) {
    const ownTable = scan.name === 'seq_scan' && scan.catalog === db && scan.schema === 'main' && known.has(lower(scan.table));
    if (!PLAN_SCANS.has(scan.name) || (scan.name === 'seq_scan' && !ownTable)) {
      throw badInput(`only the store's own tables can be read, not ${scan.name === 'seq_scan' ? `"${scan.table}"` : `${scan.name}()`}`, { field: 'sql' });
    }
  }
}
