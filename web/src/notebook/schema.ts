/** What SQL cells may read (`GET /api/sql/schema`): asked once a page load, shared by the editor and the schema browser. */
import type { SchemaTable } from '../../../server/contracts.ts';
import { api } from '../api.ts';

export type { SchemaTable };

let asked: Promise<SchemaTable[]> | undefined;

/**
 * The tables and views, fetched on first use; a failure is not kept, so the next call asks again.
 *
 * @example
 * const tables = await loadSchema();
 */
export function loadSchema(): Promise<SchemaTable[]> {
  asked ??= api<{ tables: SchemaTable[] }>('/api/sql/schema').then(
    (answer) => answer.tables,
    (error) => {
      asked = undefined;
      throw error;
    },
  );
  return asked;
}
