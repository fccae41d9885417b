/**
 * ClickHouse's TabSeparated text: one row a line, values split by tabs, `\N` for NULL, and backslash escapes
 * inside values (so a tab or a line break in an id never splits a row).
 */

const UNESCAPE: Record<string, string> = { b: '\b', f: '\f', r: '\r', n: '\n', t: '\t', '0': '\0', "'": "'", '\\': '\\' };

/**
 * One TSV line to its values; NULL (`\N`) becomes null.
 *
 * @example
 * parseTsvLine('C1\t\\N\ta\\tb') // ['C1', null, 'a\tb']
 */
export function parseTsvLine(line: string): (string | null)[] {
  return line.split('\t').map((cell) => {
    if (cell === '\\N') return null;
    if (!cell.includes('\\')) return cell;
    return cell.replace(/\\(.)/g, (_, c: string) => UNESCAPE[c] ?? c);
  });
}

/** One value as a TSV cell: NULL as `\N`, backslash, tab and line breaks escaped. */
export function tsvCell(value: string | number | bigint | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value !== 'string') return String(value);
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}
