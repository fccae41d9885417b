import { clickhouseConfigFromEnv } from '../../data/clickhouse/config.ts';
import { badInput } from '../../data/errors.ts';
import { ClickHouseEngine } from './clickhouse.ts';
import { duckdbEngine } from './duckdb.ts';
import { ENGINE_NAMES, type Engine, type EngineName, type EngineProgress } from './types.ts';

export { ENGINE_NAMES, type ChurnLabel, type Engine, type EngineName, type EngineProgress } from './types.ts';
export { duckdbEngine } from './duckdb.ts';

export interface OpenEngineOptions {
  /** `duckdb` or `clickhouse`. Default: env TIERLAB_ENGINE, else duckdb. */
  name?: string;
  /** Where the ClickHouse settings come from (README: "Past one machine"). Default process.env. */
  env?: NodeJS.ProcessEnv;
  onProgress?: (progress: EngineProgress) => void;
}

/** The engine named by the option or by TIERLAB_ENGINE, checked. */
export function engineName(name: string | undefined, env: NodeJS.ProcessEnv = process.env): EngineName {
  const chosen = name ?? env.TIERLAB_ENGINE ?? 'duckdb';
  if (!ENGINE_NAMES.includes(chosen as EngineName)) {
    throw badInput(`the engine must be one of ${ENGINE_NAMES.join(', ')}, got "${chosen}"`, { field: name === undefined ? 'TIERLAB_ENGINE' : 'engine' });
  }
  return chosen as EngineName;
}

/**
 * Opens the configured engine: the embedded DuckDB one, or a connection to ClickHouse with the tables checked.
 *
 * @example
 * const engine = await openEngine({ name: 'clickhouse' });
 * try { await engine.buildFeatures(store); await engine.buildTiers(store); } finally { await engine.close(); }
 */
export async function openEngine(options: OpenEngineOptions = {}): Promise<Engine> {
  const env = options.env ?? process.env;
  if (engineName(options.name, env) === 'duckdb') return duckdbEngine;
  return ClickHouseEngine.open(clickhouseConfigFromEnv(env), { onProgress: options.onProgress });
}

/** Runs `work` with the engine open and always closes it. */
export async function withEngine<T>(options: OpenEngineOptions, work: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await openEngine(options);
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}
