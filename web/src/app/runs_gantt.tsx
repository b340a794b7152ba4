// Gantt view of recent runs: a row per pipeline, a bar per run colored by status; hovering a bar
// shows the run, clicking opens it. Layout in runs_gantt_layout.ts.
import Box from '@mui/material/Box';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useMemo } from 'react';
import type { Run } from '../api/types';
import { formatDuration, formatTime } from '../components/format';
import { kStatusColors } from './theme';
import { navigate } from './router';
import { layoutRunsGantt, type GanttBar } from './runs_gantt_layout';

const kLaneHeight = 18;
const kLabelWidth = 200;

function tickLabel(t: number, spanMs: number): string {
  const d = new Date(t);
  if (spanMs > 2 * 86_400_000) return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric', hour: '2-digit' });
  return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', ...(spanMs < 120_000 ? { second: '2-digit' } : {}) });
}

function RunBar({ bar }: { bar: GanttBar }) {
  const r = bar.run;
  const color = kStatusColors[r.status] ?? '#757575';
  const title = (
    <span>
      <b>{r.status}</b> · run {r.id.slice(0, 12)}
      {r.trigger ? ` · ${r.trigger}` : ''}
      <br />
      {bar.started ? `started ${formatTime(r.started_at)}` : `created ${formatTime(r.created_at)} (never started)`}
      {r.finished_at ? ` · ${formatDuration((bar.end - bar.start) / 1000)}` : ''}
      {r.max_attempts && r.max_attempts > 1 ? ` · attempt ${r.attempt ?? 1} of ${r.max_attempts}` : ''}
      {r.error ? (
        <>
          <br />
          {r.error.length > 200 ? `${r.error.slice(0, 200)}…` : r.error}
        </>
      ) : null}
    </span>
  );
  return (
    <Tooltip title={title} placement="top" disableInteractive>
      <Box
        component="button"
        type="button"
        aria-label={`Run ${r.id.slice(0, 12)} ${r.status}`}
        data-testid="gantt-bar"
        data-run-id={r.id}
        data-status={r.status}
        onClick={() => navigate({ name: 'run', id: r.id })}
        // Per-bar geometry inline: sx would generate one CSS class per bar.
        style={{ top: bar.lane * kLaneHeight + 3, left: `${bar.left}%`, width: `${bar.width}%` }}
        sx={{
          position: 'absolute',
          height: kLaneHeight - 4,
          minWidth: 4,
          p: 0,
          border: 0,
          borderRadius: 0.5,
          cursor: 'pointer',
          bgcolor: bar.started ? color : 'transparent',
          outline: bar.started ? undefined : `1px dashed ${color}`,
          '&:hover, &:focus-visible': { filter: 'brightness(1.15)', outline: '2px solid #263238', zIndex: 1 },
        }}
      />
    </Tooltip>
  );
}

export function RunsGantt({ runs, names, now }: { runs: Run[]; names: Map<string, string>; now: number }) {
  const layout = useMemo(() => layoutRunsGantt(runs, names, now), [runs, names, now]);
  const span = layout.end - layout.start;
  if (!layout.rows.length) {
    return (
      <Typography sx={{ textAlign: 'center', py: 4, color: 'text.secondary' }} data-testid="gantt-empty">
        No runs match.
      </Typography>
    );
  }
  return (
    <Box role="figure" aria-label="Runs Gantt chart" data-testid="runs-gantt" sx={{ p: 1.5 }}>
      {layout.rows.map((row) => (
        <Box key={row.pipelineId} data-testid="gantt-row" data-pipeline-id={row.pipelineId} sx={{ display: 'flex', borderBottom: 1, borderColor: 'divider' }}>
          <Box sx={{ width: kLabelWidth, flexShrink: 0, fontSize: 13, pr: 1, py: '2px', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={row.label}>
            {row.label}
          </Box>
          <Box sx={{ position: 'relative', flex: 1, height: row.lanes * kLaneHeight + 4, borderLeft: 1, borderColor: 'divider' }}>
            {layout.ticks.map((t) => (
              <Box key={t.time} sx={{ position: 'absolute', top: 0, bottom: 0, left: `${t.left}%`, borderLeft: '1px dotted #e0e0e0' }} />
            ))}
            {row.bars.map((b) => (
              <RunBar key={b.run.id} bar={b} />
            ))}
          </Box>
        </Box>
      ))}
      <Box sx={{ display: 'flex', height: 20 }}>
        <Box sx={{ width: kLabelWidth, flexShrink: 0 }} />
        <Box sx={{ position: 'relative', flex: 1 }}>
          {layout.ticks.map((t) => (
            <Box key={t.time} sx={{ position: 'absolute', left: `${t.left}%`, transform: 'translateX(-50%)', fontSize: 11, color: 'text.secondary', whiteSpace: 'nowrap' }}>
              {tickLabel(t.time, span)}
            </Box>
          ))}
        </Box>
      </Box>
      <Box sx={{ display: 'flex', gap: 1.5, flexWrap: 'wrap', mt: 1, fontSize: 12, color: 'text.secondary' }}>
        {['succeeded', 'failed', 'running', 'retrying', 'queued', 'timed_out', 'cancelled', 'skipped'].map((s) => (
          <Box key={s} sx={{ display: 'flex', alignItems: 'center', gap: 0.5 }}>
            <Box sx={{ width: 12, height: 10, borderRadius: 0.5, bgcolor: kStatusColors[s] }} />
            {s.replace('_', ' ')}
          </Box>
        ))}
      </Box>
    </Box>
  );
}
