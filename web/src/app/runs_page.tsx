// Runs with filters (pipeline, status) as a list or a Gantt chart of the 200 most recent, updated
// live from the "runs" channel.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { Pipelines, Runs } from '../api/endpoints';
import { subscribe } from '../api/run_socket';
import { ProblemAlert } from '../components/problem_alert';
import { StatusChip } from '../components/status_chip';
import { formatDuration, formatTime } from '../components/format';
import { navigate } from './router';
import { RunsGantt } from './runs_gantt';

const kStatuses = ['', 'queued', 'running', 'retrying', 'succeeded', 'failed', 'timed_out', 'cancelled', 'skipped', 'interrupted'];
const kGanttRuns = 200; // the most the API returns in one page

function seconds(a?: string | null, b?: string | null): number | undefined {
  if (!a) return undefined;
  const end = b ? new Date(b).getTime() : Date.now();
  return (end - new Date(a).getTime()) / 1000;
}

export function RunsPage({ pipelineId, status }: { pipelineId?: string; status?: string }) {
  const qc = useQueryClient();
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(25);
  const [view, setView] = useState<'list' | 'gantt'>('list');
  const pipelines = useQuery({ queryKey: ['pipelines', 'all-names'], queryFn: () => Pipelines.list({ page: 1, page_size: 200, sort: 'name' }) });
  const runs = useQuery({
    queryKey: ['runs', pipelineId, status, page, pageSize],
    queryFn: () => Runs.list({ pipeline_id: pipelineId, status, page: page + 1, page_size: pageSize }),
    placeholderData: (prev) => prev,
    enabled: view === 'list',
  });
  const recent = useQuery({
    queryKey: ['runs', 'gantt', pipelineId, status],
    queryFn: () => Runs.list({ pipeline_id: pipelineId, status, page: 1, page_size: kGanttRuns }),
    placeholderData: (prev) => prev,
    enabled: view === 'gantt',
  });
  // The Gantt's "now" (where live runs end) moves with each answer and every few seconds.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => setNow(Date.now()), [recent.data]);
  const anyLive = (recent.data?.items ?? []).some((r) => ['queued', 'running', 'retrying'].includes(r.status));
  useEffect(() => {
    if (view !== 'gantt' || !anyLive) return;
    const t = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(t);
  }, [view, anyLive]);
  useEffect(() => subscribe('runs', (m) => m.type === 'run.status' && void qc.invalidateQueries({ queryKey: ['runs'] })), [qc]);
  const names = useMemo(() => new Map((pipelines.data?.items ?? []).map((p) => [p.id, p.name])), [pipelines.data]);
  const setFilter = (next: { pipelineId?: string; status?: string }) => {
    setPage(0);
    navigate({ name: 'runs', pipelineId: next.pipelineId || undefined, status: next.status || undefined }, { replace: true });
  };
  return (
    <Box sx={{ p: 3, maxWidth: 1200, mx: 'auto' }}>
      <Box sx={{ display: 'flex', gap: 2, alignItems: 'center', mb: 2 }}>
        <Typography variant="h5" component="h1" sx={{ flexGrow: 1, fontWeight: 600 }}>
          Runs
        </Typography>
        <ToggleButtonGroup size="small" exclusive value={view} onChange={(_, v) => v && setView(v)} aria-label="Runs view">
          <ToggleButton value="list">List</ToggleButton>
          <ToggleButton value="gantt">Gantt</ToggleButton>
        </ToggleButtonGroup>
        <TextField select label="Pipeline" value={pipelineId ?? ''} onChange={(e) => setFilter({ pipelineId: e.target.value, status })} sx={{ width: 240 }}>
          <MenuItem value="">All pipelines</MenuItem>
          {(pipelines.data?.items ?? []).map((p) => (
            <MenuItem key={p.id} value={p.id}>
              {p.name}
            </MenuItem>
          ))}
        </TextField>
        <TextField select label="Status" value={status ?? ''} onChange={(e) => setFilter({ pipelineId, status: e.target.value })} sx={{ width: 160 }}>
          {kStatuses.map((s) => (
            <MenuItem key={s} value={s}>
              {s || 'Any status'}
            </MenuItem>
          ))}
        </TextField>
      </Box>
      <ProblemAlert error={view === 'list' ? runs.error : recent.error} />
      {view === 'gantt' && (
        <Paper variant="outlined">
          <RunsGantt runs={recent.data?.items ?? []} names={names} now={now} />
          {(recent.data?.total ?? 0) > kGanttRuns && (
            <Typography variant="caption" sx={{ px: 1.5, pb: 1, display: 'block', color: 'text.secondary' }}>
              The {kGanttRuns} most recent of {recent.data?.total} runs.
            </Typography>
          )}
        </Paper>
      )}
      {view === 'list' && (
      <Paper variant="outlined">
        <Table size="small" aria-label="Runs">
          <TableHead>
            <TableRow>
              <TableCell>Run</TableCell>
              <TableCell>Pipeline</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>Trigger</TableCell>
              <TableCell>Started</TableCell>
              <TableCell>Duration</TableCell>
              <TableCell>Error</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {(runs.data?.items ?? []).map((r) => (
              <TableRow key={r.id} hover data-testid="run-row">
                <TableCell>
                  <Button onClick={() => navigate({ name: 'run', id: r.id })} sx={{ fontFamily: 'monospace', textTransform: 'none' }}>
                    {r.id.slice(0, 12)}
                  </Button>
                </TableCell>
                <TableCell>{r.pipeline_name ?? names.get(r.pipeline_id) ?? r.pipeline_id}</TableCell>
                <TableCell>
                  <StatusChip status={r.status} />
                  {(r.max_attempts ?? 1) > 1 && (
                    <div style={{ fontSize: 11, color: '#666' }} data-testid="run-row-attempt">
                      {r.status === 'retrying' ? 'next attempt' : 'attempt'} {r.attempt ?? 1} of {r.max_attempts}
                    </div>
                  )}
                </TableCell>
                <TableCell>{r.trigger ?? '–'}</TableCell>
                <TableCell>{formatTime(r.started_at ?? r.created_at)}</TableCell>
                <TableCell>{formatDuration(seconds(r.started_at, r.finished_at))}</TableCell>
                <TableCell sx={{ maxWidth: 280, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', color: 'error.main' }} title={r.error ?? ''}>
                  {r.error ?? ''}
                </TableCell>
              </TableRow>
            ))}
            {!runs.isPending && !runs.data?.items?.length && (
              <TableRow>
                <TableCell colSpan={7} sx={{ textAlign: 'center', py: 4, color: 'text.secondary' }}>
                  No runs match.
                </TableCell>
              </TableRow>
            )}
          </TableBody>
        </Table>
        <TablePagination
          component="div"
          count={runs.data?.total ?? 0}
          page={page}
          rowsPerPage={pageSize}
          onPageChange={(_, p) => setPage(p)}
          onRowsPerPageChange={(e) => {
            setPageSize(Number(e.target.value));
            setPage(0);
          }}
        />
      </Paper>
      )}
    </Box>
  );
}
