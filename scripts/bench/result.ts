/** What every benchmark returns; printed as one JSON line, the last line of its output. */
export interface BenchResult {
  bench: string;
  /** What the goal is about, e.g. "rows_per_second". */
  metric: string;
  value: number;
  unit: string;
  /** The target in words. */
  goal: string;
  met: boolean;
  [detail: string]: unknown;
}

/** Flags of `tierlab bench` a bench may read (the others ignore them). */
export interface BenchOptions {
  /** Customer counts for the scale bench, e.g. "100k,1m". */
  sizes?: string;
}

/** Progress for a person watching; stderr keeps stdout's last line the JSON result. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Wall time of one call in milliseconds. */
export async function timeMs<T>(work: () => Promise<T> | T): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await work();
  return { ms: performance.now() - start, result };
}

/** The middle value (the upper one of an even count): benchmarks report it because the machine is shared. */
export function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}
