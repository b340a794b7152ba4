// What the profile panel shows for one column, computed from the server's statistics: plain
// functions, no React, so the wording and the choice of chart are tested on their own.
import type { ColumnStatistics } from '../api/types';

export interface ColumnView {
  name: string;
  type: string;
  semantic: string; // "date (%d/%m/%Y)", "email", "text"
  nulls: string; // "12.5 %"
  empty: string;
  distinct: string; // "~1.2M" when estimated, "5" when exact
  range: string; // "min … max"
  quartiles: string; // "p25 10 · p50 20 · p75 30" (numeric columns)
  pattern: string; // the commonest pattern with its share
  pii: string; // "email 98 %" or ""
  piiReason: string;
  // One small chart: the histogram of a numeric column, else the top values.
  bars: { labels: string[]; counts: number[]; title: string };
  outliers: string; // "3 above 125.5" or ""
  lengths: string; // "2–40 chars, mean 18.3"
}

export function percent(part: number, whole: number): string {
  if (!whole || !part) return '0 %';
  const p = (100 * part) / whole;
  return `${p < 0.1 ? p.toPrecision(1) : p.toFixed(1)} %`;
}

export function compactCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

export function columnView(c: ColumnStatistics): ColumnView {
  const q = c.numeric?.quantiles ?? {};
  const quartiles = c.numeric ? ['p25', 'p50', 'p75'].filter((k) => q[k] !== undefined).map((k) => `${k} ${q[k]}`).join(' · ') : '';
  const topPattern = c.patterns[0];
  // Pattern counts are over the classified values (a sample on long text columns).
  const nonNull = c.classified_values || c.count - c.nulls;
  const histogram = c.numeric?.histogram;
  const bars =
    histogram && histogram.counts.length > 1
      ? { labels: histogram.labels, counts: histogram.counts, title: 'histogram (estimated)' }
      : { labels: c.top_values.map((v) => v.value), counts: c.top_values.map((v) => v.count), title: 'top values' };
  const o = c.numeric?.outliers;
  const outliers = o
    ? [o.below ? `${compactCount(o.below)} below ${o.low_fence}` : '', o.above ? `${compactCount(o.above)} above ${o.high_fence}` : '']
        .filter(Boolean)
        .join(', ')
    : '';
  return {
    name: c.name,
    type: c.type,
    semantic: c.format ? `${c.semantic_type} (${c.format})` : c.semantic_type,
    nulls: percent(c.nulls, c.count),
    empty: percent(c.empty, c.count),
    distinct: `${c.distinct_exact ? '' : '~'}${compactCount(c.distinct)}`,
    range: c.min === null && c.max === null ? '–' : `${c.min ?? '–'} … ${c.max ?? '–'}`,
    quartiles,
    pattern: topPattern ? `${topPattern.value} (${percent(topPattern.count, nonNull)})` : '',
    pii: c.pii ? `${c.pii.kind} ${Math.round(c.pii.likelihood * 100)} %` : '',
    piiReason: c.pii?.reason ?? '',
    bars,
    outliers,
    lengths: c.length ? `${c.length.min}–${c.length.max} chars, mean ${c.length.mean.toFixed(1)}` : '',
  };
}
