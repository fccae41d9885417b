import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { TierlabError } from '../../data/errors.ts';

/** Who holds the retrain lock: written when a run starts, its stage rewritten as the run moves on. */
export interface LockOwner {
  pid: number;
  run_id?: string;
  started_at?: string;
  stage?: string;
}

/** Is a process with this pid still running? (EPERM: it is, but belongs to another user.) */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock file's owner; older locks hold only the pid. */
function readOwner(path: string): LockOwner | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8').trim();
  try {
    const owner = JSON.parse(text) as LockOwner | number;
    return typeof owner === 'number' ? { pid: owner } : owner;
  } catch {
    return { pid: NaN };
  }
}

/**
 * Takes a stale lock (its owner died: heap abort, SIGKILL, power) away from `path`, returning who held it, so its
 * run can be recorded as interrupted. The rename makes exactly one caller the taker when several find it at once.
 * Undefined when the lock is free or its owner is alive.
 */
export function takeStaleLock(path: string): LockOwner | undefined {
  const owner = readOwner(path);
  if (!owner || (Number.isInteger(owner.pid) && owner.pid > 0 && alive(owner.pid))) return undefined;
  const taken = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, taken);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const held = readOwner(taken);
  rmSync(taken, { force: true });
  return held;
}

export interface RetrainLock {
  /** Records the stage the run is in, so a crash is reported with it. */
  stage(name: string): void;
  release(): void;
  /** The previous holder when it had died without releasing the lock (its run was interrupted). */
  interrupted?: LockOwner;
}

/**
 * An exclusive lock file holding the owner (pid, run, stage), so two retrains never overlap. A lock whose owner
 * died (killed mid-run) is taken over rather than blocking every later run, and handed back as `interrupted`.
 *
 * @example
 * const lock = acquireLock(join(home, 'retrain.lock'), { run_id });
 * try { lock.stage('churn'); ... } finally { lock.release(); }
 */
export function acquireLock(path: string, owner: Omit<LockOwner, 'pid'> = {}): RetrainLock {
  let interrupted: LockOwner | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      let current: LockOwner = { ...owner, pid: process.pid };
      writeSync(fd, `${JSON.stringify(current)}\n`);
      closeSync(fd);
      return {
        stage(name) {
          current = { ...current, stage: name };
          writeFileSync(path, `${JSON.stringify(current)}\n`);
        },
        release: () => rmSync(path, { force: true }),
        ...(interrupted && { interrupted }),
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const stale = takeStaleLock(path);
      if (stale) interrupted = stale;
      else {
        const holder = readOwner(path);
        if (holder) throw new TierlabError('busy', `another retrain is running (pid ${holder.pid}); try again when it has finished`);
      }
    }
  }
  throw new TierlabError('busy', 'could not take the retrain lock');
}
