import { parseArgs, type ParseArgsConfig } from 'node:util';
import { TierlabError, badInput, type OptionWording } from '../data/errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandSpec<O extends Options> {
  /** One line for `tierlab --help`. */
  summary: string;
  /** The usage block for `tierlab <command> --help`. */
  usage: string;
  options: O;
  /** Accepts positional arguments (sub-commands such as `models show 3`). */
  positionals?: boolean;
  run(values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>['values'], positionals: string[]): Promise<number | void>;
}

export interface Command {
  summary: string;
  usage: string;
  main(argv: string[]): Promise<number>;
}

/**
 * Declares a CLI command: flags parsed strictly (an unknown flag is an error naming it), `--help` on each.
 *
 * @example
 * export default defineCommand({ summary: 'Say hello', usage: 'tierlab hello [--name N]',
 *   options: { name: { type: 'string' } }, async run({ name }) { console.log(`hello ${name}`); } });
 */
export function defineCommand<O extends Options>(spec: CommandSpec<O>): Command {
  return {
    summary: spec.summary,
    usage: spec.usage,
    async main(argv) {
      if (argv.includes('--help') || argv.includes('-h')) {
        console.log(spec.usage.trim());
        return 0;
      }
      let parsed;
      try {
        parsed = parseArgs({ args: argv, options: spec.options, allowPositionals: true, strict: true });
      } catch (error) {
        throw badInput(`${(error as Error).message}\n\n${spec.usage.trim()}`);
      }
      if (!spec.positionals && parsed.positionals.length) throw badInput(`unexpected argument ${parsed.positionals[0]}`);
      return (await spec.run(parsed.values, parsed.positionals)) ?? 0;
    },
  };
}

/** Parses a numeric flag, naming the flag when it is not a number. */
export function numberFlag(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw badInput(`--${flag} must be a number, got "${value}"`, { field: flag });
  return n;
}

const flag = (option: string) => `--${option.replaceAll('_', '-')}`;

/** Options as a terminal names them: `--skip-bad-rows`, `--map source=field`. */
export const CLI_WORDING: OptionWording = { on: flag, named: (option, value) => (value ? `${flag(option)} ${value}` : flag(option)) };

/** Prints a failure the way a user wants it: what and where, no stack. */
export function reportFailure(error: unknown): number {
  if (error instanceof TierlabError) {
    console.error(`tierlab: ${error.describe(CLI_WORDING)}`);
    // 75 (EX_TEMPFAIL): busy, try again later - what cron wrappers expect for "another run holds the lock".
    return error.code === 'busy' ? 75 : 2;
  }
  console.error(`tierlab: ${(error as Error)?.stack ?? String(error)}`);
  return 1;
}
