import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { notFound, TierlabError } from '../../data/errors.ts';
import { fsyncDir, stableJson, writeFileAtomic } from './files.ts';

/** What every version records about itself. */
export interface Manifest {
  version: number;
  created_at: string;
  /** The data the bundle was trained on. */
  data_snapshot: {
    as_of: string;
    from: string | null;
    to: string | null;
    rows: { customers: number; transactions: number; feedback: number };
    /** sha256 over the sorted content of the three tables: the same data gives the same hash. */
    content_hash: string;
  };
  config: Record<string, unknown>;
  libraries: Record<string, string>;
  backend: string;
  evaluation: Record<string, unknown>;
  drift?: unknown;
  migration?: unknown;
}

/**
 * The layout under `<home>/registry`:
 *   versions/0007/manifest.json, bundle.json   one folder a version, complete or absent
 *   ACTIVE                                     the active version number, switched by an atomic rename
 *   history.json                               the activation history, for rollback
 * A version folder appears by renaming a finished temp folder, so a crash mid-write leaves only a `.tmp-*`
 * folder, which readers ignore and the next write removes.
 */
export class Registry {
  readonly root: string;

  constructor(home: string) {
    this.root = join(home, 'registry');
    mkdirSync(join(this.root, 'versions'), { recursive: true });
  }

  private versionDir(version: number): string {
    return join(this.root, 'versions', String(version).padStart(4, '0'));
  }

  /** Complete versions, ascending. */
  versions(): number[] {
    return readdirSync(join(this.root, 'versions'))
      .filter((name) => /^\d{4,}$/.test(name))
      .map(Number)
      .sort((a, b) => a - b);
  }

  manifest(version: number): Manifest {
    const file = join(this.versionDir(version), 'manifest.json');
    if (!existsSync(file)) throw notFound(`model version ${version} does not exist`, { field: 'version' });
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  }

  bundle<T = unknown>(version: number): T {
    const file = join(this.versionDir(version), 'bundle.json');
    if (!existsSync(file)) throw notFound(`model version ${version} does not exist`, { field: 'version' });
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  }

  /** A version's folder: its manifest, bundle and per-customer outputs. */
  dir(version: number): string {
    return this.versionDir(version);
  }

  /**
   * Writes a new version atomically and returns its number. `extraFiles` are written into the version folder
   * by the callback before it becomes visible.
   */
  async write(manifest: Omit<Manifest, 'version'>, bundle: unknown, extraFiles?: (dir: string) => Promise<void>): Promise<number> {
    const versionsDir = join(this.root, 'versions');
    for (const name of readdirSync(versionsDir)) if (name.startsWith('.tmp-')) rmSync(join(versionsDir, name), { recursive: true, force: true });
    const version = (this.versions().at(-1) ?? 0) + 1;
    const temp = join(versionsDir, `.tmp-${randomBytes(6).toString('hex')}`);
    mkdirSync(temp);
    writeFileSync(join(temp, 'bundle.json'), JSON.stringify(bundle));
    if (extraFiles) await extraFiles(temp);
    // The manifest is written last: its presence is what makes a folder a complete version.
    writeFileAtomic(join(temp, 'manifest.json'), stableJson({ ...manifest, version }));
    fsyncDir(temp);
    renameSync(temp, this.versionDir(version));
    fsyncDir(versionsDir);
    return version;
  }

  /** Adds fields to a written version's manifest (e.g. the migration matrix, known only once it exists). */
  annotate(version: number, fields: Partial<Manifest>): void {
    const manifest = { ...this.manifest(version), ...fields, version };
    writeFileAtomic(join(this.versionDir(version), 'manifest.json'), stableJson(manifest));
  }

  /** The active version, or null before the first activation. */
  active(): number | null {
    const file = join(this.root, 'ACTIVE');
    if (!existsSync(file)) return null;
    const version = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(version) && version > 0 ? version : null;
  }

  private history(): number[] {
    const file = join(this.root, 'history.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as number[]) : [];
  }

  /** Makes `version` the active one: one atomic switch of the pointer. */
  activate(version: number): void {
    this.manifest(version);
    const history = this.history();
    if (history.at(-1) !== version) history.push(version);
    writeFileAtomic(join(this.root, 'history.json'), `${JSON.stringify(history)}\n`);
    writeFileAtomic(join(this.root, 'ACTIVE'), `${version}\n`);
  }

  /** Re-activates the version that was active before the current one. */
  rollback(): number {
    const history = this.history();
    const current = this.active();
    while (history.length && history.at(-1) === current) history.pop();
    const previous = history.at(-1);
    if (previous === undefined) throw new TierlabError('conflict', 'there is no earlier active version to roll back to');
    writeFileAtomic(join(this.root, 'history.json'), `${JSON.stringify(history)}\n`);
    writeFileAtomic(join(this.root, 'ACTIVE'), `${previous}\n`);
    return previous;
  }
}
