import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { TierlabError } from '../../data/errors.ts';

/** Is a process with this pid still running? (EPERM: it is, but belongs to another user.) */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An exclusive lock file holding the owner's pid, so two retrains never overlap. A lock whose owner died
 * (killed mid-run) is taken over rather than blocking every later run.
 *
 * @example
 * const release = acquireLock(join(home, 'retrain.lock'));
 * try { ... } finally { release(); }
 */
export function acquireLock(path: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(existsSync(path) ? readFileSync(path, 'utf8').trim() : NaN);
      if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
        throw new TierlabError('busy', `another retrain is running (pid ${owner}); try again when it has finished`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new TierlabError('busy', 'could not take the retrain lock');
}
