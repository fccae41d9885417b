/**
 * A command typed while a server holds the store runs inside that server (`POST /api/commands`,
 * scripts/in-server.ts): the same code and output, on the server's store.
 */

import { isAbsolute, resolve } from 'node:path';
import { TierlabError } from '../data/errors.ts';
import { inServer } from './in-server.ts';
import { requestServer, runningServer, streamedParts, type Remote } from './remote.ts';

/**
 * The commands that open the store and have no API of their own to go through (ingest, retrain and history
 * call the API; models switches through the registry pointer): all of their actions, or the ones listed.
 */
const THROUGH_SERVER: Record<string, true | string[]> = {
  rfm: true,
  segment: true,
  churn: true,
  clv: true,
  campaign: true,
  sentiment: ['feedback', 'language'],
};

/** Flags whose value is a file: made absolute here, since the server does not run in this directory. */
const PATH_FLAGS = new Set(['rules', 'out', 'model', 'file']);

function flagValue(argv: string[], name: string): string | undefined {
  const at = argv.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (at < 0) return undefined;
  return argv[at].includes('=') ? argv[at].slice(argv[at].indexOf('=') + 1) : argv[at + 1];
}

/** The server a command line goes through, or undefined: it runs here (no server, another `--db`, `--help`). */
export function serverFor(name: string, argv: string[]): Remote | undefined {
  const actions = THROUGH_SERVER[name];
  if (!actions || inServer() || argv.includes('--help') || argv.includes('-h')) return undefined;
  const action = argv.find((arg) => !arg.startsWith('-'));
  if (actions !== true && !actions.includes(action ?? '')) return undefined;
  return runningServer(flagValue(argv, 'db'));
}

export function absolutePaths(argv: string[], cwd: string): string[] {
  return argv.map((arg, i) => {
    const flag = arg.match(/^--([\w-]+)=(.*)$/);
    if (flag && PATH_FLAGS.has(flag[1]) && !isAbsolute(flag[2])) return `--${flag[1]}=${resolve(cwd, flag[2])}`;
    const previous = argv[i - 1]?.match(/^--([\w-]+)$/);
    return previous && PATH_FLAGS.has(previous[1]) && !isAbsolute(arg) ? resolve(cwd, arg) : arg;
  });
}

/**
 * Runs the command line in the server and relays its output as it comes; answers its exit code.
 *
 * @example
 * const server = serverFor('rfm', []);
 * if (server) process.exitCode = await runThroughServer(server, ['rfm', '--json']);
 */
export async function runThroughServer(server: Remote, argv: string[]): Promise<number> {
  const response = await requestServer(server, 'POST', '/api/commands', { json: { argv: absolutePaths(argv, process.cwd()) } });
  for await (const part of streamedParts(response, '\n')) {
    const line = JSON.parse(part) as { stdout?: string; stderr?: string; exit?: number };
    if (line.stdout !== undefined) process.stdout.write(line.stdout);
    if (line.stderr !== undefined) process.stderr.write(line.stderr);
    if (line.exit !== undefined) return line.exit;
  }
  throw new TierlabError('unavailable', `the server at ${server.url} stopped before the command ended`);
}
