import { describeSchema } from '../../services/sql-schema.ts';
import type { SchemaTable } from '../contracts.ts';
import type { RouteInput } from '../context.ts';

/**
 * GET /api/sql/schema: the tables and views a SQL cell may read (services/sql-schema.ts); worked out once per
 * data change (an upload or a version switch empties the cache).
 */
export async function getSqlSchema({ deps }: RouteInput): Promise<{ tables: SchemaTable[] }> {
  return deps.customers.memo('sql-schema', async () => {
    const connection = await deps.store.instance.connect();
    try {
      return { tables: await describeSchema(connection) };
    } finally {
      connection.closeSync();
    }
  });
}
