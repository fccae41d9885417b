import { tierlabHome } from '../../data/paths.ts';
import { readAudit } from '../../server/audit.ts';
import { defineCommand } from '../command.ts';

export default defineCommand({
  summary: 'Print the audit log: who did which admin action when, and how it ended',
  usage: `
tierlab audit [--since DATE] [--json]

  --since DATE   only entries at or after DATE (2026-12-01, or a time: 2026-12-01T08:00:00Z)
  --json         one JSON object a line, as stored

Admin actions (ingest, train, activate, rollback, token create/revoke, workspace, destinations) through the API
or the CLI are appended to $TIERLAB_HOME/audit.jsonl with the time, the token's name and role, and the outcome.`,
  options: { since: { type: 'string' }, json: { type: 'boolean' } },
  async run(flags) {
    const entries = readAudit(tierlabHome(), flags.since);
    if (flags.json) {
      for (const entry of entries) console.log(JSON.stringify(entry));
      return;
    }
    if (!entries.length) console.log(flags.since ? `no admin actions since ${flags.since}` : 'no admin actions yet');
    for (const e of entries) console.log(`${e.time}  ${e.token} (${e.role})  ${e.action}${e.target ? ` ${e.target}` : ''}  ${e.outcome}`);
  },
});
