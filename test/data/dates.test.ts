import { describe, expect, it } from 'vitest';
import { dateOfDay, dayOfDate, parseDate, shiftDate } from '../../data/dates.ts';
import { TierlabError } from '../../data/errors.ts';

describe('dates (one cutoff type)', () => {
  it('accepts calendar dates, leap days included', () => {
    expect(parseDate('2024-02-29', 'asOf')).toBe('2024-02-29');
    expect(parseDate('1970-01-01', 'asOf')).toBe('1970-01-01');
  });

  it('refuses days a month does not have instead of rolling them over, naming the field', () => {
    // Date.parse reads 2024-02-30 as 2024-03-01: a cutoff a user never asked for.
    for (const bad of ['2024-02-30', '2023-02-29', '2024-04-31', '2024-13-01', '2024-00-10', '2024-1-1', '20240101', '', 20240101]) {
      let thrown: unknown;
      try {
        parseDate(bad, 'asOf');
      } catch (error) {
        thrown = error;
      }
      expect(thrown, String(bad)).toBeInstanceOf(TierlabError);
      expect((thrown as TierlabError).code).toBe('bad_input');
      expect((thrown as TierlabError).place.field).toBe('asOf');
    }
  });

  it('counts whole UTC days and shifts across month and year ends', () => {
    expect(dayOfDate('1970-01-02')).toBe(1);
    expect(dateOfDay(dayOfDate('2011-12-10'))).toBe('2011-12-10');
    expect(shiftDate('2024-03-01', -1)).toBe('2024-02-29');
    expect(shiftDate('2023-12-31', 1)).toBe('2024-01-01');
    expect(shiftDate('2024-01-01', -365)).toBe('2023-01-01');
  });
});
