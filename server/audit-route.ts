import { TierlabError } from '../data/errors.ts';
import { appendAudit } from './audit.ts';
import { API_WORDING } from './middleware/errors/index.ts';
import type { Caller } from './auth.ts';
import type { RouteSpec } from './context.ts';

/**
 * Runs a route's work and, when the route is an admin action (`route.audit`), appends who did it and how it
 * ended to the audit log: `ok` (or the HTTP status when it is not 2xx), or `failed: <why>`.
 */
export async function auditedRun(route: RouteSpec, home: string, caller: Caller | undefined, params: Record<string, string>, work: () => Promise<Response>): Promise<Response> {
  if (!route.audit) return work();
  const entry = { token: caller?.name ?? 'anonymous', role: caller?.role ?? 'none', action: route.audit, target: params.kind ?? params.version ?? params.name ?? params.id };
  try {
    const response = await work();
    appendAudit(home, { ...entry, outcome: response.ok ? 'ok' : `failed: HTTP ${response.status}` });
    return response;
  } catch (error) {
    appendAudit(home, { ...entry, outcome: `failed: ${error instanceof TierlabError ? error.describe(API_WORDING) : (error as Error).message}` });
    throw error;
  }
}
