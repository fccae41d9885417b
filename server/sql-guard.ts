import type { DuckDBConnection } from '@duckdb/node-api';
import { StatementType } from '@duckdb/node-api';
import { badInput } from '../data/errors.ts';

/** Table functions a SQL cell may use: they only generate rows, none reads files or runs SQL text. */
const ALLOWED_TABLE_FUNCTIONS = new Set(['range', 'generate_series', 'unnest']);
/** Scalar functions that reach outside the query: the environment, files. */
const DENIED_FUNCTIONS = new Set(['getenv', 'read_text', 'read_blob', 'current_setting', 'txid_current']);

/**
 * Rewrites `:name` parameters to DuckDB's `$name`, outside string literals, quoted names and comments
 * (and leaving `::` casts alone).
 *
 * @example
 * namedParams("SELECT * FROM t WHERE a = :min AND b::INT > 0") // "... a = $min AND b::INT > 0"
 */
export function namedParams(sql: string): string {
  let out = '';
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === "'" || ch === '"') {
      const end = sql.indexOf(ch, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (ch === ':' && sql[i + 1] === ':') {
      out += '::';
      i++;
    } else if (ch === ':' && /[A-Za-z_]/.test(sql[i + 1] ?? '') && !/[\w$]/.test(sql[i - 1] ?? '')) {
      out += '$';
    } else {
      out += ch;
    }
  }
  return out;
}

interface Walk {
  tables: { name: string; schema: string; catalog: string }[];
  ctes: Set<string>;
  tableFunctions: string[];
  functions: string[];
}

/** Collects every table reference, CTE name and function call of a serialized statement tree. */
function walk(node: unknown, into: Walk): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, into);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const n = node as Record<string, any>;
  if (n.type === 'BASE_TABLE') into.tables.push({ name: String(n.table_name), schema: String(n.schema_name ?? ''), catalog: String(n.catalog_name ?? '') });
  if (n.type === 'TABLE_FUNCTION' && n.function) into.tableFunctions.push(String(n.function.function_name ?? '').toLowerCase());
  if (n.class === 'FUNCTION' && typeof n.function_name === 'string') into.functions.push(n.function_name.toLowerCase());
  if (n.cte_map?.map) for (const entry of n.cte_map.map) into.ctes.add(String(entry.key).toLowerCase());
  for (const value of Object.values(n)) if (typeof value === 'object') walk(value, into);
}

/**
 * Accepts exactly one read-only SELECT over the store's own tables and views, or throws a 400 saying why.
 * Three checks, each enough on its own for its kind of attack: the statement count, the prepared statement's
 * type, and a walk of the parsed tree (file-reading table functions, file paths used as tables, other catalogs).
 *
 * @example
 * await checkReadOnlySelect(connection, 'SELECT count(*) FROM customers', new Set(['customers']));
 */
export async function checkReadOnlySelect(connection: DuckDBConnection, sql: string, known: Set<string>): Promise<void> {
  const tree = await connection.runAndReadAll('SELECT json_serialize_sql(CAST($1 AS VARCHAR)) AS tree', [sql]);
  const parsed = JSON.parse(String(tree.getRowObjectsJS()[0].tree)) as { error: boolean; error_message?: string; statements?: unknown[] };
  // Checked first: the statement splitter fails on "no statement" with a message that says nothing.
  if (!parsed.error && !parsed.statements?.length) throw badInput('SQL is empty: it has no statement, only blanks or comments', { field: 'sql' });
  const extracted = await connection.extractStatements(sql).catch((error: Error) => {
    throw badInput(`SQL does not parse: ${firstLine(error.message)}`, { field: 'sql' });
  });
  if (extracted.count > 1) throw badInput(`send exactly one statement, got ${extracted.count}`, { field: 'sql' });
  if (parsed.error) throw badInput('only a read-only SELECT (or WITH ... SELECT) is allowed', { field: 'sql' });
  const found: Walk = { tables: [], ctes: new Set(), tableFunctions: [], functions: [] };
  walk(parsed.statements, found);
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
    if (!found.ctes.has(name) && !known.has(name)) throw badInput(`unknown table "${table.name}"`, { field: 'sql' });
  }

  const prepared = await extracted.prepare(0).catch((error: Error) => {
    throw badInput(`SQL error: ${firstLine(error.message)}`, { field: 'sql' });
  });
  try {
    if (prepared.statementType !== StatementType.SELECT) throw badInput('only a read-only SELECT (or WITH ... SELECT) is allowed', { field: 'sql' });
  } finally {
    prepared.destroySync();
  }
}

/** DuckDB messages carry a second line of context (and sometimes a caret); the first says what went wrong. */
export function firstLine(message: string): string {
  return message.split('\n')[0].slice(0, 500);
}
