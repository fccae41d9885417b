import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { loadChecked } from './checked-load.ts';
import { loadIfClean, oneScanApplies } from './clean-load.ts';
import { TierlabError, badInput } from './errors.ts';
import { nextLoadId, type IngestSummary } from './loads.ts';
import { resolveCsv, sourceColumnCount } from './source-columns.ts';
import type { Store } from './store.ts';
import { CUSTOMERS_MODES, type IngestOptions } from './ingest-options.ts';
import { checkLanguageSetting } from './text-language.ts';

/**
 * Loads one file into the store. All-or-nothing: a file with any bad row is rejected and the store is left
 * exactly as it was, unless `skipBadRows` is set; then the good rows load and the bad ones are reported.
 * Throws a TierlabError (`unprocessable`, with the summary as details) when the file is rejected.
 * A clean transactions CSV loads in one scan (clean-load.ts); anything else, or a file that turns out not to be
 * clean, goes through the checked path (checked-load.ts), which names every bad row.
 *
 * @example
 * const summary = await ingestFile(store, { kind: 'transactions', file: 'orders.csv' });
 */
export async function ingestFile(store: Store, options: IngestOptions): Promise<IngestSummary> {
  const { file } = options;
  if (!existsSync(file) || !statSync(file).isFile()) throw new TierlabError('bad_file', 'file not found', { file });
  if (options.timezone !== undefined) await checkTimezone(store, options.timezone);
  if (options.mode !== undefined && options.kind !== 'customers') throw badInput((o) => `${o.named('mode')} applies to customers files only, not ${options.kind}`, { field: 'mode' });
  if (options.maxColumns !== undefined) {
    const columns = await sourceColumnCount(store, file);
    if (columns > options.maxColumns) {
      throw new TierlabError('too_large', `the file has ${columns} columns; at most ${options.maxColumns} can be loaded`, { file: basename(file) });
    }
  }
  if (options.language !== undefined) {
    checkLanguageSetting(options.language);
    if (options.kind !== 'feedback') throw badInput('--language applies to feedback files only', { field: 'language' });
  }
  const loadId = await nextLoadId(store);
  if (!oneScanApplies(store, options)) return loadChecked(store, options, loadId);
  const csv = resolveCsv(options.kind, options);
  return (await loadIfClean(store, options, loadId, csv)) ?? (await loadChecked(store, options, loadId, csv));
}

/** An unknown zone would fail deep inside the load with DuckDB's own words; it is the caller's input, named so. */
async function checkTimezone(store: Store, timezone: string): Promise<void> {
  // DuckDB (ICU) matches zone names in any case, so the check does too.
  const known = await store.one<{ n: number }>('SELECT count(*) AS n FROM pg_timezone_names() WHERE lower(name) = lower($1)', [timezone]);
  if (!known?.n) throw badInput((o) => `${o.named('timezone')} "${timezone}" is not a known time zone; use an IANA name such as Europe/Lisbon, or UTC`, { field: 'timezone' });
}
