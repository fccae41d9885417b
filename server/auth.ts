import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { badInput } from '../data/errors.ts';

export const ROLES = ['retention', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];
/** Who may call a route: `public` needs no token. */
export type Access = Role | 'public';

/** analyst may do all retention may; admin all analyst may. */
const RANK: Record<Role, number> = { retention: 1, analyst: 2, admin: 3 };

export function allows(held: Role, needed: Access): boolean {
  return needed === 'public' || RANK[held] >= RANK[needed];
}

export function parseRole(value: unknown): Role {
  if (typeof value !== 'string' || !(ROLES as readonly string[]).includes(value)) {
    throw badInput(`role must be one of ${ROLES.join(', ')}`, { field: 'role' });
  }
  return value as Role;
}

interface StoredToken {
  /** sha256 of the token, hex: a stolen tokens.json does not give the tokens away. */
  sha256: string;
  role: Role;
  created_at: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/**
 * The bearer tokens of one runtime folder, kept hashed in `tokens.json`.
 *
 * @example
 * const tokens = new TokenStore(home);
 * const token = tokens.create('analyst'); // shown once
 * tokens.roleOf(token); // 'analyst'
 */
export class TokenStore {
  readonly file: string;
  private entries: StoredToken[] = [];
  private loadedMtimeMs = -1;
  private checkedAt = 0;

  constructor(home: string) {
    this.file = join(home, 'tokens.json');
    this.reload();
  }

  /**
   * Re-reads tokens.json when it changed, so `tierlab token create` works while the server runs; looks at
   * most once a second (every request authenticates).
   */
  private reload(force = false): void {
    const now = Date.now();
    if (!force && now - this.checkedAt < 1000) return;
    this.checkedAt = now;
    const mtimeMs = existsSync(this.file) ? statSync(this.file).mtimeMs : 0;
    if (mtimeMs === this.loadedMtimeMs) return;
    this.entries = mtimeMs ? (JSON.parse(readFileSync(this.file, 'utf8')) as StoredToken[]) : [];
    this.loadedMtimeMs = mtimeMs;
  }

  get size(): number {
    this.reload(true);
    return this.entries.length;
  }

  create(role: Role): string {
    this.reload(true);
    const token = `tl_${randomBytes(24).toString('base64url')}`;
    this.entries.push({ sha256: sha256(token).toString('hex'), role, created_at: new Date().toISOString() });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(this.entries, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.file);
    return token;
  }

  /** The role of a token, or undefined. Compares every stored hash in constant time, so timing tells nothing. */
  roleOf(token: string): Role | undefined {
    this.reload();
    const digest = sha256(token);
    let found: Role | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(digest, Buffer.from(entry.sha256, 'hex'))) found = entry.role;
    }
    return found;
  }
}
