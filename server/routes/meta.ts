import { activeEvaluation } from './analytics.ts';
import type { RouteInput } from '../context.ts';

/**
 * GET /api/health: liveness plus what is being served; `notice` says when that is not what was asked for (a
 * damaged active version replaced by the newest intact one at start).
 */
export async function health({ deps }: RouteInput) {
  const active = activeEvaluation(deps);
  // A plain count, not the customer cache: health must answer at once, even while the cache rebuilds.
  const customers = (await deps.store.one<{ n: number }>('SELECT count(*) AS n FROM customers'))?.n ?? 0;
  const version = deps.served.version;
  return { status: deps.served.notice ? 'degraded' : 'ok', model_version: version === null ? null : String(version), customers, backend: active?.manifest.backend ?? null, notice: deps.served.notice };
}

export async function me({ role }: RouteInput) {
  return { role };
}
