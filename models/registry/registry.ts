import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { notFound, TierlabError } from '../../data/errors.ts';
import { fsyncDir, stableJson, writeFileAtomic } from './files.ts';
import { MANIFEST_FORMAT, parseManifest, type Manifest } from './manifest.ts';

export type { Manifest };

/** Per-customer outputs a version trained without a file list must have, by the evaluation it recorded. */
const OUTPUTS_BY_STAGE: [stage: '' | 'segmentation' | 'churn' | 'clv', file: string][] = [
  ['', 'customer_features.parquet'],
  ['', 'customer_rfm.parquet'],
  ['segmentation', 'customer_clusters.parquet'],
  ['churn', 'customer_churn.parquet'],
  ['clv', 'customer_clv.parquet'],
];

function fileRecord(path: string): { bytes: number; sha256: string } {
  const content = readFileSync(path);
  return { bytes: content.length, sha256: createHash('sha256').update(content).digest('hex') };
}

/**
 * The layout under `<home>/registry`:
 *   versions/0007/manifest.json, bundle.json   one folder a version, complete or absent
 *   ACTIVE                                     the active version number, switched by an atomic rename
 *   LAST                                       the highest version number ever written: numbers are never reused
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

  /** A version's manifest, parsed and checked (models/registry/manifest.ts); a 409 when it cannot be read. */
  manifest(version: number): Manifest {
    const json = this.readJson<unknown>(version, 'manifest.json');
    try {
      return parseManifest(json);
    } catch (error) {
      throw new TierlabError('conflict', `model version ${version} is damaged: its manifest.json cannot be used: ${(error as Error).message}`, { field: 'version' });
    }
  }

  bundle<T = unknown>(version: number): T {
    return this.readJson<T>(version, 'bundle.json');
  }

  private readJson<T>(version: number, name: string): T {
    const file = join(this.versionDir(version), name);
    if (!existsSync(file)) throw notFound(`model version ${version} does not exist${name === 'manifest.json' ? '' : ` (its ${name} is missing)`}`, { field: 'version' });
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as T;
    } catch {
      throw new TierlabError('conflict', `model version ${version} is damaged: its ${name} is not readable JSON`, { field: 'version' });
    }
  }

  /**
   * What is wrong with a version, in words; empty when it can be served. Checks the manifest and bundle can be
   * read and every file the manifest lists is there with its size and content (versions written before files
   * were listed: the outputs their evaluation implies).
   *
   * @example
   * registry.problems(3); // ['customer_churn.parquet is missing']
   */
  problems(version: number): string[] {
    const dir = this.versionDir(version);
    if (!existsSync(dir)) return ['the version folder does not exist'];
    const unreadable = ['manifest.json', 'bundle.json'].flatMap((name) => {
      const path = join(dir, name);
      if (!existsSync(path)) return [`${name} is missing`];
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        return [`${name} is not readable JSON`];
      }
      try {
        if (name === 'manifest.json') parseManifest(json);
        return [];
      } catch (error) {
        return [`${name} cannot be used: ${(error as Error).message}`];
      }
    });
    if (unreadable.length) return unreadable;
    const manifest = this.manifest(version);
    const expected = manifest.files
      ? Object.entries(manifest.files)
      : OUTPUTS_BY_STAGE.filter(([stage]) => !stage || manifest.evaluation[stage]).map(([, file]) => [file, undefined] as const);
    const problems: string[] = [];
    for (const [name, record] of expected) {
      const path = join(dir, name);
      if (!existsSync(path)) problems.push(`${name} is missing`);
      else if (record && statSync(path).size !== record.bytes) problems.push(`${name} has ${statSync(path).size} bytes, not the ${record.bytes} written`);
      else if (record && fileRecord(path).sha256 !== record.sha256) problems.push(`${name} differs from the file written`);
    }
    return problems;
  }

  /** Throws a 409 naming what is wrong when a version cannot be served. */
  checkIntact(version: number): void {
    if (!existsSync(this.versionDir(version))) throw notFound(`model version ${version} does not exist`, { field: 'version' });
    const problems = this.problems(version);
    if (problems.length) throw new TierlabError('conflict', `model version ${version} is damaged: ${problems.join('; ')}`, { field: 'version' }, { problems });
  }

  /** A version's folder: its manifest, bundle and per-customer outputs. */
  dir(version: number): string {
    return this.versionDir(version);
  }

  /**
   * Writes a new version atomically and returns its number. `extraFiles` are written into the version folder
   * by the callback before it becomes visible.
   */
  async write(manifest: Omit<Manifest, 'version' | 'format'>, bundle: unknown, extraFiles?: (dir: string) => Promise<void>): Promise<number> {
    const versionsDir = join(this.root, 'versions');
    for (const name of readdirSync(versionsDir)) if (name.startsWith('.tmp-')) rmSync(join(versionsDir, name), { recursive: true, force: true });
    // A deleted version's number is not given out again: runs, history and manifests name versions by number.
    const version = Math.max(this.lastWritten(), this.versions().at(-1) ?? 0, ...this.history()) + 1;
    writeFileAtomic(join(this.root, 'LAST'), `${version}\n`);
    const temp = join(versionsDir, `.tmp-${randomBytes(6).toString('hex')}`);
    mkdirSync(temp);
    writeFileSync(join(temp, 'bundle.json'), JSON.stringify(bundle));
    if (extraFiles) await extraFiles(temp);
    const files = Object.fromEntries(readdirSync(temp).sort().map((name) => [name, fileRecord(join(temp, name))]));
    // The manifest is written last: its presence is what makes a folder a complete version.
    writeFileAtomic(join(temp, 'manifest.json'), stableJson({ ...manifest, format: MANIFEST_FORMAT, files, version }));
    fsyncDir(temp);
    renameSync(temp, this.versionDir(version));
    fsyncDir(versionsDir);
    return version;
  }

  private lastWritten(): number {
    const file = join(this.root, 'LAST');
    const last = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : 0;
    return Number.isInteger(last) && last > 0 ? last : 0;
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

  /** The version a rollback would activate: the one active before the current one. */
  rollbackTarget(): number {
    const current = this.active();
    const previous = this.history().filter((v) => v !== current).at(-1);
    if (previous === undefined) throw new TierlabError('conflict', 'there is no earlier active version to roll back to');
    return previous;
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
