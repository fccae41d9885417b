import type { ColumnMapping, DatasetKind } from './columns.ts';
import type { LanguageSetting } from './text-language.ts';

// What one file load takes (`ingestFile`), apart from the ingest so that its loaders need not import it.

/** How a customers file meets the customers already stored. */
export type CustomersMode = 'upsert' | 'replace';
export const CUSTOMERS_MODES: readonly CustomersMode[] = ['upsert', 'replace'];

export interface IngestOptions {
  kind: DatasetKind;
  /** A CSV (header row) or Parquet file. */
  file: string;
  /** Canonical field -> source column, for files with their own headers. */
  mapping?: ColumnMapping;
  /** Load the good rows and report the bad ones, instead of rejecting the whole file. */
  skipBadRows?: boolean;
  /** Number the rows as customer ids (for files without an id column, such as the telecom table). */
  generateIds?: boolean;
  /** IANA zone for timestamps written without an offset. Default UTC. */
  timezone?: string;
  /**
   * customers files: `upsert` (default) updates only the columns the file has and keeps the rest; `replace`
   * makes each customer in the file exactly its row (fields and attributes the file lacks are emptied).
   */
  mode?: CustomersMode;
  /** Files with more columns are refused before anything is read (a 413 over HTTP). Default: no limit. */
  maxColumns?: number;
  /** feedback only: the language of its texts, or `auto` (by script, per text; the default). */
  language?: LanguageSetting;
  /** How many row errors are listed (the count is always exact). */
  maxErrors?: number;
  onProgress?: (message: string) => void;
}
