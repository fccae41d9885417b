import { describe, expect, it } from 'vitest';
import { csvCell } from '../../data/csv-cell.ts';

describe('CSV cells of the exports', () => {
  it('quotes values holding a quote, comma or line break, and leaves others as written', () => {
    expect(csvCell('Smith, J')).toBe('"Smith, J"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('C1042')).toBe('C1042');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('defuses text a spreadsheet would run as a formula, but not numbers', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+44 20 7946 0000')).toBe("'+44 20 7946 0000");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-cmd')).toBe("'-cmd");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell('-0.0004')).toBe('-0.0004');
    expect(csvCell('+3e-2')).toBe('+3e-2');
  });
});
