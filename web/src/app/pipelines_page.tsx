// Pipelines list: search, sort, last run at a glance, create, clone, delete, import, export,
// triggers (webhook, on-success) and backfills.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TablePagination from '@mui/material/TablePagination';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import DeleteIcon from '@mui/icons-material/Delete';
import DownloadIcon from '@mui/icons-material/Download';
import BoltIcon from '@mui/icons-material/Bolt';
import HistoryIcon from '@mui/icons-material/History';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Pipelines } from '../api/endpoints';
import type { PipelineSummary } from '../api/types';
import { useCanEdit } from '../store/auth_store';
import { ProblemAlert } from '../components/problem_alert';
import { StatusChip } from '../components/status_chip';
import { ConfirmDialog } from '../components/confirm_dialog';
import { downloadText, formatAgo, formatTime } from '../components/format';
import { parsePipelineText, toExportJson, toServerJson, parsePipelineDocument } from '../model/pipeline_document';
import { navigate } from './router';
import { TriggersDialog } from './triggers_dialog';
import { BackfillDialog } from './backfill_dialog';

const kSorts = [
  { value: '-updated_at', label: 'Recently updated' },
  { value: 'name', label: 'Name A–Z' },
  { value: '-name', label: 'Name Z–A' },
  { value: 'updated_at', label: 'Oldest first' },
];

