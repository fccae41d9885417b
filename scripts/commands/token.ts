import { badInput } from '../../data/errors.ts';
import { tierlabHome } from '../../data/paths.ts';
import { parseRole, ROLES, TokenStore } from '../../server/auth.ts';
import { defineCommand } from '../command.ts';

export default defineCommand({
  summary: 'Create an API token for a role (printed once; only its hash is kept)',
  usage: `
tierlab token create --role ${ROLES.join('|')}

  --role R   admin: everything; analyst: read everything, SQL, notebooks; retention: customer lookups,
             at-risk lists, sentiment

Prints the token on stdout. Tokens live hashed in $TIERLAB_HOME/tokens.json.`,
  options: { role: { type: 'string' } },
  positionals: true,
  async run(flags, positionals) {
    if (positionals[0] !== 'create' || positionals.length !== 1) throw badInput(`token needs an action: create, got "${positionals.join(' ')}" (tierlab token --help)`);
    const role = parseRole(flags.role);
    console.log(new TokenStore(tierlabHome()).create(role));
  },
});
