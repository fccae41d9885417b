import { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { TierlabError } from '../errors.ts';
import type { ClickHouseConfig } from './config.ts';
import { parseTsvLine, tsvCell } from './tsv.ts';

export type Settings = ClickHouseSettings;

/** A ClickHouse failure as a named error; the message is the server's (it never holds the password). */
function failed(error: unknown, what: string): TierlabError {
  if (error instanceof TierlabError) return error;
  const message = (error as Error).message || String(error);
  return new TierlabError('failed', `ClickHouse ${what}: ${message.split('\n')[0]}`);
}

/**
 * The connection to the initiating ClickHouse node over HTTP (`@clickhouse/client`): results as TabSeparated
 * text, read as a stream of rows so a million customers never sit in memory at once.
 *
 * @example
 * const ch = await ClickHouse.connect(config);
 * const [[version]] = await ch.rows('SELECT version()');
 */
export class ClickHouse {
  private constructor(
    private readonly client: ClickHouseClient,
    readonly config: ClickHouseConfig,
    readonly version: string,
  ) {}

  static async connect(config: ClickHouseConfig): Promise<ClickHouse> {
    const client = createClient({
      url: config.url,
      database: config.database,
      username: config.username ?? 'default',
      password: config.password ?? '',
      request_timeout: config.requestTimeoutMs,
      application: 'tierlab',
      // Failures are raised as named errors (and reported once, by the caller), not also logged by the client.
      log: { level: ClickHouseLogLevel.OFF },
      // A feature query sends no row until it is done: progress headers keep the connection visibly alive meanwhile.
      clickhouse_settings: { send_progress_in_http_headers: 1, http_headers_progress_interval_ms: '10000' },
    });
    let version: string;
    try {
      const result = await client.query({ query: 'SELECT version()', format: 'TabSeparated' });
      version = (await result.text()).trim();
    } catch (error) {
      await client.close();
      throw failed(error, `at ${config.url} cannot be queried`);
    }
    return new ClickHouse(client, config, version);
  }

  /** Every row of a small result (metadata, cut points), values as text. */
  async rows(query: string, settings: Settings = {}): Promise<(string | null)[][]> {
    const out: (string | null)[][] = [];
    for await (const row of this.stream(query, settings)) out.push(row);
    return out;
  }

  /** The rows of a result one at a time, read from the HTTP response as it arrives. */
  async *stream(query: string, settings: Settings = {}): AsyncGenerator<(string | null)[]> {
    let result;
    try {
      result = await this.client.query({ query, format: 'TabSeparated', clickhouse_settings: settings });
    } catch (error) {
      throw failed(error, 'query failed');
    }
    try {
      for await (const batch of result.stream()) {
        for (const row of batch as { text: string }[]) yield parseTsvLine(row.text);
      }
    } catch (error) {
      throw failed(error, 'result stream failed');
    }
  }

  /** A statement without a result (DDL, INSERT ... SELECT). */
  async command(query: string, settings: Settings = {}): Promise<void> {
    try {
      await this.client.command({ query, clickhouse_settings: settings });
    } catch (error) {
      throw failed(error, 'statement failed');
    }
  }

  /** Streams rows into a table as TabSeparated text, one HTTP request for the whole table. */
  async insert(table: string, rows: AsyncIterable<(string | number | bigint | null)[]>, settings: Settings = {}): Promise<void> {
    async function* lines() {
      for await (const row of rows) yield `${row.map(tsvCell).join('\t')}\n`;
    }
    try {
      await this.client.insert({ table, values: Readable.from(lines(), { objectMode: false }), format: 'TabSeparated', clickhouse_settings: settings });
    } catch (error) {
      throw failed(error, `insert into ${table} failed`);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
