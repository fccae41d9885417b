/**
 * Is this text a number as people write it in decimal (12, -0.5, .5, 3e-2)? `Number()` alone would also take
 * " 10", "0x10", "0b1" and "" (as 0). The API reads query numbers with it; CSV exports tell numbers from text.
 *
 * @example
 * isDecimalText('-12.5'); // true
 * isDecimalText('0x10'); // false
 */
export function isDecimalText(text: string): boolean {
  return DECIMAL.test(text);
}

const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
