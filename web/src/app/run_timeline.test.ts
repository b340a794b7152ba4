// The run timeline layout: attempt bars, the retry wait, node bars placed in their attempt, the
// axis ticks; checked against hand-computed percentages.
import { describe, expect, it } from 'vitest';
import type { NodeMetrics, Run } from '../api/types';
import { attemptsOf, kMinWidth, layoutRunTimeline, retryNotice } from './run_timeline';

const t0 = Date.parse('2026-12-06T10:00:00Z');
const iso = (s: number) => new Date(t0 + s * 1000).toISOString();
const nodes = [
  { id: 'src', name: 'Source' },
  { id: 'out', name: 'Out' },
];

function run(extra: Partial<Run>): Run {
  return { id: 'r1', pipeline_id: 'p1', status: 'succeeded', ...extra };
}

describe('layoutRunTimeline', () => {
  it('places two attempts and the nodes of the second on one axis', () => {
    const r = run({
      status: 'succeeded',
      attempts: [
        { attempt: 1, worker: 'w1', status: 'timed_out', started_at: iso(0), finished_at: iso(10), error: 'timed out' },
        { attempt: 2, worker: 'w2', status: 'succeeded', started_at: iso(30), finished_at: iso(40) },
      ],
    });
    const metrics: Record<string, NodeMetrics> = {
      src: { status: 'succeeded', wall_seconds: 4, attempt: 2 },
      out: { status: 'succeeded', wall_seconds: 10, attempt: 2 },
    };
    const t = layoutRunTimeline(r, nodes, metrics, t0 + 100_000);
    expect(t.start).toBe(t0);
    expect(t.end).toBe(t0 + 40_000);
    expect(t.attempts.map((a) => [a.label, a.status, a.left, a.width])).toEqual([
      ['Attempt 1', 'timed_out', 0, 25],
      ['Attempt 2', 'succeeded', 75, 25],
    ]);
    expect(t.nodes.map((n) => [n.label, n.attempt, n.left, n.width, n.estimated])).toEqual([
      ['Source', 2, 75, 10, true],
      ['Out', 2, 75, 25, true],
    ]);
    expect(t.waiting).toBeNull();
    expect(t.ticks.map((k) => k.offsetSeconds)).toEqual([0, 10, 20, 30, 40]);
    expect(t.ticks[2].left).toBe(50);
  });

  it('shows the wait of a retrying run up to not_before and stretches the axis to it', () => {
    const r = run({
      status: 'retrying',
      attempt: 2,
      max_attempts: 3,
      not_before: iso(20),
      attempts: [{ attempt: 1, worker: 'w1', status: 'failed', started_at: iso(0), finished_at: iso(5), error: 'source unavailable' }],
    });
    const t = layoutRunTimeline(r, nodes, {}, t0 + 8000);
    expect(t.end).toBe(t0 + 20_000);
    expect(t.waiting).toMatchObject({ status: 'retrying', attempt: 2, left: 25, width: 75 });
    expect(t.nodes).toEqual([]);
  });

  it('runs a running attempt and a running node without wall time up to now', () => {
    const r = run({ status: 'running', attempts: [{ attempt: 1, status: 'running', started_at: iso(0) }] });
    const t = layoutRunTimeline(r, nodes, { src: { status: 'running' }, out: { status: 'pending' } }, t0 + 5000);
    expect(t.attempts[0]).toMatchObject({ left: 0, width: 100 });
    expect(t.nodes.map((n) => n.key)).toEqual(['node-src']);
    expect(t.nodes[0]).toMatchObject({ left: 0, width: 100 });
  });

  it('uses node timestamps when the metrics carry them', () => {
    const r = run({ attempts: [{ attempt: 1, status: 'succeeded', started_at: iso(0), finished_at: iso(10) }] });
    const t = layoutRunTimeline(r, nodes, { out: { status: 'succeeded', started_at: iso(6), finished_at: iso(9), wall_seconds: 1 } }, t0);
    expect(t.nodes[0]).toMatchObject({ left: 60, width: 30, estimated: false });
  });

  it('keeps instant bars visible and inside the axis', () => {
    const r = run({ attempts: [{ attempt: 1, status: 'succeeded', started_at: iso(0), finished_at: iso(10) }] });
    const t = layoutRunTimeline(r, nodes, { src: { status: 'succeeded', wall_seconds: 0, started_at: iso(10) } }, t0);
    expect(t.nodes[0].width).toBe(kMinWidth);
    expect(t.nodes[0].left + t.nodes[0].width).toBeLessThanOrEqual(100);
  });

  it('counts a run without recorded attempts as one attempt, and a queued run as none', () => {
    expect(attemptsOf(run({ started_at: iso(0), finished_at: iso(3), worker: 'w' }))).toEqual([
      { attempt: 1, worker: 'w', status: 'succeeded', started_at: iso(0), finished_at: iso(3), error: undefined },
    ]);
    expect(attemptsOf(run({ status: 'queued' }))).toEqual([]);
    const t = layoutRunTimeline(run({ status: 'queued' }), nodes, {}, t0);
    expect(t.attempts).toEqual([]);
    expect(t.end).toBeGreaterThan(t.start);
  });
});

describe('retryNotice', () => {
  it.each([
    ['not retrying', { status: 'running' as const }, null],
    ['retrying with a time', { status: 'retrying' as const, attempt: 2, max_attempts: 3, not_before: iso(30) }, /^Attempt 1 of 3 failed; next attempt at .+ \(in 30 s\)\.$/],
    ['retrying, due', { status: 'retrying' as const, attempt: 3, max_attempts: 3, not_before: iso(-1) }, /^Attempt 2 of 3 failed; .*\(due now\)\.$/],
    ['retrying without a time', { status: 'retrying' as const, attempt: 2 }, /^Attempt 1 failed; the next attempt is queued\.$/],
  ])('%s', (_, extra, want) => {
    const got = retryNotice(run(extra), t0);
    if (want === null) expect(got).toBeNull();
    else expect(got).toMatch(want);
  });
});
