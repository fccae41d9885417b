import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from './command.ts';
import { reportFailure } from './command.ts';
import { runThroughServer, serverFor } from './remote-command.ts';

const commandsDir = join(import.meta.dirname, 'commands');

/** One command a file in scripts/commands: the file name is the command name. */
function commandNames(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function load(name: string): Promise<Command> {
  return (await import(join(commandsDir, `${name}.ts`))).default as Command;
}

async function help(): Promise<void> {
  const lines = ['Usage: tierlab <command> [options]   (tierlab <command> --help for its options)', '', 'Commands:'];
  for (const name of commandNames()) lines.push(`  ${name.padEnd(12)} ${(await load(name)).summary}`);
  console.log(lines.join('\n'));
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    await help();
    return name ? 0 : 2;
  }
  if (!commandNames().includes(name)) {
    console.error(`tierlab: unknown command "${name}"; try tierlab --help`);
    return 2;
  }
  try {
    const server = serverFor(name, rest);
    if (server) return await runThroughServer(server, argv);
    return await (await load(name)).main(rest);
  } catch (error) {
    return reportFailure(error);
  }
}
