// The run page's anomaly panel, as plain data: one row per anomaly with its labels and numbers
// formatted for reading, and the sparkline of the baseline's history with the observed value and
// the expected band, scaled into a small SVG box. The server computed the report
// (src/anomaly/anomaly_detector.h); nothing is judged here.
import type { AnomalyItem, AnomalyReport } from '../api/types';

export interface AnomalyRow {
  key: string;
  what: string; // "load_orders rows", "load_orders.email null rate"
  observed: string;
  expected: string; // "77.5 – 122.5"
  baseline: string; // "12 runs on the same weekday and hour"
  direction: 'above' | 'below';
  item: AnomalyItem;
}

const kMetricNames: Record<AnomalyItem['metric'], string> = {
  rows: 'rows',
  duration_seconds: 'duration',
  null_rate: 'null rate',
  distinct: 'distinct values',
  min: 'min',
  max: 'max',
};

const kBaselineWords: Record<AnomalyItem['baseline'], string> = {
  weekday_hour: 'on the same weekday and hour',
  hour: 'at the same hour',
  all: 'in all',
};

// A metric's value for reading: rates as percentages, durations in seconds, counts whole.
export function formatMetric(metric: AnomalyItem['metric'], v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (metric === 'null_rate') return `${(v * 100).toFixed(v * 100 < 10 ? 1 : 0)} %`;
  if (metric === 'duration_seconds') return `${v < 10 ? v.toFixed(2) : Math.round(v)} s`;
  if (metric === 'rows' || metric === 'distinct') return Math.round(v).toLocaleString('en-US');
  if (Number.isInteger(v)) return String(v);
  // Four significant digits, without the zeros toPrecision pads a fraction with.
  const text = v.toPrecision(4);
  return text.includes('e') || !text.includes('.') ? text : text.replace(/0+$/, '').replace(/\.$/, '');
}

export function anomalyRows(report: AnomalyReport | null | undefined): AnomalyRow[] {
  return (report?.items ?? []).map((item) => ({
    key: `${item.node_id}/${item.column ?? ''}/${item.metric}`,
    what: `${item.node_id}${item.column ? `.${item.column}` : ''} ${kMetricNames[item.metric] ?? item.metric}`,
    observed: formatMetric(item.metric, item.observed),
    expected: `${formatMetric(item.metric, item.expected_low)} – ${formatMetric(item.metric, item.expected_high)}`,
    baseline: `median ${formatMetric(item.metric, item.median)} over ${item.baseline_runs} runs ${kBaselineWords[item.baseline] ?? ''}`.trim(),
    direction: item.observed >= item.median ? 'above' : 'below',
    item,
  }));
}

export interface Sparkline {
  path: string; // the history, oldest on the left
  band: { y: number; height: number }; // the expected range
  observed: { x: number; y: number }; // the run itself, right of the history
}

// The history and the observed value in a width × height box (y grows downwards). The vertical
// scale covers the history, the expected band and the observed value, so all three show.
export function sparkline(item: AnomalyItem, width: number, height: number, pad = 3): Sparkline {
  const values = [...item.history, item.observed, item.expected_low, item.expected_high].filter(Number.isFinite);
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi === lo) {
    hi += 1;
    lo -= 1;
  }
  const y = (v: number) => pad + (height - 2 * pad) * (1 - (v - lo) / (hi - lo));
  const slots = item.history.length + 1; // the observed value takes the last slot
  const x = (i: number) => pad + ((width - 2 * pad) * i) / Math.max(1, slots - 1);
  const path = item.history.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const top = y(item.expected_high);
  return {
    path,
    band: { y: top, height: Math.max(1, y(item.expected_low) - top) },
    observed: { x: x(slots - 1), y: y(item.observed) },
  };
}
