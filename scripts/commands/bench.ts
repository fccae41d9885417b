import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineCommand } from '../command.ts';
import { badInput } from '../../data/errors.ts';
import type { BenchOptions, BenchResult } from '../bench/result.ts';

const benchDir = join(import.meta.dirname, '..', 'bench');
const names = () =>
  readdirSync(benchDir)
    .filter((f) => f.endsWith('.ts') && f !== 'result.ts' && !f.startsWith('_'))
    .map((f) => f.slice(0, -3))
    .sort();

export default defineCommand({
  summary: 'Run the benchmarks (all, or the one named); each prints one JSON line last',
  usage: `
tierlab bench [NAME] [--sizes 100k,300k,1m]        (npm run bench -- NAME)

  --sizes LIST   the customer counts the scale bench runs (default 100k,300k,1m; k and m suffixes)

Runs every benchmark, or only NAME. Each prints progress on stderr and one JSON object as its last line:
{"bench","metric","value","unit","goal","met", ...details}. Benchmarks: see scripts/bench/.`,
  options: { sizes: { type: 'string' } },
  positionals: true,
  async run(values, positionals) {
    const available = names();
    const chosen = positionals.length ? positionals : available;
    for (const name of chosen) if (!available.includes(name)) throw badInput(`unknown benchmark "${name}"; known: ${available.join(', ')}`);
    for (const name of chosen) {
      const run = (await import(join(benchDir, `${name}.ts`))).default as (options: BenchOptions) => Promise<BenchResult>;
      const result = await run({ sizes: values.sizes });
      console.log(JSON.stringify(result));
    }
    // A missed goal is a finding reported in the JSON (`met`), not a failure of the command.
  },
});
