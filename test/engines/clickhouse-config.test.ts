import { describe, expect, it } from 'vitest';
import { clickhouseConfigFromEnv } from '../../data/clickhouse/config.ts';

const URL_ONLY = { TIERLAB_CLICKHOUSE_URL: 'http://127.0.0.1:8123' };

describe('the ClickHouse settings from the environment', () => {
  it('reads a table mapping written as for --map into field -> source column, the one shape of a mapping', () => {
    const config = clickhouseConfigFromEnv({ ...URL_ONLY, TIERLAB_CLICKHOUSE_TRANSACTIONS_MAP: 'Amount=amount,Client=customer_id' });
    expect(config.transactions.mapping).toEqual({ amount: 'Amount', customer_id: 'Client' });
  });

  it('names the variable, not a command-line flag, in a mapping error', () => {
    expect(() => clickhouseConfigFromEnv({ ...URL_ONLY, TIERLAB_CLICKHOUSE_TRANSACTIONS_MAP: 'oops' })).toThrow(
      'TIERLAB_CLICKHOUSE_TRANSACTIONS_MAP entry "oops" is not source=field',
    );
    expect(() => clickhouseConfigFromEnv({ ...URL_ONLY, TIERLAB_CLICKHOUSE_TRANSACTIONS_MAP: 'A=amount,B=amount' })).toThrow(
      'TIERLAB_CLICKHOUSE_TRANSACTIONS_MAP maps both "A" and "B" to amount',
    );
  });
});
