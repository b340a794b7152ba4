// Editor dialogs: schedule (cron + timezone), versions (list, restore), keyboard shortcuts.
import Alert from '@mui/material/Alert';
import Autocomplete from '@mui/material/Autocomplete';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import TextField from '@mui/material/TextField';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Pipelines } from '../api/endpoints';
import type { Schedule } from '../model/pipeline_document';
import { describeCron, validateCron } from '../model/cron';
import { ProblemAlert } from '../components/problem_alert';
import { formatTime } from '../components/format';

function timezones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  const list = intl.supportedValuesOf?.('timeZone') ?? [];
  return list.includes('UTC') ? list : ['UTC', ...list];
}

export function ScheduleDialog(props: { open: boolean; schedule: Schedule | null; onClose: () => void; onApply: (s: Schedule | null) => void }) {
  const [cron, setCron] = useState('0 2 * * *');
  const [timezone, setTimezone] = useState('UTC');
  const [enabled, setEnabled] = useState(true);
  useEffect(() => {
    if (!props.open) return;
    setCron(props.schedule?.cron ?? '0 2 * * *');
    setTimezone(props.schedule?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC');
    setEnabled(props.schedule?.enabled ?? true);
  }, [props.open, props.schedule]);
  const cronError = validateCron(cron);
  return (
    <Dialog open={props.open} onClose={props.onClose} aria-labelledby="schedule-title" fullWidth maxWidth="xs">
      <DialogTitle id="schedule-title">Schedule</DialogTitle>
      <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 2, pt: '8px !important' }}>
        <TextField
          label="Cron expression"
          value={cron}
          onChange={(e) => setCron(e.target.value)}
          error={!!cronError}
          helperText={cronError ?? describeCron(cron)}
          slotProps={{ htmlInput: { style: { fontFamily: 'monospace' } } }}
        />
        <Autocomplete
          options={timezones()}
          value={timezone}
          onChange={(_, v) => setTimezone(v ?? 'UTC')}
          renderInput={(params) => <TextField {...params} label="Timezone" />}
        />
        <FormControlLabel control={<Checkbox checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />} label="Enabled" />
      </DialogContent>
      <DialogActions>
        {props.schedule && (
          <Button color="error" onClick={() => props.onApply(null)}>
            Remove schedule
          </Button>
        )}
        <Button onClick={props.onClose}>Cancel</Button>
        <Button variant="contained" disabled={!!cronError} onClick={() => props.onApply({ cron: cron.trim(), timezone, enabled })}>
          Apply
        </Button>
      </DialogActions>
    </Dialog>
  );
}

export function VersionsDialog(props: { open: boolean; pipelineId: string; readOnly: boolean; onClose: () => void; onRestored: (doc: Record<string, unknown>) => void }) {
  const versions = useQuery({
    queryKey: ['versions', props.pipelineId],
    queryFn: () => Pipelines.versions(props.pipelineId),
    enabled: props.open && !!props.pipelineId,
  });
  const [error, setError] = useState<unknown>(null);
  const restore = async (v: number) => {
    try {
      props.onRestored(await Pipelines.restore(props.pipelineId, v));
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Dialog open={props.open} onClose={props.onClose} aria-labelledby="versions-title" fullWidth maxWidth="sm">
      <DialogTitle id="versions-title">Versions</DialogTitle>
      <DialogContent>
        <ProblemAlert error={error ?? versions.error} />
        <List dense>
          {[...(versions.data ?? [])]
            .sort((a, b) => b.version - a.version)
            .map((v) => (
              <ListItem
                key={v.version}
                secondaryAction={
                  !props.readOnly && (
                    <Button onClick={() => void restore(v.version)} aria-label={`Restore version ${v.version}`}>
                      Restore
                    </Button>
                  )
                }
              >
                <ListItemText primary={`Version ${v.version}`} secondary={`${formatTime(v.created_at)}${v.author ? ` · ${v.author}` : ''}`} />
              </ListItem>
            ))}
        </List>
        {versions.data?.length === 0 && <Alert severity="info">No saved versions yet.</Alert>}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}

const kShortcuts: [string, string][] = [
  ['Ctrl+S', 'Save a new version'],
  ['Ctrl+Enter', 'Save and run'],
  ['Ctrl+Z / Ctrl+Shift+Z', 'Undo / redo'],
  ['Ctrl+C / Ctrl+X / Ctrl+V', 'Copy / cut / paste nodes'],
  ['Ctrl+A', 'Select all nodes'],
  ['Delete / Backspace', 'Delete the selection'],
  ['Shift+L', 'Auto-layout'],
  ['Shift+1', 'Fit view'],
  ['P', 'Preview the selected node'],
  ['Enter (on a palette item)', 'Add that module'],
  ['Escape', 'Clear the selection'],
  ['?', 'This list'],
];

export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} aria-labelledby="shortcuts-title">
      <DialogTitle id="shortcuts-title">Keyboard shortcuts</DialogTitle>
      <DialogContent>
        <table style={{ borderCollapse: 'collapse' }}>
          <tbody>
            {kShortcuts.map(([k, d]) => (
              <tr key={k}>
                <td style={{ padding: '3px 16px 3px 0' }}>
                  <kbd style={{ fontFamily: 'monospace', background: '#eee', padding: '1px 5px', borderRadius: 3 }}>{k}</kbd>
                </td>
                <td>{d}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}

// Asks for run parameters (prefilled with their defaults) before a run.
export function RunParametersDialog(props: {
  open: boolean;
  parameters: Record<string, { type: string; default?: string; description?: string }>;
  onClose: () => void;
  onRun: (values: Record<string, string>) => void;
}) {
  const [values, setValues] = useState<Record<string, string>>({});
  useEffect(() => {
    if (props.open) setValues(Object.fromEntries(Object.entries(props.parameters).map(([k, p]) => [k, p.default ?? ''])));
  }, [props.open, props.parameters]);
  return (
    <Dialog open={props.open} onClose={props.onClose} aria-labelledby="params-title" fullWidth maxWidth="xs">
      <DialogTitle id="params-title">Run parameters</DialogTitle>
      <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 2, pt: '8px !important' }}>
        {Object.entries(props.parameters).map(([name, p]) => (
          <TextField
            key={name}
            label={`${name} (${p.type})`}
            value={values[name] ?? ''}
            helperText={p.description}
            onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))}
          />
        ))}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button variant="contained" onClick={() => props.onRun(values)}>
          Run
        </Button>
      </DialogActions>
    </Dialog>
  );
}
