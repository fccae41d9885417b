import { execFileSync } from 'node:child_process';
import { progress } from './result.ts';

/** Debian's python3-sklearn installs for this interpreter; the python3 first on PATH may be another build. */
const PYTHON = '/usr/bin/python3';

function ensureSklearn(): void {
  try {
    execFileSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' });
  } catch {
    progress('installing python3-sklearn for the comparison');
    execFileSync('apt-get', ['install', '-y', '-o', 'DPkg::Lock::Timeout=600', 'python3-sklearn'], { stdio: 'inherit' });
  }
}

/**
 * Runs an anchor script with scikit-learn (installed when missing) and parses the JSON of its last line.
 *
 * @example
 * const figures = runSklearn<{ ms: number }>(SCRIPT, [csvPath]);
 */
export function runSklearn<T>(script: string, args: string[]): T {
  ensureSklearn();
  const out = execFileSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}
