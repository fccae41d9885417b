import { badInput } from '../data/errors.ts';
import { Registry } from '../models/registry/registry.ts';
import { figuresOf, type VersionFigures } from '../models/registry/retrain.ts';

/**
 * The model versions, once: listing them and switching the served one (`tierlab models list|activate|rollback`,
 * `GET /api/models`, `POST /api/models/:version/activate|rollback`). A switch checks the version intact first
 * (a damaged one is a conflict naming what is wrong, and nothing changes), then the registry's pointer moves,
 * then the version's tables are put in place by the front's own means (the CLI on the store, the server
 * between requests).
 */

/**
 * A version number as typed (a path segment, a command's argument): digits only, since `Number()` would also
 * read "1.0", "0x1", "1e0" and " 1" as version 1.
 *
 * @example
 * parseVersion('3'); // 3
 * parseVersion('v3'); // throws bad_input on field version
 */
export function parseVersion(text: string | undefined): number {
  if (text === undefined || !/^[1-9]\d{0,8}$/.test(text)) throw badInput(`version must be a positive whole number, got "${(text ?? '').slice(0, 50)}"`, { field: 'version' });
  return Number(text);
}

/** One version as the lists show it. */
export interface VersionSummary {
  version: number;
  active: boolean;
  created_at: string;
  /** The cutoff it was trained at. */
  as_of: string;
  backend: string;
  /** Its headline figures (churn ROC-AUC and log loss, k, the gate's comparison). */
  figures: VersionFigures;
}

/**
 * Every version, oldest first, and the active one: `tierlab models list`, `GET /api/models`.
 *
 * @example
 * const { active, versions } = listVersions(home);
 */
export function listVersions(home: string): { active: number | null; versions: VersionSummary[] } {
  const registry = new Registry(home);
  const active = registry.active();
  const versions = registry.versions().map((version) => {
    const m = registry.manifest(version);
    return { version, active: version === active, created_at: m.created_at, as_of: m.data_snapshot.as_of, backend: m.backend, figures: figuresOf(m) };
  });
  return { active, versions };
}

export interface VersionSwitchOptions {
  /** The runtime folder holding the registry. */
  home: string;
  /** Puts the now-active version's tables in place. */
  apply: (version: number) => Promise<void>;
}

/**
 * Makes `version` the active one and applies its tables; answers the version.
 *
 * @example
 * await activateVersion({ home, version: 3, apply: (v) => applyOutputs(store, registry.dir(v), v) });
 */
export async function activateVersion(options: VersionSwitchOptions & { version: number }): Promise<number> {
  const { version } = options;
  const registry = new Registry(options.home);
  registry.checkIntact(version);
  registry.activate(version);
  await options.apply(version);
  return version;
}

/**
 * Back to the version active before the current one (checked like an activation); answers that version.
 *
 * @example
 * const active = await rollbackVersion({ home, apply });
 */
export async function rollbackVersion(options: VersionSwitchOptions): Promise<number> {
  const registry = new Registry(options.home);
  registry.checkIntact(registry.rollbackTarget());
  const version = registry.rollback();
  await options.apply(version);
  return version;
}
