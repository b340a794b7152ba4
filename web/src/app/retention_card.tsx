// The organization's retention of run data: how many days run logs, node metrics and saved
// previews are kept before the scheduler purges them (runs themselves stay). Empty = forever.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Retention } from '../api/endpoints';
import { ProblemAlert } from '../components/problem_alert';

// The server's bounds (retention_store.h): 1 to 36500 days.
export function retentionDaysFromText(text: string): { days: number | null; error?: string } {
  const t = text.trim();
  if (t === '') return { days: null };
  const v = Number(t);
  if (!Number.isInteger(v)) return { days: null, error: 'a whole number of days' };
  if (v < 1 || v > 36500) return { days: null, error: 'between 1 and 36500 days' };
  return { days: v };
}

export function RetentionCard() {
  const qc = useQueryClient();
  const current = useQuery({ queryKey: ['organization-retention'], queryFn: Retention.get });
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const shown = text ?? (current.data?.retention_days == null ? '' : String(current.data.retention_days));
  const parsed = retentionDaysFromText(shown);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (parsed.error) return;
    setError(null);
    setSaved(false);
    try {
      await Retention.set(parsed.days);
      setText(null);
      setSaved(true);
      await qc.invalidateQueries({ queryKey: ['organization-retention'] });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Paper variant="outlined" sx={{ p: 2 }} component="section" aria-label="Data retention">
      <Typography variant="h6" component="h2" sx={{ mb: 1 }}>
        Data retention
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        Run logs, per-node metrics and saved previews older than this are purged by the scheduler within about ten minutes.
        Runs, their status and attempts stay. Leave empty to keep everything.
      </Typography>
      <ProblemAlert error={error ?? current.error} onClose={() => setError(null)} />
      {saved && (
        <Alert severity="success" sx={{ mb: 2 }} onClose={() => setSaved(false)}>
          Saved.
        </Alert>
      )}
      <Box component="form" onSubmit={save} sx={{ display: 'flex', gap: 1, alignItems: 'flex-start' }}>
        <TextField
          label="Keep run data for (days)"
          value={shown}
          onChange={(e) => setText(e.target.value)}
          size="small"
          error={!!parsed.error}
          helperText={parsed.error ?? 'empty = forever'}
          slotProps={{ htmlInput: { inputMode: 'numeric' } }}
        />
        <Button type="submit" variant="contained" disabled={current.isLoading || !!parsed.error}>
          Save
        </Button>
      </Box>
    </Paper>
  );
}
