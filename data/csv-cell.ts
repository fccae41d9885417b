import { isDecimalText } from './decimal-text.ts';

/**
 * One value as a CSV cell, for every CSV Tierlab writes (the at-risk exports of the API and the CLI). Quoted when
 * it holds a quote, comma or line break. Text a spreadsheet would run as a formula (starting with =, +, -, @, a
 * tab or a carriage return, and not a plain number) gets a leading apostrophe: an export opened in Excel must not
 * execute a customer id such as =HYPERLINK(...).
 *
 * @example
 * csvCell('Smith, J'); // '"Smith, J"'
 * csvCell('=1+1'); // "'=1+1"
 * csvCell(-12.5); // '-12.5'
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !isDecimalText(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
