import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestFile } from '../../data/ingest.ts';
import { Random } from '../../data/random.ts';
import { Store } from '../../data/store.ts';
import { progress, timeMs, type BenchResult } from './result.ts';

const ROWS = 1_000_000;
const CUSTOMERS = 50_000;
const GOAL_ROWS_PER_SECOND = 1_000_000;
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

/**
 * Loads a 1,000,000-line transactions CSV into a fresh store through the full ingest path (staging, every row
 * check, the all-or-nothing insert). Value: rows per second, wall time. The phases come from the progress
 * messages: read (CSV to staging), check (parse and row checks), load (insert and summary figures).
 */
export default async function bench(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tierlab-bench-ingest-'));
  try {
    const file = join(dir, 'transactions.csv');
    progress(`writing ${ROWS} rows`);
    await writeTransactions(file, ROWS);
    const store = await Store.open({ path: join(dir, 'bench.duckdb') });
    const marks: [string, number][] = [];
    const { ms, result } = await timeMs(() =>
      ingestFile(store, { kind: 'transactions', file, onProgress: (message) => marks.push([message.split(' ')[0], performance.now()]) }),
    );
    const finished = performance.now();
    store.close();
    const phases: Record<string, number> = {};
    marks.forEach(([name, at], i) => (phases[`${name}Ms`] = Math.round((marks[i + 1]?.[1] ?? finished) - at)));
    const rowsPerSecond = Math.round(result.rows_loaded / (ms / 1000));
    return {
      bench: 'ingest',
      metric: 'rows_per_second',
      value: rowsPerSecond,
      unit: 'rows/s',
      goal: `>= ${GOAL_ROWS_PER_SECOND.toLocaleString('en')} rows/s loading a ${ROWS.toLocaleString('en')}-row transactions CSV`,
      met: rowsPerSecond >= GOAL_ROWS_PER_SECOND,
      rows: result.rows_loaded,
      ms: Math.round(ms),
      phases,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
