import { Registry } from '../../models/registry/registry.ts';
import { activateVersion, listVersions, parseVersion, rollbackVersion, type VersionSwitchOptions } from '../../services/model-versions.ts';
import type { ModelList, ModelManifest } from '../contracts.ts';
import type { AppDeps, RouteInput } from '../context.ts';
import { refuseDuringTraining } from '../writer.ts';

/** GET /api/models: every version, newest first (services/model-versions.ts; the figures are in each manifest). */
export async function listModels({ deps }: RouteInput): Promise<ModelList> {
  const { active, versions } = listVersions(deps.home);
  return { active, versions: versions.reverse().map(({ version, created_at, active, backend, as_of }) => ({ version, created_at, active, backend, as_of })) };
}

/** GET /api/models/:version: the full manifest. */
export async function getModel({ deps, params }: RouteInput): Promise<ModelManifest> {
  const registry = new Registry(deps.home);
  const version = parseVersion(params.version);
  return { ...registry.manifest(version), active: registry.active() === version };
}

/** Switching waits for no training job (the job may promote its own version). */
const switchAfterJob = () => 'switch versions when it has finished';

/** The server's way of putting a version's tables in place: between requests (server/serving.ts). */
const served = (deps: AppDeps): VersionSwitchOptions => ({
  home: deps.home,
  apply: async () => {
    deps.served.notice = null; // an operator's choice replaces a fallback made at start
    await deps.served.sync();
  },
});

/**
 * POST /api/models/:version/activate (services/model-versions.ts), on the writer, so no upload interleaves;
 * features and tiers are rebuilt when data came after the version.
 */
export async function activateModel({ deps, params }: RouteInput) {
  const version = parseVersion(params.version);
  refuseDuringTraining(deps, switchAfterJob);
  return { active: await deps.writes.run(() => activateVersion({ ...served(deps), version })) };
}

/** POST /api/models/rollback: back to the version active before the current one (checked like an activation). */
export async function rollbackModel({ deps }: RouteInput) {
  refuseDuringTraining(deps, switchAfterJob);
  return { active: await deps.writes.run(() => rollbackVersion(served(deps))) };
}
