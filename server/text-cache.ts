/**
 * Text answers (JSON sent to clients as it is) bounded by their total size, least recently used first out: the
 * SQL cells' finished results and the customer pages. A value is kept only once it is whole (the caller sets it
 * after reading and serialising it, so a failure is never kept), one larger than the whole budget is not kept.
 * Text is what it costs in memory, counted exactly.
 *
 * @example
 * const cache = new TextCache({ maxBytes: 64 * 1024 * 1024 });
 * cache.set(key, json); cache.get(key); // json
 */
export class TextCache {
  private readonly entries = new Map<string, string>();
  private used = 0;

  constructor(private readonly options: { maxBytes: number }) {}

  /** Bytes held (keys and results), at most maxBytes. */
  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): string | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    // Map order is insertion order: re-inserting marks the entry as the most recently used.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: string, value: string): void {
    this.delete(key);
    const cost = costOf(key, value);
    if (cost > this.options.maxBytes) return;
    while (this.used + cost > this.options.maxBytes) this.delete(this.entries.keys().next().value!);
    this.entries.set(key, value);
    this.used += cost;
  }

  private delete(key: string): void {
    const value = this.entries.get(key);
    if (value === undefined) return;
    this.entries.delete(key);
    this.used -= costOf(key, value);
  }
}

/** UTF-16 code units at two bytes each: an upper bound of what V8 holds for the two strings. */
const costOf = (key: string, value: string) => 2 * (key.length + value.length);
