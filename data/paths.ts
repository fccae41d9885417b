import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The runtime folder holds the embedded store, the model registry, tokens and run logs.
 * `TIERLAB_HOME` overrides it; the default sits in the project root and is git-ignored.
 */
export function tierlabHome(): string {
  const home = resolve(process.env.TIERLAB_HOME ?? join(import.meta.dirname, '..', '.tierlab'));
  mkdirSync(home, { recursive: true });
  return home;
}

/** The default DuckDB file, unless `--db` names another. */
export function defaultDbPath(): string {
  return join(tierlabHome(), 'tierlab.duckdb');
}

/** The real public data sets beside the project root (present in CI, maybe not in another clone). */
export const sharedDataDir = resolve(import.meta.dirname, '..', '..', 'shared', 'data');
