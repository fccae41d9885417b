/**
 * SQL text as DuckDB's parser splits it: code, and the parts where `:`, `$` and `;` mean nothing (string
 * literals '...' and E'...', dollar-quoted $tag$...$tag$, quoted names "...", -- and nested /* *\/ comments).
 * Pure functions, no DuckDB and no Node: the server finds a cell's parameters and statement body here, and the
 * web notebook the parameters and names its cells depend on, so both read a cell's text alike.
 */

export interface SqlSpan {
  kind: 'code' | 'quoted' | 'comment';
  start: number;
  end: number;
}

/** Where the quoted part or comment starting at `i` ends (exclusive), or undefined when `i` starts code. */
function quotedEnd(sql: string, i: number): number | undefined {
  const ch = sql[i];
  const next = sql[i + 1];
  if (ch === "'" || ch === '"') {
    // E'...' strings escape with a backslash; all others by doubling the quote.
    const backslash = ch === "'" && /[eE]/.test(sql[i - 1] ?? '') && !/[\w$]/.test(sql[i - 2] ?? '');
    for (let j = i + 1; j < sql.length; j++) {
      if (backslash && sql[j] === '\\') j++;
      else if (sql[j] === ch) {
        if (sql[j + 1] === ch) j++;
        else return j + 1;
      }
    }
    return sql.length;
  }
  if (ch === '-' && next === '-') {
    const end = sql.indexOf('\n', i);
    return end === -1 ? sql.length : end;
  }
  if (ch === '/' && next === '*') {
    let depth = 0;
    for (let j = i; j < sql.length; j++) {
      if (sql[j] === '/' && sql[j + 1] === '*') (depth++, j++);
      else if (sql[j] === '*' && sql[j + 1] === '/') {
        depth--;
        j++;
        if (depth === 0) return j + 1;
      }
    }
    return sql.length;
  }
  if (ch === '$' && !/[\w$]/.test(sql[i - 1] ?? '')) {
    const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 66));
    if (!tag) return undefined;
    const end = sql.indexOf(tag[0], i + tag[0].length);
    return end === -1 ? sql.length : end + tag[0].length;
  }
  return undefined;
}

/**
 * The spans of `sql`, in order, covering all of it.
 *
 * @example
 * sqlSpans("SELECT ';' -- x") // code 'SELECT ', quoted "';'", code ' ', comment '-- x'
 */
export function sqlSpans(sql: string): SqlSpan[] {
  const spans: SqlSpan[] = [];
  let codeStart = 0;
  for (let i = 0; i < sql.length; i++) {
    const end = quotedEnd(sql, i);
    if (end === undefined) continue;
    if (i > codeStart) spans.push({ kind: 'code', start: codeStart, end: i });
    spans.push({ kind: sql[i] === '-' || sql[i] === '/' ? 'comment' : 'quoted', start: i, end });
    codeStart = end;
    i = end - 1;
  }
  if (codeStart < sql.length) spans.push({ kind: 'code', start: codeStart, end: sql.length });
  return spans;
}

/**
 * The SQL text with its quoted parts and comments blanked out (same length), so a scan for parameters or names
 * sees code only.
 *
 * @example
 * sqlCode("SELECT 'a:b' -- :c") // "SELECT                 "
 */
export function sqlCode(sql: string): string {
  return sqlSpans(sql).map(({ kind, start, end }) => (kind === 'code' ? sql.slice(start, end) : ' '.repeat(end - start))).join('');
}

/**
 * The named parameters a SQL text uses, `:name` or `$name`, once each in order of first use; quoted parts,
 * comments and `::type` casts do not count.
 *
 * @example
 * sqlParamNames("SELECT * FROM t WHERE a > :k AND b = $threshold AND c::INT = 1 -- :ignored") // ['k', 'threshold']
 */
export function sqlParamNames(sql: string): string[] {
  return [...new Set([...sqlCode(sql).matchAll(/(?<![\w$:])[:$](?!:)([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]))];
}

/**
 * Rewrites `:name` parameters to DuckDB's `$name`, in code only (and leaving `::` casts alone).
 *
 * @example
 * namedParams("SELECT * FROM t WHERE a = :min AND b::INT > 0") // "... a = $min AND b::INT > 0"
 */
export function namedParams(sql: string): string {
  return sqlSpans(sql)
    .map(({ kind, start, end }) => {
      const text = sql.slice(start, end);
      if (kind !== 'code') return text;
      return text.replace(/(^|[^\w$:]):(?=[A-Za-z_])/g, '$1$');
    })
    .join('');
}

/**
 * The statement without its closing `;` and what follows it (blanks, comments), so it can be wrapped in a
 * subquery. Meant for text that holds one statement; everything after the first `;` in code is dropped.
 *
 * @example
 * statementBody('SELECT 1; -- done') // 'SELECT 1'
 */
export function statementBody(sql: string): string {
  for (const span of sqlSpans(sql)) {
    if (span.kind !== 'code') continue;
    const semicolon = sql.indexOf(';', span.start);
    if (semicolon !== -1 && semicolon < span.end) return sql.slice(0, semicolon);
  }
  return sql;
}
