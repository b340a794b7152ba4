// Runs list with filters (pipeline, status), updated live from the "runs" channel.
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
import Typography from '@mui/material/Typography';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Pipelines, Runs } from '../api/endpoints';
import { subscribe } from '../api/run_socket';
import { ProblemAlert } from '../components/problem_alert';
import { StatusChip } from '../components/status_chip';
import { formatDuration, formatTime } from '../components/format';
import { navigate } from './router';

const kStatuses = ['', 'queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'];

function seconds(a?: string | null, b?: string | null): number | undefined {
  if (!a) return undefined;
  const end = b ? new Date(b).getTime() : Date.now();
  return (end - new Date(a).getTime()) / 1000;
}

export function RunsPage({ pipelineId, status }: { pipelineId?: string; status?: string }) {
  const qc = useQueryClient();
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(25);
  const pipelines = useQuery({ queryKey: ['pipelines', 'all-names'], queryFn: () => Pipelines.list({ page: 1, page_size: 200, sort: 'name' }) });
  const runs = useQuery({
    queryKey: ['runs', pipelineId, status, page, pageSize],
    queryFn: () => Runs.list({ pipeline_id: pipelineId, status, page: page + 1, page_size: pageSize }),
    placeholderData: (prev) => prev,
  });
  useEffect(() => subscribe('runs', (m) => m.type === 'run.status' && void qc.invalidateQueries({ queryKey: ['runs'] })), [qc]);
  const names = new Map((pipelines.data?.items ?? []).map((p) => [p.id, p.name]));
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
      <ProblemAlert error={runs.error} />
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
    </Box>
  );
}
