import { tierlabHome } from '../../data/paths.ts';
import { listRuns, recoverInterruptedRun } from '../../models/registry/retrain.ts';
import { defineCommand } from '../command.ts';

export default defineCommand({
  summary: 'List retraining runs: start, end, outcome, version, reason',
  usage: `
tierlab runs [--json] [--limit N]

Every retrain is recorded (promoted, kept or failed) with its figures and the reason for the decision. A retrain
whose process died (out of memory, killed, power lost) is recorded as failed: interrupted, with the stage it was in,
by the next retrain or by this command.`,
  options: { json: { type: 'boolean' }, limit: { type: 'string' } },
  async run(flags) {
    recoverInterruptedRun(tierlabHome());
    const runs = listRuns(tierlabHome()).slice(-(Number(flags.limit) || 20));
    if (flags.json) {
      console.log(JSON.stringify(runs));
      return;
    }
    if (!runs.length) console.log('no runs yet (tierlab retrain)');
    for (const r of runs) console.log(`${r.started_at}  ${r.outcome.padEnd(8)} v${r.version ?? '-'}  active ${r.active_before ?? '-'} -> ${r.active_after ?? '-'}  ${r.reason}`);
  },
});
