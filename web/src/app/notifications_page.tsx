// Notifications: who hears about finished runs. Lists the organization's settings (or one
// pipeline's), edits them in a dialog with channel-specific fields, sends a test message and
// shows the verdict. URLs and signing secrets are write-only: only their masked form is shown.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormGroup from '@mui/material/FormGroup';
import FormHelperText from '@mui/material/FormHelperText';
import FormLabel from '@mui/material/FormLabel';
import MenuItem from '@mui/material/MenuItem';
import Switch from '@mui/material/Switch';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Notifications, Pipelines } from '../api/endpoints';
import type { NotificationSetting, NotificationTestResult } from '../api/types';
import { errorMessage, fieldErrorsOf } from '../api/problem';
import { useCanEdit } from '../store/auth_store';
import { ProblemAlert } from '../components/problem_alert';
import { EditDeleteButtons, ListTable } from '../components/list_table';
import { useConfirmedDelete } from '../components/use_confirmed_delete';
import { formatAgo } from '../components/format';
import { kChannels, kEvents, notificationBody, notificationToForm, type NotificationForm } from '../model/notification_form';
import { navigate } from './router';

function usePipelineNames() {
  return useQuery({
    queryKey: ['pipelines', 'names'],
    queryFn: async () => (await Pipelines.list({ page_size: 200, sort: 'name' })).items,
  });
}

