import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestFile } from '../../data/ingest.ts';
import { Store } from '../../data/store.ts';
import { median, progress, timeMs, type BenchResult } from './result.ts';

/** Shapes loaded: columns x rows. The first three grow columns at fixed rows, the last grows rows. */
const SHAPES: [columns: number, rows: number][] = [[250, 100], [500, 100], [1000, 100], [1000, 200]];
const GOAL_RATIO = 1.5;

function customersCsv(columns: number, rows: number): string {
  const names = Array.from({ length: columns }, (_, i) => `attribute_${i}`);
  const lines = [['customer_id', ...names].join(',')];
  for (let r = 0; r < rows; r++) lines.push([`C${r}`, ...names.map((_, i) => (i % 7 === 0 ? `tier${(i + r) % 3}` : String(i * 10 + r)))].join(','));
  return `${lines.join('\n')}\n`;
}

/**
 * A wide customers file loaded through the checked path (attributes), median of 3 per shape. Value: time per
 * cell at 1,000 columns over time per cell at 250 columns, rows fixed: about 1 when the load grows with the
 * file's size, about 4 when it grows with columns squared (as it did: 1,000 columns x 3 rows took 18 s).
 */
export default async function bench(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tierlab-wide-'));
  try {
    const shapes: { columns: number; rows: number; ms: number; usPerCell: number }[] = [];
    for (const [columns, rows] of SHAPES) {
      const file = join(dir, `wide-${columns}x${rows}.csv`);
      writeFileSync(file, customersCsv(columns, rows));
      const times: number[] = [];
      for (let r = 0; r < 3; r++) {
        const store = await Store.open({ path: ':memory:' });
        try {
          times.push((await timeMs(() => ingestFile(store, { kind: 'customers', file }))).ms);
        } finally {
          store.close();
        }
      }
      const ms = Math.round(median(times));
      shapes.push({ columns, rows, ms, usPerCell: Math.round((ms * 1000) / (columns * rows)) });
      progress(JSON.stringify(shapes.at(-1)));
    }
    const ratio = Math.round((shapes[2].usPerCell / shapes[0].usPerCell) * 100) / 100;
    return {
      bench: 'wide-upload',
      metric: 'per_cell_time_ratio_1000_vs_250_columns',
      value: ratio,
      unit: 'ratio',
      goal: `per-cell load time at 1,000 columns within ${GOAL_RATIO}x of that at 250 columns (linear in the file's size)`,
      met: ratio <= GOAL_RATIO,
      shapes,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
