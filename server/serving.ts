import type { Store } from '../data/store.ts';
import { derivedStale, rebuildDerived, versionTierRules } from '../models/derived.ts';
import { appliedVersion, applyOutputs } from '../models/registry/outputs.ts';
import { Registry } from '../models/registry/registry.ts';
import type { TierRules } from '../models/tiers/index.ts';
import type { SerialQueue } from './jobs.ts';

/**
 * Many readers or one writer. Requests read; switching the served version writes, so it waits for the requests
 * in flight to finish and holds new ones back until the switch is done: no request sees two versions.
 */
export class ReadWriteGate {
  private readers = 0;
  private writing: Promise<void> | null = null;
  private drained: (() => void) | null = null;

  async read<T>(work: () => Promise<T>): Promise<T> {
    while (this.writing) await this.writing;
    this.readers++;
    try {
      return await work();
    } finally {
      this.readers--;
      if (this.readers === 0) this.drained?.();
    }
  }

  async write<T>(work: () => Promise<T>): Promise<T> {
    while (this.writing) await this.writing;
    let release = () => {};
    this.writing = new Promise((resolve) => (release = resolve));
    try {
      if (this.readers > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      this.drained = null;
      return await work();
    } finally {
      this.writing = null;
      release();
    }
  }
}

export interface ServedVersionOptions {
  store: Store;
  home: string;
  /** The one writer: switching the served tables takes its turn with uploads, training and activations. */
  writes: SerialQueue;
  /** Runs after a switch (e.g. drop caches built from the old tables). */
  onSwitch?: (version: number | null) => void;
  /** How often the registry pointer is looked at, at most. */
  checkEveryMs?: number;
  /** Where a fallback to another version is reported (one JSON line); default stderr. */
  log?: (line: Record<string, unknown>) => void;
}

/**
 * Keeps the served tables on the registry's active version, and the derived tables (features, tiers) on the
 * data. The pointer can move from anywhere: a promotion by a training job, `tierlab models activate` from a
 * shell, the API. Before a request runs, a cheap look at the pointer (at most once a second); when it moved and
 * the writer is free, the new version's tables are loaded between requests. Every switch takes the writer's
 * turn (server/jobs.ts SerialQueue), so no upload or training job interleaves with it, and a version trained
 * before later loads has its features and tiers rebuilt on the current data in the same switch: an
 * acknowledged upload stays visible after any later promotion. A damaged version (files missing or changed)
 * is never loaded: the newest intact version is activated instead, and `notice` says so (health shows it).
 *
 * @example
 * const served = new ServedVersion({ store, home, writes });
 * await served.start();
 * await served.request(() => handle(c));
 */
export class ServedVersion {
  readonly gate = new ReadWriteGate();
  private checkedAt = 0;
  private readonly registry: Registry;
  private current: number | null = null;
  private rules: { version: number | null; rules: TierRules } = { version: null, rules: {} };
  /** Why the version served is not the one that was active, or null. */
  notice: string | null = null;

  constructor(private readonly options: ServedVersionOptions) {
    this.registry = new Registry(options.home);
  }

  /** The version whose tables are served, as of the last switch or start. */
  get version(): number | null {
    return this.current;
  }

  /** Brings everything in line at start: the active version checked (and replaced if damaged), stale derived tables rebuilt. */
  async start(): Promise<void> {
    this.current = await appliedVersion(this.options.store);
    await this.options.writes.run(() => this.sync());
  }

  /** Runs one request on the version active when it starts. */
  async request<T>(work: () => Promise<T>): Promise<T> {
    const now = Date.now();
    if (now - this.checkedAt >= (this.options.checkEveryMs ?? 1000)) {
      this.checkedAt = now;
      // A busy writer (a training job) switches when it is done: its own sync sees the pointer too.
      if (this.registry.active() !== (await appliedVersion(this.options.store)) && this.options.writes.idle) {
        await this.options.writes.run(() => this.sync());
      }
    }
    return this.gate.read(work);
  }

  /**
   * Loads the active version's tables if they are not the ones served, and rebuilds features and tiers when a
   * load came after them; one switch, between requests. Call it on the writer (options.writes). Returns the
   * served version.
   */
  async sync(): Promise<number | null> {
    const { store } = this.options;
    const target = this.intactActive();
    const applied = await appliedVersion(store);
    const switching = target !== null && target !== applied;
    if (!switching && !(await derivedStale(store))) return (this.current = applied);
    await this.gate.write(() =>
      store.transaction(async () => {
        if (switching) await applyOutputs(store, this.registry.dir(target), target);
        if (await derivedStale(store)) await rebuildDerived(store, { tierRules: this.tierRulesOf(target ?? applied) });
      }),
    );
    this.current = switching ? target : applied;
    this.options.onSwitch?.(this.current);
    return this.current;
  }

  /** The tier rules of the served version (its bundle's), for rebuilding tiers on newer data. */
  tierRules(): TierRules {
    return this.tierRulesOf(this.current);
  }

  private tierRulesOf(version: number | null): TierRules {
    if (this.rules.version !== version) this.rules = { version, rules: versionTierRules(this.registry, version) };
    return this.rules.rules;
  }

  /**
   * The active version when it can be served; otherwise the newest intact one, made active (so the pointer and
   * the tables agree, and rollback knows it), with the reason in `notice` and the log. Null when none is.
   */
  private intactActive(): number | null {
    const active = this.registry.active();
    if (active === null) return null;
    const problems = this.registry.problems(active);
    if (!problems.length) return active;
    const fallback = this.registry.versions().reverse().find((v) => v !== active && !this.registry.problems(v).length) ?? null;
    this.notice = `model version ${active} is damaged (${problems.join('; ')}); ${fallback === null ? 'no intact version is left to serve' : `serving version ${fallback} instead`}`;
    const log = this.options.log ?? ((line) => process.stderr.write(`${JSON.stringify(line)}\n`));
    log({ time: new Date().toISOString(), event: 'model_fallback', damaged: active, serving: fallback, message: this.notice });
    if (fallback !== null) this.registry.activate(fallback);
    return fallback;
  }
}
