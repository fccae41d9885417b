import { userInfo } from 'node:os';
import { TierlabError } from '../data/errors.ts';
import { appendAudit } from '../server/audit.ts';
import { CLI_WORDING } from './command.ts';

/** The name a command run by hand is audited under: no token, the operating-system user. */
export const cliCaller = () => `cli:${userInfo().username}`;

/** Appends an admin action done by a command on the store itself (not through a server) to the audit log. */
export function auditAsCli(home: string, action: string, target: string | undefined, outcome: string): void {
  appendAudit(home, { token: cliCaller(), role: 'admin', action, target, outcome });
}

/**
 * Runs an admin action of a command and audits it: `describe` words the result (a retrain's decision), a throw
 * is recorded as `failed: <why>` and rethrown.
 */
export async function auditedCli<T>(home: string, action: string, target: string | undefined, work: () => Promise<T>, describe: (result: T) => string = () => 'ok'): Promise<T> {
  try {
    const result = await work();
    auditAsCli(home, action, target, describe(result));
    return result;
  } catch (error) {
    auditAsCli(home, action, target, `failed: ${error instanceof TierlabError ? error.describe(CLI_WORDING) : (error as Error).message}`);
    throw error;
  }
}
