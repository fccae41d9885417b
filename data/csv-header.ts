/**
 * The header row of a CSV file and its delimiter, from the file's first bytes. Pure (no file access), so the
 * server's ingest and the browser's upload form read headers the same way.
 */

const DELIMITERS = [',', ';', '\t', '|'];

/** Splits one CSV line on `delimiter`, honouring double quotes; fields are trimmed. */
export function splitCsvLine(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) fields.push(field), (field = '');
    else field += ch;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

/**
 * The first line's columns, with the delimiter that splits it into the most fields.
 *
 * @example
 * parseCsvHeader('id;"name, full";age\n1;x;2'); // { delimiter: ';', columns: ['id', 'name, full', 'age'] }
 */
export function parseCsvHeader(head: string): { delimiter: string; columns: string[] } {
  const line = head.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
  const count = (d: string) => splitCsvLine(line, d).length;
  const delimiter = DELIMITERS.reduce((best, d) => (count(d) > count(best) ? d : best), DELIMITERS[0]);
  return { delimiter, columns: splitCsvLine(line, delimiter) };
}
