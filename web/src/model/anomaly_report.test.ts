import { describe, expect, it } from 'vitest';
import type { AnomalyItem, AnomalyReport } from '../api/types';
import { anomalyRows, formatMetric, sparkline } from './anomaly_report';

const rows: AnomalyItem = {
  node_id: 'load_orders',
  column: null,
  metric: 'rows',
  observed: 10000,
  expected_low: 77.5,
  expected_high: 122.5,
  median: 100,
  score: 1980,
  baseline: 'weekday_hour',
  baseline_runs: 4,
  history: [100, 98, 102, 100],
};
const nulls: AnomalyItem = { ...rows, column: 'email', metric: 'null_rate', observed: 0.5, expected_low: 0, expected_high: 0.0425, median: 0.02, baseline: 'hour' };
const report: AnomalyReport = { history_runs: 12, checked: 14, not_enough_history: 0, min_history: 8, threshold: 4.5, policy: 'warn', summary: '', items: [rows, nulls] };

describe('anomaly report', () => {
  it('formats one row per anomaly', () => {
    const got = anomalyRows(report);
    expect(got.map((r) => [r.what, r.observed, r.expected, r.baseline, r.direction])).toEqual([
      ['load_orders rows', '10,000', '78 – 123', 'median 100 over 4 runs on the same weekday and hour', 'above'],
      ['load_orders.email null rate', '50 %', '0.0 % – 4.3 %', 'median 2.0 % over 4 runs at the same hour', 'above'],
    ]);
    expect(anomalyRows(null)).toEqual([]);
    expect(anomalyRows({ ...report, items: [] })).toEqual([]);
  });

  it.each([
    ['duration_seconds', 2.345, '2.35 s'],
    ['duration_seconds', 75.4, '75 s'],
    ['min', -3.5, '-3.5'],
    ['max', 1 / 3, '0.3333'],
    ['distinct', 1234.4, '1,234'],
  ] as const)('formatMetric(%s, %s) = %s', (metric, v, want) => {
    expect(formatMetric(metric, v)).toBe(want);
  });

  it('scales history, band and observed value into the box', () => {
    const s = sparkline(rows, 100, 20, 0);
    // Five slots: four history values, then the observed one at the right edge, at the top.
    expect(s.observed).toEqual({ x: 100, y: 0 });
    expect(s.path.split(' ')).toHaveLength(4);
    expect(s.path.startsWith('M0.0,')).toBe(true);
    // The band sits at the bottom (the history is far below the observed 10,000).
    expect(s.band.y).toBeGreaterThan(19);
    expect(s.band.height).toBeGreaterThanOrEqual(0.09);
    // A flat history still gets a band and a line.
    const flat = sparkline({ ...rows, history: [5, 5], observed: 5, expected_low: 5, expected_high: 5 }, 100, 20, 0);
    expect(flat.observed.y).toBe(10);
    expect(flat.band.height).toBe(1);
  });
});
