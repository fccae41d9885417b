// Debian packages the test suite needs (chromium for the browser tests, clickhouse-server for the engine
// comparison), installed with apt when missing. Plain JavaScript: npm test runs it before anything is compiled.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Makes sure `binary` exists, installing Debian's `pkg` as root when it does not (waiting up to 10 minutes for
 * apt's lock, which another install may hold). Returns null when the binary is there, else why it is not.
 *
 * @example
 * const missing = ensureDebianPackage({ pkg: 'chromium', binary: '/usr/bin/chromium', why: 'the browser tests' });
 */
export function ensureDebianPackage({ pkg, binary, why }) {
  if (existsSync(binary)) return null;
  if (process.getuid?.() !== 0) return `${binary} is missing and only root can install it: apt-get install ${pkg} (for ${why})`;
  console.error(`Installing Debian ${pkg} for ${why}...`);
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', '-o', 'DPkg::Lock::Timeout=600', pkg], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch (error) {
    return `apt-get install ${pkg} failed (${error.message.split('\n')[0]})`;
  }
  return existsSync(binary) ? null : `apt-get install ${pkg} did not provide ${binary}`;
}
