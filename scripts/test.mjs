#!/usr/bin/env node
// `npm test`: makes sure the browser tests have Debian's chromium, runs the whole Vitest suite with its JSON
// reporter, and closes with the line CI reads: "N passed, N failed".
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const chromium = '/usr/bin/chromium';
if (!existsSync(chromium)) {
  if (process.getuid?.() !== 0) {
    console.error(`npm test needs ${chromium} for the browser tests: run as root, or apt-get install chromium`);
    process.exit(1);
  }
  console.error('Installing Debian chromium for the browser tests (about 20 s)...');
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', '-o', 'DPkg::Lock::Timeout=600', 'chromium'], { stdio: 'inherit' });
}

mkdirSync('test-output', { recursive: true });
const report = 'test-output/vitest.json';
rmSync(report, { force: true }); // never read an old run's figures
const vitest = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests ?? 0;
  // A file that fails to load runs no test; it still counts as a failure.
  const loadErrors = (json.testResults ?? []).filter((r) => r.status === 'failed' && !r.assertionResults?.some((a) => a.status === 'failed')).length;
  failed = (json.numFailedTests ?? 0) + loadErrors;
}
// Vitest failing without a report (or without a failed test in it) is still a failure.
if (vitest.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
