import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadChecked } from '../../data/checked-load.ts';
import type { IngestOptions } from '../../data/ingest-options.ts';
import { ingestFile } from '../../data/ingest.ts';
import type { Store } from '../../data/store.ts';
import { csv, fingerprint, memoryStore, rejection, tempDir, TX_HEADER } from './support.ts';

// The single-scan path must load exactly what the checked path loads, and leave every other file to it.
const { file } = tempDir('tierlab-clean-load-');
let stores: Store[] = [];
const open = async () => {
  const store = await memoryStore();
  stores.push(store);
  return store;
};
beforeEach(() => (stores = []));
afterEach(() => stores.forEach((s) => s.close()));

/** Ingests and returns the summary with the progress messages it printed. */
async function ingest(store: Store, options: Omit<IngestOptions, 'kind'>) {
  const messages: string[] = [];
  const summary = await ingestFile(store, { kind: 'transactions', ...options, onProgress: (m) => messages.push(m) });
  return { summary, oneScan: messages.some((m) => m.includes('in one scan')) && !messages.some((m) => m.startsWith('checking')) };
}

const tableRows = (store: Store) => store.all(`SELECT * EXCLUDE (load_id) FROM transactions ORDER BY order_id, amount, product`);

describe('ingest: the single scan for clean transaction files', () => {
  it('loads a clean file in one scan with the same rows and figures as the checked path', async () => {
    const path = file(
      'clean.csv',
      csv(TX_HEADER, [
        'c1,o1,2024-01-15T10:00:00Z,12.50,2,6.25,"Mug, large",cups,web',
        'c1,o1,2024-01-15T10:00:00Z,3.20,1,3.20,,snacks,',
        'c2,o2,2024-02-01 08:30:00,-5.00,-1,5.00,Tea,tea,store',
        'c3,o3,2024-03-01T12:00:00+02:00,0.1,,0.1,Tea,"",app',
        'c3,o4,2024-03-02,0.2,1,,Tea,tea,app',
      ]),
    );
    const fast = await open();
    const { summary, oneScan } = await ingest(fast, { file: path });
    expect(oneScan).toBe(true);
    const checked = await open();
    const reference = await loadChecked(checked, { kind: 'transactions', file: path }, 1);
    expect(summary).toEqual(reference);
    expect(await tableRows(fast)).toEqual(await tableRows(checked));
    expect(summary).toMatchObject({ rows_loaded: 5, customers: 3, revenue: '11.0000', from: '2024-01-15T10:00:00.000Z', to: '2024-03-02T00:00:00.000Z' });
    expect(await fast.all(`SELECT DISTINCT load_id FROM transactions`)).toEqual([{ load_id: summary.load_id }]);
    expect(await fast.one(`SELECT kind, file, rows_loaded FROM loads`)).toEqual({ kind: 'transactions', file: 'clean.csv', rows_loaded: 5 });
  });

  // Values the typed scan reads as the checked path does, and values it leaves to the checked path.
  const odd: [string, string, boolean][] = [
    ['an id with spaces around it (trimmed)', ' c1 ,o1,2024-01-15T10:00:00Z,1.00,1,1.00,x,y,web', false],
    ['a missing word with spaces around it', 'c1,o1,2024-01-15T10:00:00Z,1.00,1,1.00, NA ,y,web', false],
    ['text with spaces around it (kept as written)', 'c1,o1,2024-01-15T10:00:00Z,1.00,1,1.00,x, y ,web', false],
    ['missing words in any case', 'c1,o1,2024-01-15T10:00:00Z,1.00,nAn,1.00,Null,NONE,"n/A"', false],
    ['a NaN quantity', 'c1,o1,2024-01-15T10:00:00Z,1.00,NaN,1.00,x,y,web', false],
    ['words that only start like missing words', 'c1,o1,2024-01-15T10:00:00Z,1.00,1,1.00,nana,nulls,Non', true],
    ['a tab inside an id (kept: only spaces are trimmed)', 'c1\t,o1,2024-01-15T10:00:00Z,1.00,1,1.00,x,y,web', true],
    ['a YYYYMMDD date', 'c1,o1,20240115,1.00,1,1.00,x,y,web', false],
    ['"N/A" for a quantity', 'c1,o1,2024-01-15T10:00:00Z,1.00,N/A,1.00,x,y,web', false],
  ];
  for (const [name, line, inOneScan] of odd) {
    it(`loads a file with ${name} ${inOneScan ? 'in one scan' : 'through the checked path'}, as the checked path does`, async () => {
      const path = file('odd.csv', csv(TX_HEADER, [line, 'c2,o2,2024-01-16T10:00:00Z,2.00,1,2.00,x,y,web']));
      const store = await open();
      const { summary, oneScan } = await ingest(store, { file: path });
      expect(oneScan).toBe(inOneScan);
      const checked = await open();
      expect(summary).toEqual(await loadChecked(checked, { kind: 'transactions', file: path }, 1));
      expect(await tableRows(store)).toEqual(await tableRows(checked));
    });
  }

  for (const [what, id] of [['a NUL inside', 'c\u00001'], ['a NUL at the end', 'c1\u0000']]) {
    it(`refuses an id with ${what} in it, named by row, both ways`, async () => {
      const path = file('control.csv', csv(TX_HEADER, ['c0,o0,2024-01-15T10:00:00Z,1.00,1,1.00,x,y,web', `${id},o1,2024-01-15T10:00:00Z,1.00,1,1.00,x,y,web`]));
      const store = await open();
      const before = await fingerprint(store);
      expect(await rejection(() => ingest(store, { file: path }))).toMatchObject({ code: 'unprocessable', place: { row: 2, column: 'customer_id' } });
      expect(await fingerprint(store)).toEqual(before);
      expect(await rejection(() => loadChecked(store, { kind: 'transactions', file: path }, 1))).toMatchObject({ place: { row: 2 } });
    });
  }

  for (const [what, amount] of [['a bad amount', 'twelve'], ['a missing amount', 'None']]) {
    it(`rolls back a failed attempt: ${what} in the last row is reported with its row, and nothing is stored`, async () => {
      const good = Array.from({ length: 50 }, (_, i) => `c${i},o${i},2024-01-15T10:00:00Z,1.00,1,1.00,x,y,web`);
      const path = file('bad-last.csv', csv(TX_HEADER, [...good, `c9,o99,2024-01-15T10:00:00Z,${amount},1,1.00,x,y,web`]));
      const store = await open();
      const before = await fingerprint(store);
      const error = await rejection(() => ingest(store, { file: path }));
      expect(error).toMatchObject({ code: 'unprocessable', place: { row: 51, column: 'amount' } });
      expect(await fingerprint(store)).toEqual(before);
    });
  }

  it('refuses an order already stored, as the checked path does', async () => {
    const store = await open();
    await ingest(store, { file: file('first.csv', csv(TX_HEADER, ['c1,o1,2024-01-15T10:00:00Z,1.00,1,1.00,x,y,web'])) });
    const before = await fingerprint(store);
    const error = await rejection(() => ingest(store, { file: file('again.csv', csv(TX_HEADER, ['c2,o2,2024-01-16T10:00:00Z,1.00,1,1.00,x,y,web', 'c1,o1,2024-01-15T10:00:00Z,1.00,1,1.00,x,y,web'])) }));
    expect(error).toMatchObject({ code: 'unprocessable', place: { row: 2, column: 'order_id' } });
    expect(await fingerprint(store)).toEqual(before);
  });

  it('gives each load its own id, and a second clean file in one scan too', async () => {
    const store = await open();
    const first = await ingest(store, { file: file('a.csv', csv(TX_HEADER, ['c1,o1,2024-01-15T10:00:00Z,1.00,1,1.00,x,y,web'])) });
    const second = await ingest(store, { file: file('b.csv', csv(TX_HEADER, ['c1,o2,2024-01-16T10:00:00Z,2.00,1,2.00,x,y,web'])) });
    expect(second.oneScan).toBe(true);
    expect(second.summary.load_id).toBe(first.summary.load_id + 1);
    expect(await store.all(`SELECT load_id, count(*) AS n FROM transactions GROUP BY 1 ORDER BY 1`)).toEqual([
      { load_id: first.summary.load_id, n: 1 },
      { load_id: second.summary.load_id, n: 1 },
    ]);
  });
});
