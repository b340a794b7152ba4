// "Backfill…" of a scheduled pipeline: one run per schedule interval inside a UTC date range, each
// with :interval_start and :interval_end. The count is previewed (a dry run on the server, with the
// same checks as the real one) before anything is queued; afterwards the runs list opens.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Triggers, type BackfillInput, type BackfillResult } from '../api/endpoints';
import type { PipelineSummary } from '../api/types';
import { ProblemAlert } from '../components/problem_alert';
import { navigate } from './router';
import { parseParameterLines } from './triggers_dialog';

export const kMaxBackfillRuns = 1000;

// The request for a date range [start, end) picked as YYYY-MM-DD, or the problem with it.
export function backfillRequest(
  start: string,
  end: string,
  paramText: string,
): { request: BackfillInput | null; error: string | null } {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (!day.test(start) || !day.test(end)) return { request: null, error: 'Pick a start and an end date.' };
  if (end <= start) return { request: null, error: 'The end must be after the start.' };
  const { params, errors } = parseParameterLines(paramText);
  if (errors.length) return { request: null, error: errors.join('; ') };
  return { request: { start, end, ...(Object.keys(params).length ? { parameters: params } : {}) }, error: null };
}

export function describePreview(r: BackfillResult | undefined): string {
  if (!r) return '';
  if (r.count === 0) return 'No schedule interval fits inside this range.';
  const runs = r.count === 1 ? '1 run' : `${r.count} runs`;
  return `${runs}: from ${r.first?.interval_start ?? '?'} to ${r.last?.interval_end ?? '?'}.`;
}

export function BackfillDialog(props: { pipeline: PipelineSummary | null; onClose: () => void }) {
  const { pipeline } = props;
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [paramText, setParamText] = useState('');
  const id = pipeline?.id ?? '';
  const built = backfillRequest(start, end, paramText);

  const preview = useQuery({
    queryKey: ['backfill-preview', id, built.request],
    queryFn: () => Triggers.backfill(id, { ...built.request!, dry_run: true }),
    enabled: !!pipeline && !!built.request,
    retry: false,
  });
  const submit = useMutation({
    mutationFn: () => Triggers.backfill(id, built.request!),
    onSuccess: () => {
      props.onClose();
      navigate({ name: 'runs', pipelineId: id });
    },
  });
  const tooMany = (preview.data?.count ?? 0) > kMaxBackfillRuns;

  return (
    <Dialog open={!!pipeline} onClose={props.onClose} maxWidth="sm" fullWidth aria-labelledby="backfill-title">
      <DialogTitle id="backfill-title">Backfill “{pipeline?.name}”</DialogTitle>
      <DialogContent>
        {!pipeline?.schedule && (
          <Alert severity="info" sx={{ mb: 2 }}>
            This pipeline has no schedule. A backfill queues one run per interval of the schedule's cron: add a schedule
            in the editor first.
          </Alert>
        )}
        <Typography variant="body2" sx={{ mb: 2 }}>
          Queues one run per schedule interval ({pipeline?.schedule?.cron ?? 'no cron'}) between the dates (UTC), each
          with :interval_start and :interval_end. At most {kMaxBackfillRuns} runs.
        </Typography>
        <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: '1fr 1fr' }}>
          <TextField label="Start (UTC)" type="date" value={start} onChange={(e) => setStart(e.target.value)} slotProps={{ inputLabel: { shrink: true } }} />
          <TextField label="End (UTC, excluded)" type="date" value={end} onChange={(e) => setEnd(e.target.value)} slotProps={{ inputLabel: { shrink: true } }} />
          <TextField
            label="Parameters (name=value per line)"
            multiline
            minRows={2}
            value={paramText}
            onChange={(e) => setParamText(e.target.value)}
            sx={{ gridColumn: '1 / span 2' }}
          />
        </Box>
        <Box sx={{ mt: 2 }} aria-live="polite" data-testid="backfill-preview">
          {built.error && (start || end) ? <Typography color="error">{built.error}</Typography> : null}
          {preview.data && <Typography>{describePreview(preview.data)}</Typography>}
        </Box>
        <ProblemAlert error={preview.error ?? submit.error} />
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          variant="contained"
          disabled={!built.request || !preview.data || preview.data.count === 0 || tooMany || submit.isPending}
          onClick={() => submit.mutate()}
        >
          Queue {preview.data?.count ?? ''} runs
        </Button>
      </DialogActions>
    </Dialog>
  );
}
