// The runs Gantt layout: rows per pipeline sorted by name, bars in % of the axis, overlapping runs
// in separate lanes, live runs up to now, never-started runs at their creation, round ticks.
import { describe, expect, it } from 'vitest';
import type { Run } from '../api/types';
import { ganttTicks, kMinBarWidth, layoutRunsGantt } from './runs_gantt_layout';

const t0 = Date.parse('2026-12-06T10:00:00Z');
const iso = (s: number) => new Date(t0 + s * 1000).toISOString();

function run(id: string, pipeline: string, status: Run['status'], start: number | null, end: number | null, created = start ?? 0): Run {
  return { id, pipeline_id: pipeline, status, created_at: iso(created), started_at: start === null ? null : iso(start), finished_at: end === null ? null : iso(end) };
}

const names = new Map([
  ['p-b', 'Billing'],
  ['p-a', 'Accounts'],
]);

describe('layoutRunsGantt', () => {
  it('puts one row per pipeline, sorted by name, with bars in % of the axis', () => {
    const g = layoutRunsGantt([run('r1', 'p-b', 'succeeded', 0, 25), run('r2', 'p-a', 'failed', 50, 100), run('r3', 'p-b', 'succeeded', 75, 100)], names, t0 + 1e6);
    expect(g.start).toBe(t0);
    expect(g.end).toBe(t0 + 100_000);
    expect(g.rows.map((r) => [r.label, r.lanes, r.bars.map((b) => [b.run.id, b.left, b.width, b.lane])])).toEqual([
      ['Accounts', 1, [['r2', 50, 50, 0]]],
      ['Billing', 1, [['r1', 0, 25, 0], ['r3', 75, 25, 0]]],
    ]);
  });

  it.each([
    ['overlapping runs take separate lanes', [[0, 60], [30, 90], [70, 100]], [0, 1, 0], 2],
    ['touching runs share a lane', [[0, 50], [50, 100]], [0, 0], 1],
    ['three at once', [[0, 100], [10, 90], [20, 80]], [0, 1, 2], 3],
  ])('%s', (_, spans, lanes, laneCount) => {
    const runs = (spans as number[][]).map(([s, e], i) => run(`r${i}`, 'p-a', 'succeeded', s, e));
    const row = layoutRunsGantt(runs, names, t0).rows[0];
    expect(row.bars.map((b) => b.lane)).toEqual(lanes);
    expect(row.lanes).toBe(laneCount);
  });

  it('draws a live run up to now and a finished-without-end run as an instant', () => {
    const g = layoutRunsGantt([run('done', 'p-a', 'succeeded', 0, 10), run('live', 'p-b', 'running', 20, null)], names, t0 + 40_000);
    expect(g.end).toBe(t0 + 40_000);
    const live = g.rows[1].bars[0];
    expect([live.left, live.width, live.started]).toEqual([50, 50, true]);
  });

  it('places a skipped run that never started at its creation, with the minimum width, inside the axis', () => {
    const g = layoutRunsGantt([run('a', 'p-a', 'succeeded', 0, 100), run('s', 'p-b', 'skipped', null, null, 100)], names, t0 + 100_000);
    const skipped = g.rows[1].bars[0];
    expect(skipped.started).toBe(false);
    expect(skipped.width).toBe(kMinBarWidth);
    expect(skipped.left + skipped.width).toBeLessThanOrEqual(100);
  });

  it('falls back to the run pipeline name, then its id, and skips runs without any time', () => {
    const g = layoutRunsGantt([{ ...run('x', 'p-z', 'succeeded', 0, 1), pipeline_name: 'Zeta' }, run('y', 'p-q', 'succeeded', 0, 2), { id: 'n', pipeline_id: 'p-a', status: 'queued' }], names, t0);
    expect(g.rows.map((r) => r.label)).toEqual(['p-q', 'Zeta']);
  });

  it('is empty but has an axis without runs', () => {
    const g = layoutRunsGantt([], names, t0);
    expect(g.rows).toEqual([]);
    expect(g.end - g.start).toBe(3_600_000);
  });
});

describe('ganttTicks', () => {
  it.each([
    ['10 minutes → every 2 min', 0, 600_000, 120_000],
    ['1 hour → every 10 min', 0, 3_600_000, 600_000],
    ['1 day → every 6 h', 0, 86_400_000, 6 * 3_600_000],
    ['20 s → every 5 s', 0, 20_000, 5000],
  ])('%s', (_, s, e, step) => {
    const ticks = ganttTicks(t0 + s, t0 + e);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThanOrEqual(7);
    for (let i = 1; i < ticks.length; i += 1) expect(ticks[i].time - ticks[i - 1].time).toBe(step);
    for (const t of ticks) expect(t.time % step).toBe(0);
  });

  it('starts at the first whole step after the start', () => {
    const ticks = ganttTicks(t0 + 61_000, t0 + 661_000);
    expect(ticks[0].time).toBe(t0 + 120_000);
    expect(ticks[0].left).toBeCloseTo((59_000 / 600_000) * 100, 6);
  });
});
