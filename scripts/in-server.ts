/**
 * A command run inside the server (`POST /api/commands`): the same command code as on a terminal, with the
 * server's store and its output sent back to the terminal that typed it.
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import type { CommandRunner, ServerCommandIO } from '../server/context.ts';

const running = new AsyncLocalStorage<ServerCommandIO>();

/** The server's side of the command running in this async context, or undefined on a terminal. */
export const inServer = (): ServerCommandIO | undefined => running.getStore();

let routed = false;

/**
 * Commands print with console.log and process.stderr.write, as they do on a terminal. Inside the server, what a
 * command prints in its own async context goes to its caller; everything else (the request log) as before.
 */
function routeOutput(): void {
  if (routed) return;
  routed = true;
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name];
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const io = running.getStore();
      if (!io) return write(chunk, ...rest);
      io.write(name, typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof stream.write;
  }
}

/**
 * The server's command runner over the CLI's own entry point.
 *
 * @example
 * await startServer({ store, home, commands: runnerFor(main) });
 */
export function runnerFor(main: (argv: string[]) => Promise<number>): CommandRunner {
  return (argv, io) => {
    routeOutput();
    return running.run(io, () => main(argv));
  };
}
