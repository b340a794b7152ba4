import { describe, expect, it } from 'vitest';
import type { ColumnStatistics } from '../api/types';
import { columnView, compactCount, percent } from './profile_view';

const base: ColumnStatistics = {
  name: 'c',
  type: 'string',
  semantic_type: 'text',
  format: null,
  semantic_confidence: 1,
  classified_values: 1000,
  kind_rates: {},
  count: 1000,
  nulls: 0,
  null_rate: 0,
  empty: 0,
  empty_rate: 0,
  padded: 0,
  distinct: 3,
  distinct_exact: true,
  distinct_relative_error: 0,
  min: 'a',
  max: 'c',
  top_values: [
    { value: 'a', count: 600 },
    { value: 'b', count: 300 },
    { value: 'c', count: 100 },
  ],
  top_values_max_error: 0,
  numeric: null,
  length: { min: 1, max: 1, mean: 1 },
  patterns: [{ value: 'a', count: 1000 }],
  patterns_max_error: 0,
  pii: null,
};

describe('columnView', () => {
  it('shows a text column with its top values as bars', () => {
    const v = columnView(base);
    expect(v.semantic).toBe('text');
    expect(v.distinct).toBe('3');
    expect(v.range).toBe('a … c');
    expect(v.bars.title).toBe('top values');
    expect(v.bars.counts).toEqual([600, 300, 100]);
    expect(v.pattern).toBe('a (100.0 %)');
    expect(v.lengths).toBe('1–1 chars, mean 1.0');
    expect(v.pii).toBe('');
  });

  it('marks estimates, formats and PII', () => {
    const v = columnView({
      ...base,
      semantic_type: 'date',
      format: '%d/%m/%Y',
      distinct: 1234567,
      distinct_exact: false,
      nulls: 125,
      pii: { kind: 'email', likelihood: 0.984, reason: '98 % of the values look like email addresses' },
    });
    expect(v.semantic).toBe('date (%d/%m/%Y)');
    expect(v.distinct).toBe('~1.2M');
    expect(v.nulls).toBe('12.5 %');
    expect(v.pii).toBe('email 98 %');
    expect(v.piiReason).toContain('email addresses');
  });

  it('uses the histogram and quartiles of a numeric column and names its outliers', () => {
    const v = columnView({
      ...base,
      type: 'float64',
      semantic_type: 'decimal',
      length: null,
      patterns: [],
      numeric: {
        mean: 5,
        stddev: 1,
        zeros: 0,
        negatives: 0,
        nan: 0,
        quantiles: { p1: '1', p25: '4', p50: '5', p75: '6', p99: '9' },
        quantile_rank_error: 0.0165,
        histogram: { labels: ['0 – 5', '5 – 10'], counts: [400, 600], estimated: true },
        outliers: { method: 'iqr', low_fence: '1', high_fence: '9', below: 0, above: 12, estimated: true, examples: ['1000'] },
      },
    });
    expect(v.quartiles).toBe('p25 4 · p50 5 · p75 6');
    expect(v.bars.title).toBe('histogram (estimated)');
    expect(v.bars.labels).toEqual(['0 – 5', '5 – 10']);
    expect(v.outliers).toBe('12 above 9');
    expect(v.pattern).toBe('');
  });

  it('shows an all-null column without a range', () => {
    const v = columnView({ ...base, min: null, max: null, nulls: 1000, top_values: [], patterns: [], length: null });
    expect(v.range).toBe('–');
    expect(v.nulls).toBe('100.0 %');
    expect(v.bars.counts).toEqual([]);
  });
});

describe('number formatting', () => {
  it.each<[number, string]>([
    [0, '0'],
    [9999, '9999'],
    [12345, '12.3k'],
    [10_000_000, '10.0M'],
    [2_500_000_000, '2.5B'],
  ])('compactCount(%i) = %s', (n, s) => expect(compactCount(n)).toBe(s));
  it('percent', () => {
    expect(percent(0, 10)).toBe('0 %');
    expect(percent(1, 3)).toBe('33.3 %');
    expect(percent(1, 100000)).toBe('0.001 %');
  });
});
