import { sqlCode, sqlParamNames } from '../../../services/sql-text.ts';
import type { Cell, InputCell, Notebook } from './model.ts';

/**
 * The bare words of a SQL text's code (names and keywords; not params, not `t.column` parts), where a cell can
 * be named as a table.
 *
 * @example
 * sqlCodeWords("SELECT a FROM top t WHERE t.b = :k AND c = 'x'"); // ['SELECT', 'a', 'FROM', 'top', 't', 'WHERE', 't', 'AND', 'c']
 */
export function sqlCodeWords(sql: string): string[] {
  return [...sqlCode(sql).matchAll(/(?<![:$\w.])[A-Za-z_][A-Za-z0-9_]*/g)].map((m) => m[0]);
}

/** A view param value that names an input: `$k` or `:k`. */
function reference(value: string | number): string | undefined {
  return typeof value === 'string' ? /^[:$]([A-Za-z_][A-Za-z0-9_]*)$/.exec(value)?.[1] : undefined;
}

/**
 * The input names a cell depends on: those in its SQL, or those its view params refer to.
 *
 * @example
 * cellInputs({ id: 'a', kind: 'sql', source: 'SELECT :k' }); // ['k']
 */
export function cellInputs(cell: Cell): string[] {
  if (cell.kind === 'sql') return sqlParamNames(cell.source);
  if (cell.kind === 'view') return Object.values(cell.options.params).flatMap((v) => reference(v) ?? []);
  return [];
}

/** Current input values by name. */
export type InputValues = Record<string, string | number>;

/** The values of all input cells of a notebook. */
export function inputValues(notebook: Notebook): InputValues {
  const values: InputValues = {};
  for (const cell of notebook.cells) if (cell.kind === 'input') values[cell.name] = (cell as InputCell).value;
  return values;
}

/**
 * The params a SQL cell sends: only the names its text uses (the server rejects unused ones), from the inputs.
 *
 * @example
 * sqlParamValues('SELECT :k', { k: 4, other: 1 }); // { k: 4 }
 */
export function sqlParamValues(sql: string, inputs: InputValues): InputValues {
  const params: InputValues = {};
  for (const name of sqlParamNames(sql)) if (name in inputs) params[name] = inputs[name];
  return params;
}

/**
 * A view's params with input references replaced by the inputs' values; unknown references are left out.
 *
 * @example
 * resolveViewParams({ min_risk: '$threshold', limit: 50 }, { threshold: 0.6 }); // { min_risk: 0.6, limit: 50 }
 */
export function resolveViewParams(params: Record<string, string | number>, inputs: InputValues): InputValues {
  const resolved: InputValues = {};
  for (const [key, value] of Object.entries(params)) {
    const name = reference(value);
    if (name === undefined) resolved[key] = value;
    else if (name in inputs) resolved[key] = inputs[name];
  }
  return resolved;
}
