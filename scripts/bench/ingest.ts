import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readerType } from '../../data/clean-load.ts';
import { CANONICAL_FIELDS } from '../../data/columns.ts';
import { ingestFile } from '../../data/ingest.ts';
import { Random } from '../../data/random.ts';
import { csvHeader, csvReadOptions } from '../../data/source-columns.ts';
import { literal, Store } from '../../data/store.ts';
import { median, progress, timeMs, type BenchResult } from './result.ts';

const ROWS = 1_000_000;
const CUSTOMERS = 50_000;
/** Tierlab's ingest against DuckDB alone on the same file in the same run: the checks and summary may cost 10%. */
const GOAL_RATIO = 0.9;
const RUNS = 5;
const PRODUCTS = ['beans', 'tea', 'mug', 'kettle', 'grinder', 'biscotti', 'gift box', 'travel cup'];
const CHANNELS = ['web', 'app', 'store'];

/** A seeded canonical transactions CSV: orders of one to four lines, two years of timestamps, some returns. */
async function writeTransactions(path: string, rows: number): Promise<void> {
  const rng = new Random(7);
  const out = createWriteStream(path);
  const start = Date.parse('2024-01-01T00:00:00Z');
  let chunk = 'customer_id,order_id,timestamp,amount,quantity,unit_price,product,category,channel\n';
  let order = 0;
  for (let written = 0; written < rows; ) {
    order += 1;
    const customer = `C${rng.int(1, CUSTOMERS)}`;
    const stamp = new Date(start + Math.floor(rng.next() * 730 * 86_400) * 1000).toISOString();
    const channel = rng.pick(CHANNELS);
    for (let l = rng.int(1, 4); l > 0 && written < rows; l--, written++) {
      const quantity = rng.chance(0.02) ? -1 : rng.int(1, 5);
      const price = rng.int(150, 9999) / 100;
      const product = rng.pick(PRODUCTS);
      chunk += `${customer},O${order},${stamp},${(quantity * price).toFixed(2)},${quantity},${price.toFixed(2)},${product},cat-${product.length},${channel}\n`;
    }
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise<void>((resolve) => out.once('finish', () => resolve()));
}

interface Timed {
  ms: number;
  /** CPU time of the process (DuckDB's threads included): less moved by other work on the machine than wall time. */
  cpuMs: number;
}

const cpuMsSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

/** One ingest through the full path into a fresh on-disk store: wall time and the phases from its progress. */
async function ingestOnce(dir: string, file: string, run: number): Promise<Timed & { rows: number; phases: Record<string, number> }> {
  const store = await Store.open({ path: join(dir, `ingest-${run}.duckdb`) });
  try {
    const marks: [string, number][] = [];
    const cpu = process.cpuUsage();
    const start = performance.now();
    const result = await ingestFile(store, { kind: 'transactions', file, onProgress: (message) => marks.push([message.split(' ')[0], performance.now()]) });
    const finished = performance.now();
    const cpuMs = cpuMsSince(cpu);
    const phases: Record<string, number> = {};
    // A long phase repeats its name with a percentage: its time is the sum of its marks.
    marks.forEach(([name, at], i) => (phases[`${name}Ms`] = (phases[`${name}Ms`] ?? 0) + Math.round((marks[i + 1]?.[1] ?? finished) - at)));
    return { ms: finished - start, cpuMs, rows: result.rows_loaded, phases };
  } finally {
    store.close();
  }
}

/**
 * The engine's floor, for scale: DuckDB alone inserting the same file, typed by its CSV reader, into the same
 * table of a fresh on-disk store, with no checks and no summary. Tierlab's ingest cannot be faster than this.
 */
async function rawInsert(dir: string, file: string, run: number): Promise<Timed> {
  const store = await Store.open({ path: join(dir, `raw-${run}.duckdb`) });
  try {
    // The file's columns are the canonical ones, typed as the single scan types them.
    const typeOf = new Map(CANONICAL_FIELDS.transactions.map((f) => [f.name, readerType(f.type)]));
    const options = csvReadOptions(csvHeader(file), (column) => typeOf.get(column)!);
    const cpu = process.cpuUsage();
    const { ms } = await timeMs(() =>
      store.transaction(() => store.run(`INSERT INTO transactions BY NAME SELECT * FROM read_csv(${literal(file)}, ${options})`)),
    );
    return { ms, cpuMs: cpuMsSince(cpu) };
  } finally {
    store.close();
  }
}

/**
 * Loads a 1,000,000-line transactions CSV into a fresh store through the full ingest path (the single scan of a
 * clean file, its checks and the summary), and the same file through DuckDB alone, five times each, alternating
 * which goes first. Value: the median over runs of DuckDB alone's wall time over Tierlab's in the same run (1 =
 * as fast as the engine itself). The phases of the median ingest come from its progress messages.
 */
export default async function bench(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tierlab-bench-ingest-'));
  try {
    const file = join(dir, 'transactions.csv');
    progress(`writing ${ROWS} rows`);
    await writeTransactions(file, ROWS);
    const runs: Awaited<ReturnType<typeof ingestOnce>>[] = [];
    const rawRuns: Timed[] = [];
    for (let run = 0; run < RUNS; run++) {
      progress(`run ${run + 1} of ${RUNS}: ingest and DuckDB alone`);
      // Alternating the order spreads a warm page cache and a busy neighbour over both sides.
      if (run % 2) rawRuns.push(await rawInsert(dir, file, run));
      runs.push(await ingestOnce(dir, file, run));
      if (!(run % 2)) rawRuns.push(await rawInsert(dir, file, run));
    }
    const round = (x: number) => Math.round(x * 1000) / 1000;
    const ratio = round(median(runs.map((r, i) => rawRuns[i].ms / r.ms)));
    const cpuRatio = round(median(runs.map((r, i) => rawRuns[i].cpuMs / r.cpuMs)));
    const middle = runs.find((r) => r.ms === median(runs.map((x) => x.ms)))!;
    const perSecond = (ms: number) => Math.round(ROWS / (ms / 1000));
    return {
      bench: 'ingest',
      metric: 'ratio_to_duckdb_alone',
      value: ratio,
      unit: 'DuckDB-alone time / Tierlab time',
      goal: `>= ${GOAL_RATIO} of DuckDB alone's speed loading the same ${ROWS.toLocaleString('en')}-row transactions CSV into the same table, in the same run`,
      met: ratio >= GOAL_RATIO && runs.every((r) => r.rows === ROWS),
      cpu_ratio: cpuRatio,
      rows: middle.rows,
      rows_per_second: perSecond(middle.ms),
      ms: Math.round(middle.ms),
      phases: middle.phases,
      runs_ms: runs.map((r) => Math.round(r.ms)),
      runs_cpu_ms: runs.map((r) => Math.round(r.cpuMs)),
      duckdb_alone_rows_per_second: perSecond(median(rawRuns.map((r) => r.ms))),
      duckdb_alone_runs_ms: rawRuns.map((r) => Math.round(r.ms)),
      duckdb_alone_runs_cpu_ms: rawRuns.map((r) => Math.round(r.cpuMs)),
      loadAverage: round(loadavg()[0]),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
