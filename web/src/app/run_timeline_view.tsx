// The run page's attempts list and timeline. Layout comes from run_timeline.ts; this file only
// draws it (absolutely positioned bars over a time axis, a tooltip per bar).
import Box from '@mui/material/Box';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import type { Run } from '../api/types';
import { StatusChip } from '../components/status_chip';
import { formatDuration, formatTime } from '../components/format';
import { kStatusColors } from './theme';
import { attemptsOf, type RunTimeline, type TimelineBar } from './run_timeline';

const kLabelWidth = 150;

function colorOf(status: string): string {
  return kStatusColors[status] ?? (status === 'lost' ? kStatusColors.interrupted : '#757575');
}

export function AttemptsTable({ run, now }: { run: Run; now: number }) {
  const attempts = attemptsOf(run);
  const max = run.max_attempts ?? Math.max(1, attempts.length);
  if (!attempts.length) {
    return (
      <Typography variant="body2" sx={{ color: 'text.secondary', p: 1 }}>
        No attempt has started yet{run.status === 'queued' ? ' (queued)' : ''}.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Attempts">
      <TableHead>
        <TableRow>
          <TableCell>Attempt</TableCell>
          <TableCell>Worker</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Started</TableCell>
          <TableCell align="right">Duration</TableCell>
          <TableCell>Error</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {attempts.map((a) => {
          const start = new Date(a.started_at).getTime();
          const end = a.finished_at ? new Date(a.finished_at).getTime() : a.status === 'running' ? now : start;
          return (
            <TableRow key={a.attempt} data-testid={`attempt-${a.attempt}`}>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>
                {a.attempt} of {max}
              </TableCell>
              <TableCell sx={{ fontFamily: 'monospace', fontSize: 12, whiteSpace: 'nowrap' }}>{a.worker ?? '–'}</TableCell>
              <TableCell>
                <StatusChip status={a.status} />
              </TableCell>
              <TableCell title={formatTime(a.started_at)} sx={{ whiteSpace: 'nowrap' }}>
                {Number.isNaN(start) ? '–' : new Date(start).toLocaleTimeString()}
              </TableCell>
              <TableCell align="right">{Number.isNaN(start) ? '–' : formatDuration((end - start) / 1000)}</TableCell>
              <TableCell sx={{ color: 'error.main', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', fontFamily: 'monospace', fontSize: 12, minWidth: 160 }}>{a.error ?? ''}</TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

function Bar({ bar, hatched }: { bar: TimelineBar; hatched?: boolean }) {
  const color = colorOf(bar.status);
  const title = (
    <span>
      <b>{bar.label}</b> · {bar.status} · attempt {bar.attempt}
      <br />
      {formatDuration((bar.end - bar.start) / 1000)}
      {bar.estimated ? ' (node wall time; start not recorded, drawn from the attempt start)' : ''}
      <br />
      {formatTime(new Date(bar.start).toISOString())} → {formatTime(new Date(bar.end).toISOString())}
      {bar.error ? (
        <>
          <br />
          {bar.error}
        </>
      ) : null}
    </span>
  );
  return (
    <Tooltip title={title} placement="top" disableInteractive>
      <Box
        data-testid={`timeline-${bar.key}`}
        data-status={bar.status}
        style={{ left: `${bar.left}%`, width: `${bar.width}%` }}
        sx={{
          position: 'absolute',
          top: 3,
          bottom: 3,
          borderRadius: 0.5,
          bgcolor: hatched ? 'transparent' : color,
          border: hatched ? `1px dashed ${color}` : undefined,
          backgroundImage: hatched ? `repeating-linear-gradient(45deg, ${color}44 0 4px, transparent 4px 8px)` : undefined,
          opacity: bar.estimated ? 0.85 : 1,
        }}
      />
    </Tooltip>
  );
}

function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <Box sx={{ display: 'flex', alignItems: 'stretch', height: 22 }} data-testid={testId}>
      <Box sx={{ width: kLabelWidth, flexShrink: 0, fontSize: 12, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', pr: 1, lineHeight: '22px' }} title={label}>
        {label}
      </Box>
      <Box sx={{ position: 'relative', flex: 1, borderLeft: 1, borderColor: 'divider' }}>{children}</Box>
    </Box>
  );
}

export function RunTimelineView({ timeline }: { timeline: RunTimeline }) {
  if (!timeline.attempts.length && !timeline.waiting) {
    return (
      <Typography variant="body2" sx={{ color: 'text.secondary', p: 1 }}>
        The timeline starts with the first attempt.
      </Typography>
    );
  }
  return (
    <Box role="figure" aria-label="Run timeline" data-testid="run-timeline" sx={{ display: 'flex', flexDirection: 'column', gap: 0.25 }}>
      {timeline.attempts.map((a) => (
        <Row key={a.key} label={`${a.label} · ${a.status.replace('_', ' ')}`}>
          <Bar bar={a} />
        </Row>
      ))}
      {timeline.waiting && (
        <Row label="Waiting to retry">
          <Bar bar={timeline.waiting} hatched />
        </Row>
      )}
      {timeline.nodes.map((n) => (
        <Row key={n.key} label={n.label}>
          <Bar bar={n} />
        </Row>
      ))}
      <Box sx={{ display: 'flex', height: 18 }}>
        <Box sx={{ width: kLabelWidth, flexShrink: 0 }} />
        <Box sx={{ position: 'relative', flex: 1, borderTop: 1, borderColor: 'divider' }}>
          {timeline.ticks.map((t) => (
            <Box key={t.left} sx={{ position: 'absolute', left: `${t.left}%`, transform: t.left > 95 ? 'translateX(-100%)' : undefined, fontSize: 11, color: 'text.secondary', whiteSpace: 'nowrap' }}>
              {t.offsetSeconds ? `+${formatDuration(t.offsetSeconds)}` : '0'}
            </Box>
          ))}
        </Box>
      </Box>
    </Box>
  );
}
