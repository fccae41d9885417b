import { badInput } from '../../data/errors.ts';
import { Registry } from '../../models/registry/registry.ts';
import type { ModelList, ModelManifest } from '../contracts.ts';
import type { RouteInput } from '../context.ts';
import { refuseDuringTraining } from '../writer.ts';

/** Digits only: `Number()` would also read "1.0", "0x1", "1e0" and " 1" as version 1. */
function parseVersion(text: string): number {
  if (!/^[1-9]\d{0,8}$/.test(text)) throw badInput(`version must be a positive whole number, got "${text.slice(0, 50)}"`, { field: 'version' });
  return Number(text);
}

/** GET /api/models: every version with its headline figures. */
export async function listModels({ deps }: RouteInput): Promise<ModelList> {
  const registry = new Registry(deps.home);
  const active = registry.active();
  const versions = registry.versions().map((version) => {
    const m = registry.manifest(version);
    return { version, created_at: m.created_at, active: version === active, backend: m.backend, as_of: m.data_snapshot?.as_of ?? null };
  });
  return { active, versions: versions.reverse() };
}

/** GET /api/models/:version: the full manifest. */
export async function getModel({ deps, params }: RouteInput): Promise<ModelManifest> {
  const registry = new Registry(deps.home);
  const version = parseVersion(params.version);
  return { ...registry.manifest(version), active: registry.active() === version };
}

/** Switching waits for no training job (the job may promote its own version). */
const switchAfterJob = () => 'switch versions when it has finished';

/**
 * Switches the served version: checked first (a damaged version is a 409 naming what is wrong, and nothing
 * changes), then the registry's pointer, then the version's tables between requests (server/serving.ts), with
 * features and tiers rebuilt when data came after the version; on the writer, so no upload interleaves.
 */
export async function activateModel({ deps, params }: RouteInput) {
  const version = parseVersion(params.version);
  refuseDuringTraining(deps, switchAfterJob);
  await deps.writes.run(async () => {
    const registry = new Registry(deps.home);
    registry.checkIntact(version);
    registry.activate(version);
    deps.served.notice = null; // an operator's choice replaces a fallback made at start
    await deps.served.sync();
  });
  return { active: version };
}

/** POST /api/models/rollback: back to the version active before the current one (checked like an activation). */
export async function rollbackModel({ deps }: RouteInput) {
  refuseDuringTraining(deps, switchAfterJob);
  const active = await deps.writes.run(async () => {
    const registry = new Registry(deps.home);
    registry.checkIntact(registry.rollbackTarget());
    const version = registry.rollback();
    deps.served.notice = null;
    await deps.served.sync();
    return version;
  });
  return { active };
}
