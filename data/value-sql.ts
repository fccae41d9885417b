import type { FieldType } from './columns.ts';
import { literal } from './store.ts';

/**
 * How a raw text value of an input file becomes a canonical typed value, as SQL expressions. The checked load
 * parses every value through these; the single-scan load for clean files keeps values as its reader reads them
 * and hands any file with a value these would change (isMissingWord, spaces around) to the checked load.
 */

const MISSING_WORDS = ['na', 'n/a', 'null', 'nan', 'none'];
const MISSING_WORD_BYTES = Math.max(...MISSING_WORDS.map((w) => w.length));
const MISSING = `('', ${MISSING_WORDS.map(literal).join(', ')})`;
const TRUE_WORDS = `('true', 'yes', 'y', 't', '1')`;
const FALSE_WORDS = `('false', 'no', 'n', 'f', '0')`;

/** SQL that is true when a raw text value stands for "no value". */
export const isMissing = (raw: string) => `(${raw} IS NULL OR lower(trim(${raw})) IN ${MISSING})`;

/**
 * SQL that is true when a value holds a NUL byte: never part of an id, and it cuts an id short wherever it is
 * handled as C text. (Other control characters, a tab say, are kept as written: looking for all of them with a
 * regular expression cost 0.3-0.5 s a million rows of two id columns on the single-scan path.)
 */
export const hasNul = (value: string) => `contains(${value}, chr(0))`;

/**
 * SQL that is true when a text value, as written, is one of the missing words in any case (NA, Na, nA, na, ...).
 * A lookup in the list of every spelling: lower() on every value cost 0.15 s a million rows, and an IN list
 * this long becomes a join, which hides the statement's progress. No missing word is longer than four bytes, so
 * a byte count first spares the lookup for nearly every value (0.1-0.15 s of CPU a million lines of five text
 * columns).
 */
export const isMissingWord = (value: string) => `(strlen(${value}) <= ${MISSING_WORD_BYTES} AND list_contains(${MISSING_SPELLINGS}, ${value}))`;

/** A word in every mix of lower and upper case. */
function spellings(word: string): string[] {
  if (!word) return [''];
  const cases = [...new Set([word[0].toLowerCase(), word[0].toUpperCase()])];
  return spellings(word.slice(1)).flatMap((rest) => cases.map((c) => c + rest));
}

const MISSING_SPELLINGS = `[${MISSING_WORDS.flatMap(spellings).map(literal).join(', ')}]`;

/**
 * SQL for an id as stored: an integer-valued decimal ("13085.0", "13085.00") loses its zero fraction, so the
 * customer a float column calls 13085.0 (a Parquet file's DOUBLE id, a spreadsheet's export) is the customer
 * another file calls 13085. Only zeros go: "13085.5" stays as written. The regular expression runs only on
 * values with a dot, which plain ids have not.
 *
 * @example
 * idSql('customer_id'); // CASE WHEN contains(customer_id, '.') THEN regexp_replace(...) ELSE customer_id END
 */
export const idSql = (value: string) => `CASE WHEN contains(${value}, '.') THEN regexp_replace(${value}, '^(-?[0-9]+)[.]0+$', '\\1') ELSE ${value} END`;

/**
 * SQL parsing a raw text column to its canonical type; NULL when it cannot be parsed.
 * Ids are trimmed and lose a zero fraction (idSql); other text is kept as written. Missing words (NA, null, ...)
 * are NULL.
 * Timestamps: ISO dates or date-times (an explicit offset is honoured; none means `timezone`), and YYYYMMDD.
 * An offset only counts after a time of day: in a plain date such as 2024-01-15 the "-15" is the day.
 */
export function parseExpr(type: FieldType, raw: string, timezone: string): string {
  const v = `trim(${raw})`;
  switch (type) {
    case 'id':
    case 'text':
      return `CASE WHEN ${isMissing(raw)} THEN NULL ELSE ${type === 'id' ? idSql(v) : raw} END`;
    case 'money':
      return `TRY_CAST(${v} AS DECIMAL(18,4))`;
    case 'number':
      // NaN is a missing word here, not a number to compute with.
      return `nullif(TRY_CAST(${v} AS DOUBLE), 'NaN'::DOUBLE)`;
    case 'boolean':
      return `CASE WHEN lower(${v}) IN ${TRUE_WORDS} THEN true WHEN lower(${v}) IN ${FALSE_WORDS} THEN false END`;
    case 'date':
      return `CASE WHEN regexp_full_match(${v}, '\\d{8}') THEN TRY_CAST(TRY_STRPTIME(${v}, '%Y%m%d') AS DATE)
        ELSE TRY_CAST(TRY_CAST(${v} AS TIMESTAMP) AS DATE) END`;
    case 'timestamp':
      return `CASE WHEN regexp_full_match(${v}, '\\d{8}') THEN timezone(${literal(timezone)}, TRY_STRPTIME(${v}, '%Y%m%d'))
        WHEN regexp_matches(${v}, '\\d:\\d\\d(:\\d\\d(\\.\\d+)?)?\\s*(Z|[+-]\\d\\d(:?\\d\\d)?)$') THEN TRY_CAST(${v} AS TIMESTAMPTZ)
        ELSE timezone(${literal(timezone)}, TRY_CAST(${v} AS TIMESTAMP)) END`;
  }
}

/** What a value of each type should look like, for row errors. */
export const TYPE_WORDS: Record<FieldType, string> = {
  id: 'an id',
  text: 'text',
  money: 'an amount (a decimal number)',
  number: 'a number',
  boolean: 'true/false, yes/no or 1/0',
  date: 'a date (ISO or YYYYMMDD)',
  timestamp: 'a date or date-time (ISO or YYYYMMDD)',
};