export function PipelinesPage() {
  const canEdit = useCanEdit();
  const qc = useQueryClient();
  const [q, setQ] = useState('');
  const [sort, setSort] = useState('-updated_at');
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(25);
  const [error, setError] = useState<unknown>(null);
  const [toDelete, setToDelete] = useState<PipelineSummary | null>(null);
  const [triggersOf, setTriggersOf] = useState<PipelineSummary | null>(null);
  const [backfillOf, setBackfillOf] = useState<PipelineSummary | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  const list = useQuery({
    queryKey: ['pipelines', q, sort, page, pageSize],
    queryFn: () => Pipelines.list({ q, sort, page: page + 1, page_size: pageSize }),
    placeholderData: (prev) => prev,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ['pipelines'] });

  const clone = useMutation({
    mutationFn: (p: PipelineSummary) => Pipelines.clone(p.id, `${p.name} (copy)`),
    onSuccess: refresh,
    onError: setError,
  });
  const remove = useMutation({
    mutationFn: (p: PipelineSummary) => Pipelines.remove(p.id),
    onSuccess: refresh,
    onError: setError,
  });

  const exportOne = async (p: PipelineSummary) => {
    try {
      const doc = parsePipelineDocument(await Pipelines.exportDoc(p.id));
      downloadText(`${p.name.replace(/[^\w.-]+/g, '_') || p.id}.json`, toExportJson(doc));
    } catch (e) {
      setError(e);
    }
  };

  const importFile = async (file: File) => {
    try {
      const doc = parsePipelineText(await file.text());
      const created = await Pipelines.import(toServerJson({ ...doc, id: '' }));
      await refresh();
      if (created?.id) navigate({ name: 'editor', id: String(created.id) });
    } catch (e) {
      setError(e);
    }
  };

  const items = list.data?.items ?? [];
  return (
    <Box sx={{ p: 3, maxWidth: 1200, mx: 'auto' }}>
      <Box sx={{ display: 'flex', gap: 2, alignItems: 'center', mb: 2 }}>
        <Typography variant="h5" component="h1" sx={{ flexGrow: 1, fontWeight: 600 }}>
          Pipelines
        </Typography>
        <TextField
          label="Search"
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            setPage(0);
          }}
          sx={{ width: 260 }}
        />
        <TextField select label="Sort" value={sort} onChange={(e) => setSort(e.target.value)} sx={{ width: 180 }}>
          {kSorts.map((s) => (
            <MenuItem key={s.value} value={s.value}>
              {s.label}
            </MenuItem>
          ))}
        </TextField>
        {canEdit && (
          <>
            <Button variant="outlined" onClick={() => fileRef.current?.click()}>
              Import JSON
            </Button>
            <input
              ref={fileRef}
              type="file"
              accept="application/json,.json"
              hidden
              aria-label="Import pipeline file"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) void importFile(f);
                e.target.value = '';
              }}
            />
            <Button variant="contained" onClick={() => navigate({ name: 'editor', id: 'new' })}>
              New pipeline
            </Button>
          </>
        )}
      </Box>
      <ProblemAlert error={error ?? list.error} onClose={() => setError(null)} />
      <Paper variant="outlined" sx={{ mt: 1 }}>
        <Table size="small" aria-label="Pipelines">
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell>Version</TableCell>
              <TableCell>Updated</TableCell>
              <TableCell>Last run</TableCell>
              <TableCell>Finished</TableCell>
              <TableCell>Schedule</TableCell>
              <TableCell align="right">Actions</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {items.map((p) => (
              <TableRow key={p.id} hover data-testid="pipeline-row">
                <TableCell>
                  <Button onClick={() => navigate({ name: 'editor', id: p.id })} sx={{ textTransform: 'none', fontWeight: 600 }}>
                    {p.name}
                  </Button>
                </TableCell>
                <TableCell>v{p.version}</TableCell>
                <TableCell title={formatTime(p.updated_at)}>{formatAgo(p.updated_at)}</TableCell>
                <TableCell>
                  {p.last_run ? (
                    <Button onClick={() => navigate({ name: 'run', id: p.last_run!.id })} aria-label={`Open last run of ${p.name}`}>
                      <StatusChip status={p.last_run.status} />
                    </Button>
                  ) : (
                    <StatusChip status={null} />
                  )}
                </TableCell>
                <TableCell>{formatAgo(p.last_run?.finished_at)}</TableCell>
                <TableCell sx={{ fontSize: 12 }} title={p.schedule?.next_fire_at ? `next: ${formatTime(p.schedule.next_fire_at)}` : undefined}>
                  {p.schedule ? (
                    <span style={{ fontFamily: 'monospace', color: p.schedule.enabled ? undefined : '#999' }}>
                      {p.schedule.cron}
                      {p.schedule.enabled ? '' : ' (off)'}
                    </span>
                  ) : (
                    '–'
                  )}
                </TableCell>
                <TableCell align="right">
                  <Tooltip title="Export JSON">
                    <IconButton aria-label={`Export ${p.name}`} onClick={() => void exportOne(p)}>
                      <DownloadIcon fontSize="small" />
                    </IconButton>
                  </Tooltip>
                  <Tooltip title="Triggers…">
                    <IconButton aria-label={`Triggers of ${p.name}`} onClick={() => setTriggersOf(p)}>
                      <BoltIcon fontSize="small" />
                    </IconButton>
                  </Tooltip>
                  {canEdit && (
                    <>
                      <Tooltip title="Backfill…">
                        <IconButton aria-label={`Backfill ${p.name}`} onClick={() => setBackfillOf(p)}>
                          <HistoryIcon fontSize="small" />
                        </IconButton>
                      </Tooltip>
                      <Tooltip title="Clone">
                        <IconButton aria-label={`Clone ${p.name}`} onClick={() => clone.mutate(p)}>
                          <ContentCopyIcon fontSize="small" />
                        </IconButton>
                      </Tooltip>
                      <Tooltip title="Delete">
                        <IconButton aria-label={`Delete ${p.name}`} onClick={() => setToDelete(p)}>
                          <DeleteIcon fontSize="small" />
                        </IconButton>
                      </Tooltip>
                    </>
                  )}
                </TableCell>
              </TableRow>
            ))}
            {!list.isPending && items.length === 0 && (
              <TableRow>
                <TableCell colSpan={7} sx={{ textAlign: 'center', py: 4, color: 'text.secondary' }}>
                  {q ? 'No pipeline matches the search.' : 'No pipelines yet.'}
                </TableCell>
              </TableRow>
            )}
          </TableBody>
        </Table>
        <TablePagination
          component="div"
          count={list.data?.total ?? 0}
          page={page}
          rowsPerPage={pageSize}
          onPageChange={(_, p) => setPage(p)}
          onRowsPerPageChange={(e) => {
            setPageSize(Number(e.target.value));
            setPage(0);
          }}
        />
      </Paper>
      <TriggersDialog pipeline={triggersOf} canEdit={canEdit} onClose={() => setTriggersOf(null)} />
      <BackfillDialog pipeline={backfillOf} onClose={() => setBackfillOf(null)} />
      <ConfirmDialog
        open={!!toDelete}
        title={`Delete "${toDelete?.name}"?`}
        confirmLabel="Delete"
        danger
        onClose={() => setToDelete(null)}
        onConfirm={() => {
          if (toDelete) remove.mutate(toDelete);
          setToDelete(null);
        }}
      >
        Its versions and run history are deleted too.
      </ConfirmDialog>
    </Box>
  );
}
