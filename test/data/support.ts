// Shared by the data and tiers tests: throw-away stores, files in a temp folder, and a fingerprint of the store.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { Store } from '../../data/store.ts';

/** A temp folder removed after the file's tests; `file(name, text)` writes into it and returns the path. */
export function tempDir(prefix = 'tierlab-test-'): { dir: string; file: (name: string, text: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    file(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
  };
}

export const memoryStore = () => Store.open({ path: ':memory:' });

/** The canonical transactions header, every optional column included. */
export const TX_HEADER = 'customer_id,order_id,timestamp,amount,quantity,unit_price,product,category,channel';

/** CSV text from a header and rows (values written as given; quote them yourself where needed). */
export const csv = (header: string, rows: string[]) => `${header}\n${rows.join('\n')}\n`;

/**
 * Counts and order-independent sums of every canonical table: equal fingerprints mean equal content
 * (short of a change that keeps every count and every sum, which no partial load can do).
 */
export async function fingerprint(store: Store): Promise<Record<string, unknown>> {
  const text = (col: string) => `sum(hash(${col}))::VARCHAR`;
  return {
    customers: await store.one(`SELECT count(*) n, ${text('customer_id')} ids, ${text('signup_date')} signup, ${text('churned')} churned FROM customers`),
    attributes: await store.one(
      `SELECT count(*) n, ${text('customer_id || name')} k, sum(num_value) num, ${text('text_value')} txt, ${text('kind')} kind FROM customer_attributes`,
    ),
    transactions: await store.one(
      `SELECT count(*) n, CAST(sum(amount) AS VARCHAR) amount, sum(quantity) q, CAST(sum(unit_price) AS VARCHAR) price,
              ${text('customer_id || order_id')} ids, ${text('timestamp')} ts, ${text('product')} product FROM transactions`,
    ),
    feedback: await store.one(`SELECT count(*) n, ${text('customer_id || text')} k, sum(rating) rating, ${text('timestamp')} ts FROM feedback`),
    loads: await store.one(`SELECT count(*) n FROM loads`),
  };
}

/** Runs `work` and returns the TierlabError it throws (fails the test when it does not throw). */
export async function rejection(work: () => Promise<unknown>): Promise<{ code: string; place: Record<string, unknown>; message: string; details?: any }> {
  try {
    await work();
  } catch (error) {
    return error as never;
  }
  throw new Error('expected a TierlabError, but the call succeeded');
}

/**
 * A small RFC 4180 reader (quotes, doubled quotes, quoted line breaks, CRLF), independent of the ingest path
 * under test. Lines without a quote take the fast path (a plain split).
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (!line.includes('"')) {
      if (line !== '' || i < lines.length - 1) rows.push(line.split(','));
      continue;
    }
    // A quoted field may hold line breaks: gather lines until the quotes balance.
    while ((line.match(/"/g)?.length ?? 0) % 2 === 1 && i + 1 < lines.length) line += '\n' + lines[++i];
    rows.push(splitQuoted(line));
  }
  return rows;
}

function splitQuoted(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') fields.push(field), (field = '');
    else field += ch;
  }
  fields.push(field);
  return fields;
}

/** A decimal string as integer thousandths ("2.55" -> 2550, "-0.001" -> -1): money sums without float drift. */
export function thousandths(value: string): number {
  const negative = value.startsWith('-');
  const [whole, fraction = ''] = value.replace(/^[-+]/, '').split('.');
  if (fraction.length > 3) throw new Error(`more than 3 decimals: ${value}`);
  const n = Number(whole) * 1000 + Number(fraction.padEnd(3, '0'));
  return negative ? -n : n;
}

/** The retail log's columns for each canonical field. */
export const RETAIL_MAPPING = {
  order_id: 'InvoiceNo',
  product: 'StockCode',
  quantity: 'Quantity',
  timestamp: 'InvoiceDate',
  unit_price: 'UnitPrice',
  customer_id: 'CustomerID',
};
