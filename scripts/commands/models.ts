import { badInput, TierlabError } from '../../data/errors.ts';
import { tierlabHome } from '../../data/paths.ts';
import { applyOutputs } from '../../models/registry/outputs.ts';
import { Registry } from '../../models/registry/registry.ts';
import { activateVersion, listVersions, parseVersion, rollbackVersion, type VersionSwitchOptions } from '../../services/model-versions.ts';
import { auditedCli } from '../cli-audit.ts';
import { defineCommand } from '../command.ts';
import { withStore } from '../store-flag.ts';

export default defineCommand({
  summary: 'Model versions: list, show V, activate V, rollback',
  usage: `
tierlab models list [--json]
tierlab models show V         manifest: data snapshot, configuration, libraries, figures, drift, migration
tierlab models activate V     make V the active version (a running server switches without restart)
tierlab models rollback       re-activate the version active before the current one`,
  options: { json: { type: 'boolean' }, db: { type: 'string' } },
  positionals: true,
  async run(flags, [action = 'list', arg]) {
    const registry = new Registry(tierlabHome());
    const onStore: VersionSwitchOptions = {
      home: tierlabHome(),
      apply: async (v) => {
        try {
          await withStore(flags.db, (store) => applyOutputs(store, registry.dir(v), v));
        } catch (error) {
          if (!(error instanceof TierlabError && error.code === 'busy')) throw error;
          // The store is held by a running server: it sees the new pointer and switches before its next request.
          console.log('the running server switches to it before its next request');
        }
      },
    };
    switch (action) {
      case 'list': {
        const rows = listVersions(tierlabHome()).versions.map(({ version, active, created_at, as_of, figures }) => ({ version, active, created_at, as_of, ...figures }));
        if (flags.json) console.log(JSON.stringify(rows));
        else if (!rows.length) console.log('no versions yet (tierlab retrain)');
        else for (const r of rows) console.log(`${r.active ? '*' : ' '} v${r.version}  ${r.created_at}  as of ${r.as_of}  churn ROC-AUC ${r.churn_roc_auc?.toFixed(4) ?? '-'}  k=${r.clusters ?? '-'}`);
        return;
      }
      case 'show': {
        const { evaluation, ...manifest } = registry.manifest(parseVersion(arg));
        const { feature_profiles: _profiles, ...figures } = evaluation;
        console.log(JSON.stringify({ ...manifest, evaluation: figures }, null, flags.json ? undefined : 2));
        return;
      }
      case 'activate': {
        const v = parseVersion(arg);
        await auditedCli(tierlabHome(), 'activate', String(v), () => activateVersion({ ...onStore, version: v }));
        console.log(`version ${v} is active`);
        return;
      }
      case 'rollback': {
        const v = await auditedCli(tierlabHome(), 'rollback', undefined, () => rollbackVersion(onStore), (active) => `ok: version ${active} is active`);
        console.log(`rolled back: version ${v} is active`);
        return;
      }
      default:
        throw badInput(`unknown action "${action}"; use list, show, activate or rollback`);
    }
  },
});
