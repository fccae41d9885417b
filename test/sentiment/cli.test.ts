import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
// natural's main entry loads dotenv, which prints a banner on import: nothing on stdout may come from it.
const run = (args: string[]) => execFileSync('node', args, { cwd: root, encoding: 'utf8' });

describe('sentiment output stays clean JSON', () => {
  it('tierlab sentiment score prints only JSON on stdout', () => {
    const out = run(['scripts/tierlab.mjs', 'sentiment', 'score', '--text', 'great']);
    const result = JSON.parse(out);
    expect(result).toMatchObject({ label: 'positive', language: 'en', tokens: 1 });
  });

  it('importing the sentiment module directly (not through the bin) prints nothing', () => {
    const script = "const m = await import('./models/sentiment/index.ts'); console.log(JSON.stringify(m.defaultSentimentModel('en').score('awful')));";
    const out = run(['--import', 'tsx', '--input-type=module', '-e', script]);
    expect(JSON.parse(out)).toMatchObject({ label: 'negative' });
  });
});
