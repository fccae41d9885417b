import { badInput } from '../../data/errors.ts';
import { tierlabHome } from '../../data/paths.ts';
import { parseRole, ROLES, TokenStore, type TokenInfo } from '../../server/auth.ts';
import { defineCommand } from '../command.ts';
import { auditAsCli } from '../cli-audit.ts';

function table(tokens: TokenInfo[]): string {
  if (!tokens.length) return 'no tokens (tierlab token create --role admin)';
  const rows = [['NAME', 'ROLE', 'CREATED', 'LAST USED', 'EXPIRES'], ...tokens.map((t) => [t.name, t.role, t.created_at, t.last_used_at ?? 'never', t.expires_at ?? 'never'])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

export default defineCommand({
  summary: 'API tokens: create (printed once; only its hash is kept), list, revoke',
  usage: `
tierlab token create --role ${ROLES.join('|')} [--name N] [--expires 30d]
tierlab token list [--json]
tierlab token revoke NAME

  --role R      admin: everything; analyst: read everything, SQL, notebooks; retention: customer lookups,
                at-risk lists, sentiment
  --name N      unique; default <role>-<8 hex>
  --expires D   30d, 12h, 45m or a date (2026-12-31); default never. Expired tokens get 401.

create prints the token on stdout. list shows name, role, created, last used and expiry, never the secret.
Tokens live hashed in $TIERLAB_HOME/tokens.json; a running server sees a change at its next request.`,
  options: { role: { type: 'string' }, name: { type: 'string' }, expires: { type: 'string' }, json: { type: 'boolean' } },
  positionals: true,
  async run(flags, positionals) {
    const [action, ...rest] = positionals;
    const home = tierlabHome();
    const tokens = new TokenStore(home);
    if (action === 'create' && !rest.length) {
      const { token, info } = tokens.issue(parseRole(flags.role), { name: flags.name, expires: flags.expires });
      auditAsCli(home, 'token.create', info.name, 'ok');
      console.log(token);
    } else if (action === 'list' && !rest.length) {
      console.log(flags.json ? JSON.stringify(tokens.list()) : table(tokens.list()));
    } else if (action === 'revoke' && rest.length === 1) {
      tokens.revoke(rest[0]);
      auditAsCli(home, 'token.revoke', rest[0], 'ok');
      process.stderr.write(`revoked ${rest[0]}\n`);
    } else {
      throw badInput(`token needs an action: create, list or revoke NAME, got "${positionals.join(' ')}" (tierlab token --help)`);
    }
  },
});
