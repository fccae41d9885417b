import { Registry } from '../models/registry/registry.ts';
import { appliedVersion, applyOutputs } from '../models/registry/outputs.ts';
import type { Store } from '../data/store.ts';

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
  /** Runs after a switch (e.g. drop caches built from the old tables). */
  onSwitch?: (version: number) => void;
  /** How often the registry pointer is looked at, at most. */
  checkEveryMs?: number;
}

/**
 * Keeps the served tables on the registry's active version. The pointer can move from anywhere: a promotion
 * by a training job, `tierlab models activate` from a shell, the API. Before a request runs, a cheap look at
 * the pointer (at most once a second); when it moved, the new version's tables are loaded between requests.
 *
 * @example
 * const served = new ServedVersion({ store, home });
 * await served.request(() => handle(c));
 */
export class ServedVersion {
  readonly gate = new ReadWriteGate();
  private checkedAt = 0;
  private readonly registry: Registry;

  constructor(private readonly options: ServedVersionOptions) {
    this.registry = new Registry(options.home);
  }

  /** Runs one request on the version active when it starts. */
  async request<T>(work: () => Promise<T>): Promise<T> {
    const now = Date.now();
    if (now - this.checkedAt >= (this.options.checkEveryMs ?? 1000)) {
      this.checkedAt = now;
      await this.sync();
    }
    return this.gate.read(work);
  }

  /** Loads the active version's tables if they are not the ones served. Returns the served version. */
  async sync(): Promise<number | null> {
    const active = this.registry.active();
    if (active === null || active === (await appliedVersion(this.options.store))) return active;
    return this.gate.write(async () => {
      // Another request may have switched while this one waited for the gate.
      const target = this.registry.active();
      if (target === null || target === (await appliedVersion(this.options.store))) return target;
      await applyOutputs(this.options.store, this.registry.dir(target), target);
      this.options.onSwitch?.(target);
      return target;
    });
  }
}
