import { stream } from 'hono/streaming';
import { TierlabError } from '../../data/errors.ts';
import { appendAudit } from '../audit.ts';
import type { RouteInput, ServerCommandIO } from '../context.ts';
import type { CommandRequest } from '../contracts.ts';
import { LOCAL_CLI_NAME } from '../discovery.ts';
import { asTheWriter, onFork } from '../writer.ts';

/**
 * POST /api/commands: a `tierlab` command typed on this machine while the server holds the store. Only the local
 * credential of server.json (readable by the server's owner alone) may run one: a command runs as if typed on the
 * machine. The answer streams one JSON object a line: `{"stdout": text}`, `{"stderr": text}`, then
 * `{"exit": code}`. Paths in the command line are absolute (the command line resolves them where it was typed).
 */
export async function runCommand({ c, deps, caller, body }: RouteInput<{}, CommandRequest>) {
  if (caller?.name !== LOCAL_CLI_NAME) throw new TierlabError('forbidden', 'commands run only with the local credential of server.json, from this machine');
  const runner = deps.commands;
  if (!runner) throw new TierlabError('conflict', 'this server does not run commands (it was not started by `tierlab serve`)');
  // A read runs on the served version like any request, on a connection of its own.
  const withStore: ServerCommandIO['withStore'] = (mode, work) => (mode === 'read' ? deps.served.request(() => onFork(deps, work)) : asTheWriter(deps, work));
  return stream(c, async (out) => {
    const send = (line: object) => out.write(`${JSON.stringify(line)}\n`);
    let exit: number;
    try {
      exit = await runner(body.argv, { withStore, write: (name, text) => void send({ [name]: text }) });
    } catch (error) {
      // The runner reports a command's own failures; this is a failure of the runner itself.
      await send({ stderr: `tierlab: ${(error as Error).message}\n` });
      exit = 1;
    }
    appendAudit(deps.home, { token: caller.name, role: caller.role, action: 'command', target: body.argv.slice(0, 2).join(' '), outcome: exit === 0 ? 'ok' : `failed: exit ${exit}` });
    await send({ exit });
  });
}
