import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
const GOAL_ROWS_PER_SECOND = 1_000_000;
const RUNS = 3;
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

/** One ingest through the full path into a fresh on-disk store: wall time and the phases from its progress. */
async function ingestOnce(dir: string, file: string, run: number): Promise<{ ms: number; rows: number; phases: Record<string, number> }> {
  const store = await Store.open({ path: join(dir, `ingest-${run}.duckdb`) });
  try {
    const marks: [string, number][] = [];
    const start = performance.now();
    const result = await ingestFile(store, { kind: 'transactions', file, onProgress: (message) => marks.push([message.split(' ')[0], performance.now()]) });
    const finished = performance.now();
    const phases: Record<string, number> = {};
    // A long phase repeats its name with a percentage: its time is the sum of its marks.
    marks.forEach(([name, at], i) => (phases[`${name}Ms`] = (phases[`${name}Ms`] ?? 0) + Math.round((marks[i + 1]?.[1] ?? finished) - at)));
    return { ms: finished - start, rows: result.rows_loaded, phases };
  } finally {
    store.close();
  }
}

/**
 * The engine's floor, for scale: DuckDB alone inserting the same file, typed by its CSV reader, into the same
 * table of a fresh on-disk store, with no checks and no summary. Tierlab's ingest cannot be faster than this.
 */
async function rawInsertMs(dir: string, file: string, run: number): Promise<number> {
  const store = await Store.open({ path: join(dir, `raw-${run}.duckdb`) });
  try {
    // The file's columns are the canonical ones, typed as the single scan types them.
    const typeOf = new Map(CANONICAL_FIELDS.transactions.map((f) => [f.name, readerType(f.type)]));
    const options = csvReadOptions(csvHeader(file), (column) => typeOf.get(column)!);
    const { ms } = await timeMs(() =>
      store.transaction(() => store.run(`INSERT INTO transactions BY NAME SELECT * FROM read_csv(${literal(file)}, ${options})`)),
    );
    return ms;
  } finally {
    store.close();
  }
}

/**
 * Loads a 1,000,000-line transactions CSV into a fresh store through the full ingest path (the single scan of a
 * clean file, its checks and the summary), three times. Value: rows per second of the median run, wall time.
 * The phases of that run come from the progress messages. Beside it, the same file through DuckDB alone.
 */
export default async function bench(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tierlab-bench-ingest-'));
  try {
    const file = join(dir, 'transactions.csv');
    progress(`writing ${ROWS} rows`);
    await writeTransactions(file, ROWS);
    const runs: Awaited<ReturnType<typeof ingestOnce>>[] = [];
    const rawRuns: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      progress(`run ${run + 1} of ${RUNS}: ingest, then DuckDB alone`);
      runs.push(await ingestOnce(dir, file, run));
      rawRuns.push(await rawInsertMs(dir, file, run));
    }
    const middle = runs.find((r) => r.ms === median(runs.map((x) => x.ms)))!;
    const perSecond = (ms: number) => Math.round(ROWS / (ms / 1000));
    const rowsPerSecond = perSecond(middle.ms);
    return {
      bench: 'ingest',
      metric: 'rows_per_second',
      value: rowsPerSecond,
      unit: 'rows/s',
      goal: `>= ${GOAL_ROWS_PER_SECOND.toLocaleString('en')} rows/s loading a ${ROWS.toLocaleString('en')}-row transactions CSV`,
      met: rowsPerSecond >= GOAL_ROWS_PER_SECOND && middle.rows === ROWS,
      rows: middle.rows,
      ms: Math.round(middle.ms),
      runs_ms: runs.map((r) => Math.round(r.ms)),
      phases: middle.phases,
      duckdb_alone_rows_per_second: perSecond(median(rawRuns)),
      duckdb_alone_runs_ms: rawRuns.map(Math.round),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
