import { afterEach, describe, expect, it } from 'vitest';
import { CATCH_ALL_SEGMENT, DEFAULT_SEGMENT_RULES } from '../../models/tiers/rfm.ts';
import { categoryColor, PALETTE, paletteColor } from '../../web/src/charts/palette.ts';
import { columnFormats, columnKind, formatDays, formatMoney, formatNumber, formatShare, formatterFor, setCurrency } from '../../web/src/format.ts';

describe('one way to write numbers', () => {
  afterEach(() => setCurrency({ code: '', display: 'symbol', decimals: 2 }));

  it('reads what a column holds from its name and type', () => {
    expect(['median_monetary', 'revenue', 'value_at_risk', 'amount', 'expected_clv'].map((c) => columnKind(c))).toEqual(['money', 'money', 'money', 'money', 'money']);
    expect(['share_of_revenue', 'churn_probability', 'share'].map((c) => columnKind(c))).toEqual(['share', 'share', 'share']);
    expect(['recency_days', 'median_recency_days', 'tenure_days'].map((c) => columnKind(c))).toEqual(['days', 'days', 'days']);
    expect(columnKind('customers')).toBe('count');
    expect(columnKind('n_things', 'BIGINT')).toBe('count');
    expect(columnKind('silhouette', 'DOUBLE')).toBe('number');
  });

  it('writes money in the workspace currency, shares as percentages, days as days', () => {
    expect(formatMoney(55.99)).toBe('55.99');
    setCurrency({ code: 'EUR', display: 'symbol', decimals: 2 });
    expect(formatMoney(7135.989)).toBe('€7,135.99');
    expect(formatMoney('12345678901234.5')).toBe('€12,345,678,901,234.50');
    setCurrency({ code: 'JPY', display: 'code', decimals: 0 });
    expect(formatMoney(192.821).replace(/\s/g, ' ')).toBe('JPY 193');
    expect(formatShare(0.041)).toBe('4.1%');
    expect(formatShare(-0.0001)).toBe('0.0%');
    expect(formatMoney(-12.5).replace(/\s/g, ' ')).toBe('-JPY 13');
    expect(formatDays(12.4)).toBe('12 days');
    expect(formatDays(1)).toBe('1 day');
    expect(formatNumber(672.662)).toBe('672.66');
    expect(formatNumber(0.012345)).toBe('0.0123');
  });

  it('formats a result by its columns, and leaves text alone', () => {
    setCurrency({ code: 'USD', display: 'symbol', decimals: 2 });
    const formats = columnFormats([{ name: 'rfm_segment', type: 'VARCHAR' }, { name: 'revenue', type: 'DECIMAL(38,4)' }, { name: 'customers', type: 'BIGINT' }]);
    expect([formats.rfm_segment('Champions'), formats.revenue(1234.5), formats.customers(12345)]).toEqual(['Champions', '$1,234.50', '12,345']);
    expect(formatterFor('value_tier')('high')).toBe('high');
  });
});

describe('colours of categories', () => {
  it('gives the twelve RFM segments twelve different colours of the palette', () => {
    const segments = [...DEFAULT_SEGMENT_RULES.map((r) => r.name), CATCH_ALL_SEGMENT];
    expect(segments).toHaveLength(12);
    const colours = segments.map(categoryColor);
    expect(new Set(colours).size).toBe(12);
    expect(colours.every((c) => (PALETTE as readonly string[]).includes(c))).toBe(true);
  });

  it('keeps a category its colour, and past twelve goes on with a lighter scheme', () => {
    const first = categoryColor('cluster one');
    expect(categoryColor('cluster one')).toBe(first);
    const twelve = Array.from({ length: 24 }, (_, i) => paletteColor(i));
    expect(new Set(twelve).size).toBe(24);
    expect(paletteColor(12)).toBe('#9991c4');
  });
});
