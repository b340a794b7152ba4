// The runs Gantt and the run timeline as rendered: a row per pipeline, a bar per run carrying its
// status, a click on a bar opens the run; attempt and node bars on the run page.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { Run } from '../api/types';
import { RunsGantt } from './runs_gantt';
import { layoutRunTimeline } from './run_timeline';
import { AttemptsTable, RunTimelineView } from './run_timeline_view';

const t0 = Date.parse('2026-12-06T10:00:00Z');
const iso = (s: number) => new Date(t0 + s * 1000).toISOString();

afterEach(() => cleanup());

// Rendering MUI in jsdom takes seconds on a loaded machine; the default 5 s is too tight.
describe('RunsGantt', { timeout: 30_000 }, () => {
  it('draws one row per pipeline and opens a run on click', () => {
    const runs: Run[] = [
      { id: 'run-a1', pipeline_id: 'a', status: 'succeeded', created_at: iso(0), started_at: iso(0), finished_at: iso(10) },
      { id: 'run-a2', pipeline_id: 'a', status: 'failed', created_at: iso(5), started_at: iso(5), finished_at: iso(20), error: 'boom' },
      { id: 'run-b1', pipeline_id: 'b', status: 'timed_out', created_at: iso(30), started_at: iso(30), finished_at: iso(40) },
    ];
    render(<RunsGantt runs={runs} names={new Map([['a', 'Alpha'], ['b', 'Beta']])} now={t0 + 60_000} />);
    const rows = screen.getAllByTestId('gantt-row');
    expect(rows.map((r) => r.getAttribute('data-pipeline-id'))).toEqual(['a', 'b']);
    const bars = screen.getAllByTestId('gantt-bar');
    expect(bars.map((b) => [b.getAttribute('data-run-id'), b.getAttribute('data-status')])).toEqual([
      ['run-a1', 'succeeded'],
      ['run-a2', 'failed'],
      ['run-b1', 'timed_out'],
    ]);
    // Overlapping runs of Alpha sit in two lanes.
    expect(bars[0].style.top === bars[1].style.top).toBe(false);
    fireEvent.click(bars[2]);
    expect(location.hash).toBe('#/runs/run-b1');
  });

  it('says so when no run matches', () => {
    render(<RunsGantt runs={[]} names={new Map()} now={t0} />);
    expect(screen.getByTestId('gantt-empty').textContent).toBe('No runs match.');
  });
});

describe('run page attempts', { timeout: 30_000 }, () => {
  const run: Run = {
    id: 'r',
    pipeline_id: 'p',
    status: 'retrying',
    attempt: 2,
    max_attempts: 3,
    not_before: iso(30),
    attempts: [{ attempt: 1, worker: 'w-1', status: 'timed_out', started_at: iso(0), finished_at: iso(12), error: 'timed out after 10 s' }],
  };

  it('lists attempts as "n of max" with worker, duration and error', () => {
    render(<AttemptsTable run={run} now={t0 + 20_000} />);
    const row = screen.getByTestId('attempt-1');
    const cells = [...row.querySelectorAll('td')].map((c) => c.textContent);
    expect(cells[0]).toBe('1 of 3');
    expect(cells[1]).toBe('w-1');
    expect(cells[2]).toBe('timed out');
    expect(cells[4]).toBe('12.0 s');
    expect(cells[5]).toBe('timed out after 10 s');
  });

  it('draws the attempt and the wait for the next one', () => {
    render(<RunTimelineView timeline={layoutRunTimeline(run, [], {}, t0 + 20_000)} />);
    expect(screen.getByTestId('timeline-attempt-1').style.width).toBe('40%');
    expect(screen.getByTestId('timeline-waiting').style.left).toBe('40%');
    expect(screen.getByText('Waiting to retry')).toBeTruthy();
  });
});
