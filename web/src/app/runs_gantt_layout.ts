// The Gantt view of recent runs, as plain data: one row per pipeline (sorted by name), a bar per
// run from started_at to finished_at (a live run reaches "now"), runs of one pipeline that overlap
// stacked in lanes so none hides another. Positions are percentages of one wall-clock axis.
import type { Run } from '../api/types';

export interface GanttBar {
  run: Run;
  left: number; // % of the axis
  width: number; // %, at least kMinBarWidth
  lane: number; // 0-based within the row
  start: number; // epoch ms
  end: number;
  started: boolean; // false: never started (queued or skipped); drawn at created_at
}

export interface GanttRow {
  pipelineId: string;
  label: string;
  lanes: number;
  bars: GanttBar[];
}

export interface GanttTick {
  left: number;
  time: number; // epoch ms
}

export interface GanttLayout {
  start: number;
  end: number;
  rows: GanttRow[];
  ticks: GanttTick[];
}

export const kMinBarWidth = 0.3;
const kLive = new Set(['queued', 'running', 'retrying']);

function ms(ts: string | null | undefined): number | undefined {
  if (!ts) return undefined;
  const t = new Date(ts).getTime();
  return Number.isNaN(t) ? undefined : t;
}

// Round tick steps in ms; about `target` ticks over the span.
const kSteps = [1, 2, 5, 10, 15, 30].map((s) => s * 1000).concat([1, 2, 5, 10, 15, 30].map((m) => m * 60_000), [1, 2, 3, 6, 12].map((h) => h * 3_600_000), [86_400_000, 2 * 86_400_000, 7 * 86_400_000]);

export function ganttTicks(start: number, end: number, target = 6): GanttTick[] {
  const span = end - start;
  const step = kSteps.find((s) => span / s <= target) ?? Math.ceil(span / target / 86_400_000) * 86_400_000;
  const ticks: GanttTick[] = [];
  // Ticks at whole multiples of the step (in UTC), so labels read 10:15, 10:30, …
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) ticks.push({ left: ((t - start) / span) * 100, time: t });
  return ticks;
}

export function layoutRunsGantt(runs: Run[], names: Map<string, string>, now: number): GanttLayout {
  const spans = runs.flatMap((run) => {
    const startedAt = ms(run.started_at);
    const start = startedAt ?? ms(run.created_at);
    if (start === undefined) return [];
    const finished = ms(run.finished_at);
    const end = finished ?? (kLive.has(run.status) ? Math.max(now, start) : start);
    return [{ run, start, end: Math.max(end, start), started: startedAt !== undefined }];
  });
  const start = spans.length ? Math.min(...spans.map((s) => s.start)) : now - 3_600_000;
  const end = Math.max(spans.length ? Math.max(...spans.map((s) => s.end)) : now, start + 1000);
  const span = end - start;

  const byPipeline = new Map<string, typeof spans>();
  for (const s of spans) {
    const list = byPipeline.get(s.run.pipeline_id) ?? [];
    list.push(s);
    byPipeline.set(s.run.pipeline_id, list);
  }
  const rows: GanttRow[] = [...byPipeline.entries()].map(([pipelineId, list]) => {
    list.sort((a, b) => a.start - b.start || a.end - b.end || a.run.id.localeCompare(b.run.id));
    const laneEnds: number[] = []; // the end (in %) of the last bar of each lane
    const bars = list.map((s) => {
      const width = Math.max(((s.end - s.start) / span) * 100, kMinBarWidth);
      const left = Math.min(((s.start - start) / span) * 100, 100 - width);
      // First lane whose last bar ends before this one starts (by drawn extent, so that the
      // minimum width of instant runs never makes two bars overlap).
      let lane = laneEnds.findIndex((e) => e <= left);
      if (lane < 0) lane = laneEnds.length;
      laneEnds[lane] = left + width;
      return { run: s.run, left, width, lane, start: s.start, end: s.end, started: s.started };
    });
    return { pipelineId, label: names.get(pipelineId) ?? list[0].run.pipeline_name ?? pipelineId, lanes: Math.max(1, laneEnds.length), bars };
  });
  rows.sort((a, b) => a.label.localeCompare(b.label) || a.pipelineId.localeCompare(b.pipelineId));
  return { start, end, rows, ticks: ganttTicks(start, end) };
}
