import { badInput } from '../data/errors.ts';
import { Registry } from '../models/registry/registry.ts';
import type { RouteInput } from './context.ts';

/** Digits only: `Number()` would also read "1.0", "0x1", "1e0" and " 1" as version 1. */
function parseVersion(text: string): number {
  if (!/^[1-9]\d{0,8}$/.test(text)) throw badInput(`version must be a positive whole number, got "${text.slice(0, 50)}"`, { field: 'version' });
  return Number(text);
}

/** GET /api/models: every version with its headline figures. */
export async function listModels({ deps }: RouteInput) {
  const registry = new Registry(deps.home);
  const active = registry.active();
  const versions = registry.versions().map((version) => {
    const m = registry.manifest(version);
    return { version, created_at: m.created_at, active: version === active, backend: m.backend, as_of: m.data_snapshot?.as_of ?? null };
  });
  return { active, versions: versions.reverse() };
}

/** GET /api/models/:version: the full manifest. */
export async function getModel({ deps, params }: RouteInput) {
  const registry = new Registry(deps.home);
  const version = parseVersion(params.version);
  return { ...registry.manifest(version), active: registry.active() === version };
}

/**
 * Switches the served version: the registry's pointer, then the version's tables between requests
 * (server/serving.ts); on the write queue so no upload interleaves.
 */
export async function activateModel({ deps, params }: RouteInput) {
  const version = parseVersion(params.version);
  await deps.writes.run(async () => {
    new Registry(deps.home).activate(version);
    await deps.served.sync();
  });
  return { active: version };
}

/** POST /api/models/rollback: back to the version active before the current one. */
export async function rollbackModel({ deps }: RouteInput) {
  const active = await deps.writes.run(async () => {
    const version = new Registry(deps.home).rollback();
    await deps.served.sync();
    return version;
  });
  return { active };
}
