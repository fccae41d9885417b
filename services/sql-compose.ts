/**
 * Cells on cells: a SQL cell may read earlier cells' results by name (`FROM top_customers`). The client sends
 * the referenced cells' SQL (`cells: [{name, sql}]`, each before those that use it); the server puts them in
 * front of the cell as CTEs, so the whole text goes through the same read-only guard, time limit and result caps
 * as one cell does. Positions DuckDB reports in the composed text are told back in the cell's own text, or as
 * the referenced cell's when the mistake is there.
 */
import { badInput, TierlabError } from '../data/errors.ts';
import { namedParams, statementBody } from './sql-text.ts';

/** A referenced cell as the client sends it. */
export interface CellSql {
  name: string;
  sql: string;
}

/** A cell name is a plain SQL name, so it can stand unquoted after FROM. */
const CELL_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** The composed statement and where each part of it starts. */
export interface ComposedSql {
  text: string;
  /** Where the cell's own text starts in `text`. */
  cellStart: number;
  /** Each referenced cell's body in `text`. */
  parts: { name: string; start: number; end: number }[];
}

/**
 * The `cells` field of a request, checked: an array of `{name, sql}` with plain, distinct names.
 *
 * @example
 * readCells([{ name: 'top', sql: 'SELECT 1' }]); // [{ name: 'top', sql: 'SELECT 1' }]
 */
export function readCells(raw: unknown): CellSql[] {
  if (raw === undefined) return [];
  const cells = raw as unknown[];
  const seen = new Set<string>();
  return cells.map((item, i) => {
    const cell = item as Partial<CellSql> | null;
    const field = `cells[${i}]`;
    if (typeof cell !== 'object' || cell === null || Array.isArray(cell)) throw badInput(`${field} must be an object {name, sql}`, { field });
    for (const key of Object.keys(cell)) if (key !== 'name' && key !== 'sql') throw badInput(`unknown field ${field}.${key}`, { field: `${field}.${key}` });
    if (typeof cell.name !== 'string' || !CELL_NAME.test(cell.name)) throw badInput(`${field}.name must be a plain name (a letter or _, then letters, digits, _; at most 64)`, { field: `${field}.name` });
    if (typeof cell.sql !== 'string') throw badInput(`${field}.sql must be a string`, { field: `${field}.sql` });
    if (seen.has(cell.name.toLowerCase())) throw badInput(`${field}.name "${cell.name}" is given twice`, { field: `${field}.name` });
    seen.add(cell.name.toLowerCase());
    return { name: cell.name, sql: cell.sql };
  });
}

/**
 * The cell's SQL (params already `$name`) with the referenced cells in front as CTEs. Without cells the text is
 * the cell's own, unchanged; with them the cell becomes a subquery, so a cell that has a WITH of its own still
 * composes.
 *
 * @example
 * composeCells('SELECT * FROM top', [{ name: 'top', sql: 'SELECT 1 AS a' }]).text;
 * // 'WITH top AS (\nSELECT 1 AS a\n)\nSELECT * FROM (\nSELECT * FROM top\n)'
 */
export function composeCells(cellSql: string, cells: CellSql[]): ComposedSql {
  if (!cells.length) return { text: cellSql, cellStart: 0, parts: [] };
  let text = 'WITH ';
  const parts: ComposedSql['parts'] = [];
  cells.forEach((cell, i) => {
    text += `${i ? ',\n' : ''}${cell.name} AS (\n`;
    const body = statementBody(namedParams(cell.sql));
    parts.push({ name: cell.name, start: text.length, end: text.length + body.length });
    text += `${body}\n)`;
  });
  text += '\nSELECT * FROM (\n';
  const cellStart = text.length;
  return { text: `${text}${statementBody(cellSql)}\n)`, cellStart, parts };
}

/** Line and column (1-based) of an offset in a text. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/**
 * A guard error whose details carry a `position` in the composed text, told in the cell's own text: details get
 * `{position, line, column}` there, or `{cell, line, column}` and a message naming the referenced cell whose SQL
 * has the mistake. Other errors pass unchanged.
 */
export function placeError(error: unknown, composed: ComposedSql, cellSql: string): unknown {
  if (!(error instanceof TierlabError)) return error;
  const details = error.details as { position?: number } | undefined;
  if (typeof details?.position !== 'number') return error;
  const at = details.position;
  if (at >= composed.cellStart) {
    const position = Math.min(at - composed.cellStart, cellSql.length);
    return new TierlabError(error.code, error.message, error.place, { ...details, position, ...lineColumn(cellSql, position) });
  }
  const part = composed.parts.find((p) => at >= p.start && at <= p.end);
  if (!part) return new TierlabError(error.code, error.message, error.place, { ...details, position: undefined });
  const local = composed.text.slice(part.start, part.end);
  const where = lineColumn(local, at - part.start);
  return new TierlabError(error.code, `in cell ${part.name} (line ${where.line}): ${error.message}`, error.place, { ...details, position: undefined, cell: part.name, ...where });
}
