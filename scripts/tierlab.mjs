#!/usr/bin/env node
// The `tierlab` bin: registers tsx so the TypeScript sources run as they are, then hands over to the CLI.
import { register } from 'tsx/esm/api';

// natural 8 loads dotenv, which prints a line on import unless told to be quiet; JSON output must stay clean.
process.env.DOTENV_CONFIG_QUIET ??= 'true';
register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));
