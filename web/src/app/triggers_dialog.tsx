// "Triggers…" of a pipeline: its webhook and on-success triggers — list, create, delete. A new
// webhook's URL and token are shown once (the server keeps only the token's hash) with copy
// buttons and a ready-to-paste curl line.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import IconButton from '@mui/material/IconButton';
import MenuItem from '@mui/material/MenuItem';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import DeleteIcon from '@mui/icons-material/Delete';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Pipelines, Triggers, type CreatedTrigger, type PipelineTrigger } from '../api/endpoints';
import type { PipelineSummary } from '../api/types';
import { ProblemAlert } from '../components/problem_alert';
import { formatTime } from '../components/format';

export type ParameterValue = string | number | boolean;

// "name=value" per line → parameters, as the server accepts them (identifier names; numbers and
// true/false typed, everything else a string). Errors name the line.
export function parseParameterLines(text: string): { params: Record<string, ParameterValue>; errors: string[] } {
  const params: Record<string, ParameterValue> = {};
  const errors: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const name = eq < 0 ? line : line.slice(0, eq).trim();
    if (eq < 0) {
      errors.push(`line ${i + 1}: expected name=value`);
      return;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) {
      errors.push(`line ${i + 1}: "${name}" is not a parameter name (letters, digits, _)`);
      return;
    }
    const value = line.slice(eq + 1).trim();
    if (value === 'true' || value === 'false') params[name] = value === 'true';
    else if (/^-?\d+(\.\d+)?$/.test(value) && value.length < 16) params[name] = Number(value);
    else params[name] = value;
  });
  return { params, errors };
}

// The absolute hook URL for a path the server answered, on the origin the UI was served from.
export function hookUrl(origin: string, hookPath: string): string {
  return origin.replace(/\/+$/, '') + hookPath;
}

// A curl line that starts a run through the webhook (token in a header, never in the URL).
export function curlExample(url: string, token: string, signed: boolean): string {
  const body = "'{}'";
  const sign = signed
    ? ` \\\n  -H "X-Logidata-Signature: sha256=$(printf '{}' | openssl dgst -sha256 -hmac "$HMAC_KEY" -r | cut -d' ' -f1)"`
    : '';
  return `curl -X POST ${url} \\\n  -H 'Content-Type: application/json' \\\n  -H 'X-Logidata-Token: ${token}'${sign} \\\n  -d ${body}`;
}

export function describeTrigger(t: PipelineTrigger, names: Map<string, string>): string {
  if (t.kind === 'webhook') return t.has_hmac_secret ? 'Webhook (HMAC-signed)' : 'Webhook';
  const up = t.upstream_pipeline_id ?? '';
  return `After each success of "${names.get(up) ?? up}"`;
}

function CopyField(props: { label: string; value: string; multiline?: boolean }) {
  return (
    <Box sx={{ display: 'flex', alignItems: 'flex-start', gap: 1, mb: 1 }}>
      <TextField
        label={props.label}
        value={props.value}
        fullWidth
        multiline={props.multiline}
        slotProps={{ input: { readOnly: true, sx: { fontFamily: 'monospace', fontSize: 13 } } }}
      />
      <Tooltip title="Copy">
        <IconButton aria-label={`Copy ${props.label}`} onClick={() => void navigator.clipboard?.writeText(props.value)}>
          <ContentCopyIcon fontSize="small" />
        </IconButton>
      </Tooltip>
    </Box>
  );
}