export function NotificationDialog(props: { open: boolean; setting: NotificationSetting | null; pipelineId?: string; onClose: () => void }) {
  const { open, setting, pipelineId, onClose } = props;
  const qc = useQueryClient();
  const pipelines = usePipelineNames();
  const [form, setForm] = useState<NotificationForm>(notificationToForm(null));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (open) {
      setForm(notificationToForm(setting, pipelineId));
      setErrors({});
      setError(null);
    }
  }, [open, setting, pipelineId]);
  const set = <K extends keyof NotificationForm>(k: K, v: NotificationForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const save = async () => {
    const body = notificationBody(form, setting);
    setErrors(body.errors);
    setError(null);
    if (!body.input) return;
    setSaving(true);
    try {
      if (setting) await Notifications.update(setting.id, body.input);
      else await Notifications.create(body.input);
      await qc.invalidateQueries({ queryKey: ['notifications'] });
      onClose();
    } catch (e) {
      const fields = fieldErrorsOf(e);
      setErrors(fields);
      // Field messages show at their inputs; anything else (or unknown fields) as an alert.
      const known = ['name', 'channel', 'pipeline_id', 'events', 'to', 'url', 'secret', 'enabled'];
      if (!Object.keys(fields).some((k) => known.includes(k))) setError(e);
    } finally {
      setSaving(false);
    }
  };
  const http = form.channel !== 'email';
  const pipelineOptions = pipelines.data ?? [];
  return (
    <Dialog open={open} onClose={onClose} aria-labelledby="notif-title" fullWidth maxWidth="sm">
      <DialogTitle id="notif-title">{setting ? `Edit ${setting.name}` : 'New notification'}</DialogTitle>
      <DialogContent sx={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 2, pt: '8px !important' }}>
        <TextField label="Name" value={form.name} onChange={(e) => set('name', e.target.value)} required error={!!errors.name} helperText={errors.name} />
        <TextField select label="Channel" value={form.channel} onChange={(e) => set('channel', e.target.value as NotificationForm['channel'])} error={!!errors.channel} helperText={errors.channel}>
          {kChannels.map((c) => (
            <MenuItem key={c} value={c}>
              {c === 'slack' ? 'Slack' : c}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          label="Pipeline"
          value={form.pipeline_id}
          onChange={(e) => set('pipeline_id', e.target.value)}
          error={!!errors.pipeline_id}
          helperText={errors.pipeline_id ?? 'Runs of which pipelines notify'}
          slotProps={{ inputLabel: { shrink: true }, select: { displayEmpty: true } }}
          sx={{ gridColumn: '1 / -1' }}
        >
          <MenuItem value="">Every pipeline of the organization</MenuItem>
          {form.pipeline_id && !pipelineOptions.some((p) => p.id === form.pipeline_id) && <MenuItem value={form.pipeline_id}>{form.pipeline_id}</MenuItem>}
          {pipelineOptions.map((p) => (
            <MenuItem key={p.id} value={p.id}>
              {p.name}
            </MenuItem>
          ))}
        </TextField>
        <FormControl error={!!errors.events} component="fieldset" sx={{ gridColumn: '1 / -1' }}>
          <FormLabel component="legend">Events</FormLabel>
          <FormGroup row>
            {kEvents.map((ev) => (
              <FormControlLabel
                key={ev}
                label={ev}
                control={
                  <Checkbox
                    checked={form.events.includes(ev)}
                    onChange={(e) => set('events', e.target.checked ? [...form.events, ev] : form.events.filter((x) => x !== ev))}
                  />
                }
              />
            ))}
          </FormGroup>
          {errors.events && <FormHelperText>{errors.events}</FormHelperText>}
        </FormControl>
        {http ? (
          <TextField
            label={form.channel === 'slack' ? 'Slack webhook URL' : 'Webhook URL'}
            value={form.url}
            onChange={(e) => set('url', e.target.value)}
            autoComplete="off"
            error={!!errors.url}
            helperText={
              errors.url ??
              (setting?.url_masked && setting.channel === form.channel
                ? `Stored: ${setting.url_masked} — leave empty to keep it.`
                : 'Write-only: it carries a token and is never shown again.')
            }
            sx={{ gridColumn: '1 / -1' }}
          />
        ) : (
          <TextField
            label="Recipients"
            value={form.to}
            onChange={(e) => set('to', e.target.value)}
            error={!!errors.to}
            helperText={errors.to ?? 'Email addresses, separated by commas'}
            sx={{ gridColumn: '1 / -1' }}
          />
        )}
        {form.channel === 'webhook' && (
          <>
            <TextField
              label="Signing secret"
              type="password"
              value={form.secret}
              onChange={(e) => set('secret', e.target.value)}
              autoComplete="new-password"
              disabled={form.remove_secret}
              error={!!errors.secret}
              helperText={errors.secret ?? (setting?.has_secret ? 'A secret is stored. Leave empty to keep it.' : 'Optional: signs each body (X-Logidata-Signature).')}
            />
            {setting?.has_secret ? (
              <FormControlLabel control={<Checkbox checked={form.remove_secret} onChange={(e) => set('remove_secret', e.target.checked)} />} label="Remove the stored secret" />
            ) : (
              <span />
            )}
          </>
        )}
        <FormControlLabel control={<Switch checked={form.enabled} onChange={(e) => set('enabled', e.target.checked)} />} label="Enabled" />
        <Box sx={{ gridColumn: '1 / -1' }}>
          <ProblemAlert error={error} />
        </Box>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" onClick={() => void save()} disabled={saving}>
          Save
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function TestVerdict({ result }: { result: NotificationTestResult | 'sending' | undefined }) {
  if (!result) return null;
  if (result === 'sending') return <Chip size="small" label="Sending…" sx={{ mr: 1 }} />;
  return (
    <Chip
      size="small"
      role="status"
      data-testid="notification-test-result"
      color={result.ok ? 'success' : 'error'}
      label={result.ok ? 'Test sent' : `Failed: ${result.error ?? 'unknown error'}`}
      title={result.error ?? undefined}
      sx={{ mr: 1, maxWidth: 320 }}
    />
  );
}

// The list with its dialogs; `pipelineId` narrows it to one pipeline (the editor's dialog).
export function NotificationList({ pipelineId }: { pipelineId?: string }) {
  const canEdit = useCanEdit();
  const list = useQuery({ queryKey: ['notifications', pipelineId ?? ''], queryFn: () => Notifications.list(pipelineId) });
  const pipelines = usePipelineNames();
  const [dialog, setDialog] = useState<NotificationSetting | 'new' | null>(null);
  const [tests, setTests] = useState<Record<string, NotificationTestResult | 'sending'>>({});
  const removal = useConfirmedDelete<NotificationSetting>({ noun: 'notification', remove: (n) => Notifications.remove(n.id), queryKey: 'notifications' });
  const sendTest = async (n: NotificationSetting) => {
    setTests((t) => ({ ...t, [n.id]: 'sending' }));
    try {
      const r = await Notifications.test(n.id);
      setTests((t) => ({ ...t, [n.id]: r }));
    } catch (e) {
      setTests((t) => ({ ...t, [n.id]: { ok: false, error: errorMessage(e) } }));
    }
  };
  const pipelineName = (id: string | null) => (id ? (pipelines.data?.find((p) => p.id === id)?.name ?? id) : 'All pipelines');
  return (
    <Box>
      <Box sx={{ display: 'flex', alignItems: 'center', mb: 1, gap: 1 }}>
        <Typography variant="body2" sx={{ flexGrow: 1, color: 'text.secondary' }}>
          {pipelineId ? 'Notifications for this pipeline (organization-wide ones apply too).' : 'Messages sent when runs end.'}
        </Typography>
        {canEdit && (
          <Button variant="contained" onClick={() => setDialog('new')}>
            New notification
          </Button>
        )}
      </Box>
      <ProblemAlert error={removal.error ?? list.error} onClose={removal.clearError} />
      <ListTable
        label="Notifications"
        columns={['Name', 'Channel', 'Target', 'Pipeline', 'Events', 'Updated']}
        actions
        empty="No notifications yet."
        isEmpty={!list.isPending && !list.data?.length}
      >
        {(list.data ?? []).map((n) => (
          <TableRow key={n.id} hover data-testid="notification-row">
            <TableCell sx={{ fontWeight: 600 }}>
              {n.name} {!n.enabled && <Chip size="small" label="disabled" sx={{ ml: 0.5 }} />}
            </TableCell>
            <TableCell>{n.channel}</TableCell>
            <TableCell sx={{ fontFamily: 'monospace', fontSize: 12 }}>
              {n.channel === 'email' ? n.to.join(', ') : n.url_masked}
              {n.has_secret && <Chip size="small" label="signed" sx={{ ml: 0.5 }} />}
            </TableCell>
            <TableCell>{pipelineName(n.pipeline_id)}</TableCell>
            <TableCell sx={{ fontSize: 12 }}>{n.events.join(', ')}</TableCell>
            <TableCell>{formatAgo(n.updated_at ?? n.created_at)}</TableCell>
            <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
              <TestVerdict result={tests[n.id]} />
              {canEdit && (
                <>
                  <Button onClick={() => void sendTest(n)} disabled={tests[n.id] === 'sending'} aria-label={`Send test to ${n.name}`}>
                    Send test
                  </Button>
                  <EditDeleteButtons name={n.name} onEdit={() => setDialog(n)} onDelete={() => removal.ask(n)} />
                </>
              )}
            </TableCell>
          </TableRow>
        ))}
      </ListTable>
      {!canEdit && (
        <Alert severity="info" sx={{ mt: 1 }}>
          Viewers can see notifications; developers and admins change them.
        </Alert>
      )}
      <NotificationDialog open={dialog !== null} setting={dialog === 'new' ? null : dialog} pipelineId={pipelineId} onClose={() => setDialog(null)} />
      {removal.dialog}
    </Box>
  );
}

export function NotificationsPage({ pipelineId }: { pipelineId?: string }) {
  const pipelines = usePipelineNames();
  const name = pipelineId ? (pipelines.data?.find((p) => p.id === pipelineId)?.name ?? pipelineId) : null;
  return (
    <Box sx={{ p: 3, maxWidth: 1200, mx: 'auto' }}>
      <Box sx={{ display: 'flex', alignItems: 'center', mb: 2, gap: 1 }}>
        <Typography variant="h5" component="h1" sx={{ flexGrow: 1, fontWeight: 600 }}>
          Notifications{name ? ` · ${name}` : ''}
        </Typography>
        {pipelineId && (
          <>
            <Button onClick={() => navigate({ name: 'editor', id: pipelineId })}>Open pipeline</Button>
            <Button onClick={() => navigate({ name: 'notifications' })}>All notifications</Button>
          </>
        )}
      </Box>
      <NotificationList pipelineId={pipelineId} />
    </Box>
  );
}
