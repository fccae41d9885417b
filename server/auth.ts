import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TierlabError, badInput } from '../data/errors.ts';

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
  /** Unique; what `token list` shows and `token revoke` takes. Older files lack it: see nameOf. */
  name?: string;
  created_at: string;
  /** ISO time after which the token gets 401; absent: never. */
  expires_at?: string;
}

/** What may be shown about a token: everything but the secret. */
export interface TokenInfo {
  name: string;
  role: Role;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}

/** Who a request is: the token's name and role. */
export interface Caller {
  name: string;
  role: Role;
}

/**
 * What tells one written tokens.json from the next: every write renames a new file into place, but two writes
 * within one tick of the file system's clock share an mtime (a revoke right after a create went unseen under
 * load), so the inode, size and change time count too. '' when there is no file.
 */
function fileVersion(file: string): string {
  if (!existsSync(file)) return '';
  const s = statSync(file, { bigint: true });
  return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();
const nameOf = (entry: StoredToken) => entry.name ?? `${entry.role}-${entry.sha256.slice(0, 8)}`;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Last-use times are written at most this often: every request authenticates. */
const USAGE_FLUSH_MS = 60_000;

/**
 * `30d`, `12h`, `45m` from now, or a date/time: when a new token expires.
 *
 * @example
 * parseExpiry('30d', new Date('2026-01-01T00:00:00Z')); // '2026-01-31T00:00:00.000Z'
 */
export function parseExpiry(value: string, now = new Date()): string {
  const match = value.trim().match(/^(\d+)\s*([dhm])$/);
  if (match) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[match[2] as 'd' | 'h' | 'm'];
    const ms = Number(match[1]) * unit;
    if (ms <= 0) throw badInput(`expires must be a positive duration, got "${value}"`, { field: 'expires' });
    return new Date(now.getTime() + ms).toISOString();
  }
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at.getTime())) {
    throw badInput(`expires must be a duration (30d, 12h, 45m) or a date (2026-12-31), got "${value}"`, { field: 'expires' });
  }
  if (at.getTime() <= now.getTime()) throw badInput(`expires must be in the future, got "${value}"`, { field: 'expires' });
  return at.toISOString();
}

/**
 * The bearer tokens of one runtime folder, kept hashed in `tokens.json`; their last use in `token-usage.json`
 * (written by the process that authenticates, so a CLI editing tokens.json never races the server over it).
 *
 * @example
 * const tokens = new TokenStore(home);
 * const token = tokens.create('analyst', { name: 'bi-tool', expires: '30d' }); // shown once
 * tokens.authenticate(token); // { name: 'bi-tool', role: 'analyst' }
 * tokens.revoke('bi-tool'); // from now on: undefined
 */
export class TokenStore {
  readonly file: string;
  private readonly usageFile: string;
  private entries: StoredToken[] = [];
  private loadedVersion = '';
  /** Tokens that live in this process only (the running server's local credential, server/discovery.ts). */
  private readonly local = new Map<string, Caller>();
  private readonly usage = new Map<string, string>();
  private usageWrittenAt = 0;

  constructor(home: string) {
    this.file = join(home, 'tokens.json');
    this.usageFile = join(home, 'token-usage.json');
    this.reload();
  }

  /**
   * Re-reads tokens.json when it changed, so `tierlab token create|revoke` take effect in a running server at
   * once. A stat is microseconds, so every authentication looks.
   */
  private reload(): void {
    const version = fileVersion(this.file);
    if (version === this.loadedVersion) return;
    this.entries = version ? (JSON.parse(readFileSync(this.file, 'utf8')) as StoredToken[]) : [];
    this.loadedVersion = version;
  }

  private save(): void {
    writeJson(this.file, this.entries);
    this.loadedVersion = fileVersion(this.file);
  }

  get size(): number {
    this.reload();
    return this.entries.length;
  }

  /** A new token, returned once: only its hash is kept. */
  create(role: Role, options: { name?: string; expires?: string } = {}): string {
    return this.issue(role, options).token;
  }

  /** A new token and what `list` will show of it. Names are unique; the default is `<role>-<8 hex>`. */
  issue(role: Role, options: { name?: string; expires?: string } = {}): { token: string; info: TokenInfo } {
    this.reload();
    const token = `tl_${randomBytes(24).toString('base64url')}`;
    const entry: StoredToken = { sha256: sha256(token).toString('hex'), role, created_at: new Date().toISOString() };
    entry.name = options.name ?? nameOf(entry);
    if (!NAME.test(entry.name)) throw badInput(`a token name is 1-64 letters, digits, '.', '_' or '-', got "${entry.name}"`, { field: 'name' });
    if (this.entries.some((e) => nameOf(e) === entry.name)) throw new TierlabError('conflict', `a token named "${entry.name}" exists; revoke it first or pick another name`, { field: 'name' });
    if (options.expires !== undefined) entry.expires_at = parseExpiry(options.expires);
    this.entries.push(entry);
    this.save();
    return { token, info: { name: entry.name, role, created_at: entry.created_at, expires_at: entry.expires_at ?? null, last_used_at: null } };
  }

  /** Every token, oldest first, without secrets. */
  list(): TokenInfo[] {
    this.reload();
    const used = { ...readUsage(this.usageFile), ...Object.fromEntries(this.usage) };
    return this.entries.map((e) => ({ name: nameOf(e), role: e.role, created_at: e.created_at, expires_at: e.expires_at ?? null, last_used_at: used[nameOf(e)] ?? null }));
  }

  /** Removes a token for good; the next request with it gets 401. */
  revoke(name: string): TokenInfo {
    const info = this.list().find((t) => t.name === name);
    if (!info) throw new TierlabError('not_found', `no token named "${name}" (tierlab token list)`, { field: 'name' });
    this.entries = this.entries.filter((e) => nameOf(e) !== name);
    this.save();
    return info;
  }

  /** Accepts `token` as `caller` in this process only, until the process ends. */
  addLocal(token: string, caller: Caller): void {
    this.local.set(sha256(token).toString('hex'), caller);
  }

  /**
   * Who holds `token`, or undefined (unknown, revoked or expired). Compares every stored hash in constant time,
   * so timing tells nothing; records the use.
   */
  authenticate(token: string, now = new Date()): Caller | undefined {
    this.reload();
    const digest = sha256(token);
    let found: StoredToken | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(digest, Buffer.from(entry.sha256, 'hex'))) found = entry;
    }
    if (!found) return this.local.get(digest.toString('hex'));
    if (found.expires_at && Date.parse(found.expires_at) <= now.getTime()) return undefined;
    const caller = { name: nameOf(found), role: found.role };
    this.recordUse(caller.name, now);
    return caller;
  }

  /** The role of a token, or undefined. */
  roleOf(token: string): Role | undefined {
    return this.authenticate(token)?.role;
  }

  private recordUse(name: string, now: Date): void {
    this.usage.set(name, now.toISOString());
    if (now.getTime() - this.usageWrittenAt >= USAGE_FLUSH_MS) this.flushUsage(now);
  }

  /** Writes the last-use times (the server calls this at stop too, so none is lost). */
  flushUsage(now = new Date()): void {
    if (!this.usage.size) return;
    this.usageWrittenAt = now.getTime();
    writeJson(this.usageFile, { ...readUsage(this.usageFile), ...Object.fromEntries(this.usage) });
  }
}

function readUsage(file: string): Record<string, string> {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
}

/** Whole or not at all: written beside, then renamed over; owner-only. */
function writeJson(file: string, value: unknown): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}
