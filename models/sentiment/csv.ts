import { existsSync } from 'node:fs';
import { TierlabError, badInput } from '../../data/errors.ts';
import { Store, ident, literal } from '../../data/store.ts';

export interface LabelledTextsOptions {
  file: string;
  textCol: string;
  labelCol: string;
  /** The label value that counts as positive; every other value is 0. */
  positive: string;
}

export interface LabelledTexts {
  texts: string[];
  labels: Uint8Array;
}

/**
 * Reads text and label columns from a CSV with DuckDB (quoted fields may hold commas and line breaks).
 * Rows with an empty text are skipped.
 *
 * @example
 * const { texts, labels } = await readLabelledTexts({ file: 'reviews_train.csv', textCol: 'review', labelCol: 'score', positive: 'great' });
 */
export async function readLabelledTexts(options: LabelledTextsOptions): Promise<LabelledTexts> {
  if (!existsSync(options.file)) throw new TierlabError('not_found', 'no such file', { file: options.file });
  const store = await Store.open({ path: ':memory:' });
  try {
    const source = `read_csv(${literal(options.file)}, header = true, all_varchar = true)`;
    const columns = (await store.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE SELECT * FROM ${source})`)).map((c) => c.column_name);
    for (const column of [options.textCol, options.labelCol]) {
      if (!columns.includes(column)) {
        throw new TierlabError('missing_column', `no column "${column}" (columns: ${columns.join(', ')})`, { file: options.file, column });
      }
    }
    const rows = await store.all<{ text: string; label: string | null }>(
      `SELECT ${ident(options.textCol)} AS text, ${ident(options.labelCol)} AS label FROM ${source}
        WHERE coalesce(trim(${ident(options.textCol)}), '') <> ''`,
    );
    if (!rows.length) throw badInput('no rows with text', { file: options.file, column: options.textCol });
    return { texts: rows.map((r) => r.text), labels: Uint8Array.from(rows, (r) => (r.label === options.positive ? 1 : 0)) };
  } finally {
    store.close();
  }
}
