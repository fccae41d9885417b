#!/usr/bin/env node
// `npm test`: makes sure the browser tests have Debian's chromium and the engine comparison has Debian's
// clickhouse-server, runs the whole Vitest suite with its JSON reporter, and closes with the line CI reads:
// "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ensureDebianPackage } from './debian.mjs';

const noChromium = ensureDebianPackage({ pkg: 'chromium', binary: '/usr/bin/chromium', why: 'the browser tests' });
if (noChromium) {
  console.error(`npm test needs chromium: ${noChromium}`);
  process.exit(1);
}
// Without it the ClickHouse comparison (test/engines) skips and says why; everything else still runs.
const noClickHouse = ensureDebianPackage({ pkg: 'clickhouse-server', binary: '/usr/sbin/clickhouse-server', why: 'the ClickHouse engine tests' });
if (noClickHouse) console.error(`The ClickHouse engine tests will be skipped: ${noClickHouse}`);

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
