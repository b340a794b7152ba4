// The run timeline's layout, as plain data: one bar per attempt, a "waiting" bar while a retrying
// run sits out its backoff, and one bar per node placed in the attempt it ran in. All positions
// are percentages of one time axis, so the component only draws.
//
// Node metrics carry started_at/finished_at (wall clock, from the executor) and are drawn as they
// are. Metrics stored before those existed have only wall_seconds: such a bar starts at its
// attempt's start, lasts wall_seconds and is marked `estimated`.
import type { NodeMetrics, Run, RunAttempt } from '../api/types';

export interface TimelineBar {
  key: string;
  label: string;
  status: string;
  attempt: number;
  start: number; // epoch ms
  end: number; // epoch ms
  left: number; // % of the axis
  width: number; // % of the axis, at least kMinWidth so instant bars stay visible
  estimated?: boolean;
  error?: string | null;
}

export interface TimelineTick {
  left: number;
  offsetSeconds: number; // since the axis start
}

export interface RunTimeline {
  start: number;
  end: number;
  attempts: TimelineBar[];
  waiting: TimelineBar | null; // retrying: from the last attempt's end to not_before
  nodes: TimelineBar[];
  ticks: TimelineTick[];
}

export const kMinWidth = 0.4;

function ms(ts: string | null | undefined): number | undefined {
  if (!ts) return undefined;
  const t = new Date(ts).getTime();
  return Number.isNaN(t) ? undefined : t;
}

// The attempts of a run; a run from before attempts were recorded counts as one.
export function attemptsOf(run: Run): RunAttempt[] {
  if (run.attempts?.length) return run.attempts;
  if (!run.started_at) return [];
  return [{ attempt: run.attempt ?? 1, worker: run.worker, status: run.status, started_at: run.started_at, finished_at: run.finished_at, error: run.error }];
}

// "Nice" tick steps (seconds) for an axis of `span` seconds, about five ticks.
function tickStep(span: number): number {
  const steps = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];
  return steps.find((s) => span / s <= 6) ?? 86400 * Math.ceil(span / 86400 / 6);
}

export function layoutRunTimeline(run: Run, nodes: { id: string; name: string }[], metrics: Record<string, NodeMetrics>, now: number): RunTimeline {
  const attempts = attemptsOf(run);
  const attemptSpans = attempts.map((a) => {
    const start = ms(a.started_at) ?? now;
    const end = ms(a.finished_at) ?? (a.status === 'running' ? now : start);
    return { a, start, end: Math.max(end, start) };
  });
  const byAttempt = new Map(attemptSpans.map((s) => [s.a.attempt, s]));
  const last = attemptSpans[attemptSpans.length - 1];

  const nodeSpans = nodes.flatMap(({ id, name }) => {
    const m = metrics[id];
    if (!m || !m.status || m.status === 'pending' || m.status === 'queued') return [];
    const span = (m.attempt !== undefined ? byAttempt.get(m.attempt) : undefined) ?? last;
    const explicitStart = ms(m.started_at);
    const start = explicitStart ?? span?.start ?? ms(run.started_at) ?? now;
    const wall = (m.wall_seconds ?? 0) * 1000;
    const end = ms(m.finished_at) ?? (m.status === 'running' && !wall ? now : start + wall);
    return [{ id, name, m, attempt: span?.a.attempt ?? m.attempt ?? 1, start, end: Math.max(end, start), estimated: explicitStart === undefined }];
  });

  const waitingUntil = run.status === 'retrying' ? ms(run.not_before) : undefined;
  const waitingFrom = last ? last.end : ms(run.created_at);
  const times = [...attemptSpans.flatMap((s) => [s.start, s.end]), ...nodeSpans.flatMap((s) => [s.start, s.end])];
  if (waitingUntil !== undefined && waitingFrom !== undefined) times.push(waitingFrom, waitingUntil);
  const start = times.length ? Math.min(...times) : now;
  const end = Math.max(times.length ? Math.max(...times) : now, start + 1);
  const span = end - start;
  const place = (s: number, e: number) => {
    const width = Math.max(((e - s) / span) * 100, kMinWidth);
    return { left: Math.min(((s - start) / span) * 100, 100 - width), width };
  };

  const step = tickStep(span / 1000);
  const ticks: TimelineTick[] = [];
  for (let t = 0; t <= span / 1000 + 1e-9; t += step) ticks.push({ left: ((t * 1000) / span) * 100, offsetSeconds: Math.round(t * 1000) / 1000 });

  return {
    start,
    end,
    attempts: attemptSpans.map(({ a, start: s, end: e }) => ({
      key: `attempt-${a.attempt}`,
      label: `Attempt ${a.attempt}`,
      status: a.status,
      attempt: a.attempt,
      start: s,
      end: e,
      ...place(s, e),
      error: a.error,
    })),
    waiting:
      waitingUntil !== undefined && waitingFrom !== undefined
        ? { key: 'waiting', label: 'Waiting to retry', status: 'retrying', attempt: run.attempt ?? attempts.length + 1, start: waitingFrom, end: Math.max(waitingUntil, waitingFrom), ...place(waitingFrom, Math.max(waitingUntil, waitingFrom)) }
        : null,
    nodes: nodeSpans.map(({ id, name, m, attempt, start: s, end: e, estimated }) => ({
      key: `node-${id}`,
      label: name || id,
      status: m.status ?? '',
      attempt,
      start: s,
      end: e,
      ...place(s, e),
      estimated,
      error: m.error,
    })),
    ticks,
  };
}

// The line shown while a run waits for its next attempt, or null.
export function retryNotice(run: Run, now: number): string | null {
  if (run.status !== 'retrying') return null;
  const failed = (run.attempt ?? 2) - 1;
  const of = run.max_attempts ? ` of ${run.max_attempts}` : '';
  const at = ms(run.not_before);
  if (at === undefined) return `Attempt ${failed}${of} failed; the next attempt is queued.`;
  const wait = Math.max(0, Math.round((at - now) / 1000));
  return `Attempt ${failed}${of} failed; next attempt at ${new Date(at).toLocaleTimeString()} (${wait > 0 ? `in ${wait} s` : 'due now'}).`;
}
