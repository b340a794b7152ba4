// The organization's natural-language endpoint (admins): an OpenAI-compatible base URL, the model,
// the API key (write-only: the server stores it encrypted and only says whether one is stored),
// whether prompts may carry sample rows, and the time limit of a call. Without an endpoint the
// editor shows no assistant.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import Paper from '@mui/material/Paper';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Admin } from '../api/endpoints';
import type { AssistSettings } from '../api/types';
import { ProblemAlert } from '../components/problem_alert';

interface Draft {
  base_url: string;
  model: string;
  api_key: string; // "" : keep the stored key
  allow_sample_rows: boolean;
  timeout_seconds: string;
}

function draftOf(s: AssistSettings | undefined): Draft {
  return {
    base_url: s?.base_url ?? '',
    model: s?.model ?? '',
    api_key: '',
    allow_sample_rows: s?.allow_sample_rows ?? false,
    timeout_seconds: String(s?.timeout_seconds ?? 60),
  };
}

export function AssistSettingsCard() {
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: ['organization-assist'], queryFn: Admin.assistSettings });
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const shown = draft ?? draftOf(settings.data);
  const set = (patch: Partial<Draft>) => setDraft({ ...shown, ...patch });
  const refresh = async () => {
    setDraft(null);
    await qc.invalidateQueries({ queryKey: ['organization-assist'] });
    await qc.invalidateQueries({ queryKey: ['assist-status'] });
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(null);
    try {
      await Admin.setAssistSettings({
        base_url: shown.base_url.trim(),
        model: shown.model.trim(),
        ...(shown.api_key !== '' ? { api_key: shown.api_key } : {}),
        allow_sample_rows: shown.allow_sample_rows,
        timeout_seconds: Number(shown.timeout_seconds) || 60,
      });
      await refresh();
      setSaved('Saved: the assistant is available in the editor.');
    } catch (err) {
      setError(err);
    }
  };
  const remove = async () => {
    setError(null);
    setSaved(null);
    try {
      await Admin.removeAssistSettings();
      await refresh();
      setSaved('Removed: the editor no longer shows the assistant.');
    } catch (err) {
      setError(err);
    }
  };
  const configured = settings.data?.configured === true;
  return (
    <Paper variant="outlined" sx={{ p: 2 }} component="section" aria-label="Natural language">
      <Typography variant="h6" component="h2" sx={{ mb: 1 }}>
        Natural language
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        Lets developers describe a filter, a column or a SQL query in words. Any OpenAI-compatible chat completions
        endpoint works (the server calls POST base URL + /chat/completions, within the egress allow-list). Every proposal
        is checked against the real schema and shown for editing; nothing is applied without the user. Prompts carry
        column names, types and statistics — sample rows only if allowed below.
      </Typography>
      <ProblemAlert error={error ?? settings.error} onClose={() => setError(null)} />
      {saved && (
        <Alert severity="success" sx={{ mb: 2 }} onClose={() => setSaved(null)}>
          {saved}
        </Alert>
      )}
      <Box component="form" onSubmit={save} sx={{ display: 'flex', flexDirection: 'column', gap: 1.5, maxWidth: 560 }}>
        <TextField label="Base URL" size="small" value={shown.base_url} onChange={(e) => set({ base_url: e.target.value })} placeholder="https://api.example.com/v1" required />
        <TextField label="Model" size="small" value={shown.model} onChange={(e) => set({ model: e.target.value })} required />
        <TextField
          label="API key"
          size="small"
          type="password"
          autoComplete="off"
          value={shown.api_key}
          onChange={(e) => set({ api_key: e.target.value })}
          helperText={settings.data?.has_key ? 'A key is stored; leave empty to keep it.' : 'Stored encrypted; never shown again.'}
        />
        <TextField
          label="Time limit (seconds)"
          size="small"
          type="number"
          value={shown.timeout_seconds}
          onChange={(e) => set({ timeout_seconds: e.target.value })}
          slotProps={{ htmlInput: { min: 5, max: 300 } }}
        />
        <FormControlLabel
          control={<Checkbox checked={shown.allow_sample_rows} onChange={(e) => set({ allow_sample_rows: e.target.checked })} />}
          label="Allow sample rows and top values in prompts"
        />
        <Box sx={{ display: 'flex', gap: 1 }}>
          <Button type="submit" variant="contained" disabled={settings.isLoading}>
            Save
          </Button>
          {configured && (
            <Button color="error" onClick={remove}>
              Remove endpoint
            </Button>
          )}
        </Box>
      </Box>
    </Paper>
  );
}