export function TriggersDialog(props: { pipeline: PipelineSummary | null; canEdit: boolean; onClose: () => void }) {
  const { pipeline, canEdit } = props;
  const qc = useQueryClient();
  const [kind, setKind] = useState<'webhook' | 'on_success'>('webhook');
  const [upstream, setUpstream] = useState('');
  const [hmac, setHmac] = useState('');
  const [paramText, setParamText] = useState('');
  const [created, setCreated] = useState<CreatedTrigger | null>(null);
  const [error, setError] = useState<unknown>(null);
  const id = pipeline?.id ?? '';

  const triggers = useQuery({ queryKey: ['triggers', id], queryFn: () => Triggers.list(id), enabled: !!pipeline });
  const others = useQuery({
    queryKey: ['pipelines', 'all-names'],
    queryFn: () => Pipelines.list({ page_size: 200, sort: 'name' }),
    enabled: !!pipeline,
  });
  const names = new Map((others.data?.items ?? []).map((p) => [p.id, p.name] as [string, string]));
  const parsed = parseParameterLines(paramText);
  const refresh = () => qc.invalidateQueries({ queryKey: ['triggers', id] });

  const create = useMutation({
    mutationFn: () =>
      Triggers.create(id, {
        kind,
        ...(kind === 'on_success' ? { upstream_pipeline_id: upstream } : {}),
        ...(kind === 'webhook' && hmac ? { hmac_secret: hmac } : {}),
        parameters: parsed.params,
      }),
    onSuccess: (t) => {
      setCreated(t);
      setHmac('');
      setParamText('');
      setError(null);
      void refresh();
    },
    onError: setError,
  });
  const remove = useMutation({
    mutationFn: (t: PipelineTrigger) => Triggers.remove(id, t.id),
    onSuccess: () => void refresh(),
    onError: setError,
  });

  const close = () => {
    setCreated(null);
    setError(null);
    props.onClose();
  };
  const url = created?.hook_path ? hookUrl(window.location.origin, created.hook_path) : '';
  const canCreate = parsed.errors.length === 0 && (kind === 'webhook' ? hmac === '' || hmac.length >= 16 : !!upstream);

  return (
    <Dialog open={!!pipeline} onClose={close} maxWidth="md" fullWidth aria-labelledby="triggers-title">
      <DialogTitle id="triggers-title">Triggers of “{pipeline?.name}”</DialogTitle>
      <DialogContent>
        <ProblemAlert error={error ?? triggers.error} onClose={() => setError(null)} />
        {created?.token && (
          <Alert severity="warning" sx={{ mb: 2 }} data-testid="webhook-secret">
            <Typography variant="body2" sx={{ mb: 1 }}>
              Copy the token now: it is shown only this once (the server keeps only its hash).
            </Typography>
            <CopyField label="Webhook URL" value={url} />
            <CopyField label="Token" value={created.token} />
            <CopyField label="Example" value={curlExample(url, created.token, created.has_hmac_secret)} multiline />
          </Alert>
        )}
        <Table size="small" aria-label="Triggers">
          <TableHead>
            <TableRow>
              <TableCell>Trigger</TableCell>
              <TableCell>Default parameters</TableCell>
              <TableCell>Created</TableCell>
              <TableCell align="right" />
            </TableRow>
          </TableHead>
          <TableBody>
            {(triggers.data ?? []).map((t) => (
              <TableRow key={t.id}>
                <TableCell>
                  {describeTrigger(t, names)}
                  {t.kind === 'webhook' && (
                    <Typography variant="caption" component="div" sx={{ fontFamily: 'monospace' }}>
                      /api/v1/hooks/{t.id}
                    </Typography>
                  )}
                </TableCell>
                <TableCell sx={{ fontFamily: 'monospace', fontSize: 12 }}>
                  {Object.entries(t.parameters).map(([k, v]) => `${k}=${String(v)}`).join(', ') || '–'}
                </TableCell>
                <TableCell>{formatTime(t.created_at)}</TableCell>
                <TableCell align="right">
                  {canEdit && (
                    <Tooltip title="Delete">
                      <IconButton aria-label={`Delete trigger ${t.id}`} onClick={() => remove.mutate(t)}>
                        <DeleteIcon fontSize="small" />
                      </IconButton>
                    </Tooltip>
                  )}
                </TableCell>
              </TableRow>
            ))}
            {triggers.isSuccess && triggers.data.length === 0 && (
              <TableRow>
                <TableCell colSpan={4} sx={{ color: 'text.secondary', textAlign: 'center' }}>
                  No triggers yet: the pipeline runs by hand, on its schedule, or through the API.
                </TableCell>
              </TableRow>
            )}
          </TableBody>
        </Table>
        {canEdit && (
          <Box component="section" aria-label="New trigger" sx={{ mt: 3, display: 'grid', gap: 2 }}>
            <Typography variant="subtitle1">New trigger</Typography>
            <TextField select label="Kind" value={kind} onChange={(e) => setKind(e.target.value as 'webhook' | 'on_success')}>
              <MenuItem value="webhook">Webhook: a URL other systems call</MenuItem>
              <MenuItem value="on_success">After another pipeline succeeds</MenuItem>
            </TextField>
            {kind === 'on_success' ? (
              <TextField select label="Upstream pipeline" value={upstream} onChange={(e) => setUpstream(e.target.value)}>
                {(others.data?.items ?? [])
                  .filter((p) => p.id !== id)
                  .map((p) => (
                    <MenuItem key={p.id} value={p.id}>
                      {p.name}
                    </MenuItem>
                  ))}
              </TextField>
            ) : (
              <TextField
                label="HMAC key (optional, 16+ characters)"
                type="password"
                value={hmac}
                onChange={(e) => setHmac(e.target.value)}
                error={hmac !== '' && hmac.length < 16}
                helperText="When set, callers must sign the body: X-Logidata-Signature: sha256=<hex HMAC-SHA256>"
              />
            )}
            <TextField
              label="Default parameters (name=value per line)"
              multiline
              minRows={2}
              value={paramText}
              onChange={(e) => setParamText(e.target.value)}
              error={parsed.errors.length > 0}
              helperText={parsed.errors.join('; ') || 'A webhook body overrides these per run.'}
            />
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close}>Close</Button>
        {canEdit && (
          <Button variant="contained" disabled={!canCreate || create.isPending} onClick={() => create.mutate()}>
            Create trigger
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
