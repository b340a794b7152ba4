// "Run settings" of a pipeline: retries, time limit, concurrency and priority — the run-policy
// fields of the document (src/pipeline/run_policy.h). The form holds text; `policyFromForm` turns it
// into the document fields and names the problem of each input with the engine's own bounds. An
// empty input means the server's default, and is left out of the document.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import {
  kAnomalyPolicies,
  kAnomalySensitivities,
  kConcurrencyPolicies,
  runPolicyNumberIssue,
  type AnomalyPolicy,
  type AnomalySensitivity,
  type ConcurrencyPolicy,
  type RunPolicy,
  type SchemaDriftPolicy,
} from '../model/pipeline_document';

export interface RunSettingsForm {
  max_attempts: string;
  backoff_seconds: string;
  max_backoff_seconds: string;
  timeout_seconds: string;
  limit: string;
  policy: ConcurrencyPolicy | '';
  priority: string;
  schema_drift: SchemaDriftPolicy | '';
  anomaly_policy: AnomalyPolicy | '';
  anomaly_sensitivity: AnomalySensitivity | '';
}

export type RunSettingsErrors = Partial<Record<keyof RunSettingsForm, string>>;

const str = (v: number | undefined) => (v === undefined ? '' : String(v));

export function formFromPolicy(p: RunPolicy): RunSettingsForm {
  return {
    max_attempts: str(p.retry?.max_attempts),
    backoff_seconds: str(p.retry?.backoff_seconds),
    max_backoff_seconds: str(p.retry?.max_backoff_seconds),
    timeout_seconds: str(p.timeout_seconds),
    limit: str(p.concurrency?.limit),
    policy: p.concurrency?.policy ?? '',
    priority: str(p.priority),
    schema_drift: p.schema_drift ?? '',
    anomaly_policy: p.anomalies?.policy ?? '',
    anomaly_sensitivity: p.anomalies?.sensitivity ?? '',
  };
}

// The policy the form describes, or the message of each bad input.
export function policyFromForm(f: RunSettingsForm): { policy: RunPolicy; errors: RunSettingsErrors } {
  const errors: RunSettingsErrors = {};
  const read = (key: 'max_attempts' | 'backoff_seconds' | 'max_backoff_seconds' | 'timeout_seconds' | 'limit' | 'priority') => {
    const text = f[key].trim();
    if (!text) return undefined;
    const v = Number(text);
    const issue = Number.isNaN(v) ? 'must be a number' : runPolicyNumberIssue(key, v);
    if (issue) {
      errors[key] = issue;
      return undefined;
    }
    return v;
  };
  const policy: RunPolicy = {};
  const retry = { max_attempts: read('max_attempts'), backoff_seconds: read('backoff_seconds'), max_backoff_seconds: read('max_backoff_seconds') };
  if (retry.backoff_seconds !== undefined && retry.max_backoff_seconds !== undefined && retry.max_backoff_seconds < retry.backoff_seconds) {
    errors.max_backoff_seconds = `must be at least the first wait (${retry.backoff_seconds} s)`;
  }
  const definedRetry = Object.fromEntries(Object.entries(retry).filter(([, v]) => v !== undefined));
  if (Object.keys(definedRetry).length) policy.retry = definedRetry;
  const timeout = read('timeout_seconds');
  if (timeout !== undefined) policy.timeout_seconds = timeout;
  const limit = read('limit');
  if (limit !== undefined || f.policy) policy.concurrency = { ...(limit !== undefined ? { limit } : {}), ...(f.policy ? { policy: f.policy } : {}) };
  const priority = read('priority');
  if (priority !== undefined) policy.priority = priority;
  if (f.schema_drift) policy.schema_drift = f.schema_drift;
  if (f.anomaly_policy || f.anomaly_sensitivity) {
    policy.anomalies = { ...(f.anomaly_policy ? { policy: f.anomaly_policy } : {}), ...(f.anomaly_sensitivity ? { sensitivity: f.anomaly_sensitivity } : {}) };
  }
  return { policy, errors };
}

// One line for the toolbar button: what differs from the defaults.
export function describeRunPolicy(p: RunPolicy): string {
  const parts: string[] = [];
  if ((p.retry?.max_attempts ?? 1) > 1) parts.push(`${p.retry!.max_attempts} attempts`);
  if (p.timeout_seconds) parts.push(`timeout ${p.timeout_seconds} s`);
  if (p.concurrency?.limit !== undefined && p.concurrency.limit !== 1) parts.push(`${p.concurrency.limit} at once`);
  if (p.concurrency?.policy && p.concurrency.policy !== 'queue') parts.push(p.concurrency.policy.replace('_', ' '));
  if (p.priority) parts.push(`priority ${p.priority}`);
  if (p.schema_drift === 'fail') parts.push('fail on schema drift');
  if (p.schema_drift === 'evolve') parts.push('evolve database targets on schema drift');
  if (p.anomalies?.policy === 'fail') parts.push('fail on anomalies');
  if (p.anomalies?.policy === 'off') parts.push('no anomaly check');
  if (p.anomalies?.sensitivity && p.anomalies.sensitivity !== 'medium') parts.push(`${p.anomalies.sensitivity} anomaly sensitivity`);
  return parts.join(', ');
}

const kPolicyHelp: Record<ConcurrencyPolicy, string> = {
  queue: 'queue: a new run waits until one finishes',
  skip: 'skip: a new run is recorded as skipped',
  cancel_older: 'cancel older: the oldest queued or running run is cancelled',
};

export function RunSettingsDialog(props: { open: boolean; policy: RunPolicy; readOnly: boolean; onClose: () => void; onApply: (p: RunPolicy) => void }) {
  const [form, setForm] = useState<RunSettingsForm>(() => formFromPolicy(props.policy));
  useEffect(() => {
    if (props.open) setForm(formFromPolicy(props.policy));
  }, [props.open, props.policy]);
  const { policy, errors } = policyFromForm(form);
  const invalid = Object.keys(errors).length > 0;
  const field = (key: Exclude<keyof RunSettingsForm, 'policy' | 'schema_drift' | 'anomaly_policy' | 'anomaly_sensitivity'>, label: string, help: string, width = 200) => (
    <TextField
      label={label}
      value={form[key]}
      disabled={props.readOnly}
      onChange={(e) => setForm({ ...form, [key]: e.target.value })}
      error={!!errors[key]}
      helperText={errors[key] ?? help}
      slotProps={{ htmlInput: { inputMode: 'decimal', 'data-field': key } }}
      sx={{ width }}
    />
  );
  return (
    <Dialog open={props.open} onClose={props.onClose} aria-labelledby="run-settings-title" fullWidth maxWidth="sm">
      <DialogTitle id="run-settings-title">Run settings</DialogTitle>
      <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 2, pt: '8px !important' }}>
        <Typography variant="body2" sx={{ color: 'text.secondary' }}>
          Empty fields use the server's defaults: one attempt, no time limit, one run at a time (queued), priority 0.
        </Typography>
        <Typography variant="subtitle2" component="h3">
          Retries
        </Typography>
        <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
          {field('max_attempts', 'Max attempts', '1–100, the first included', 160)}
          {field('backoff_seconds', 'First wait (s)', 'doubled after each failure', 170)}
          {field('max_backoff_seconds', 'Longest wait (s)', 'cap of the doubling', 170)}
        </Box>
        <Typography variant="caption" sx={{ color: 'text.secondary', mt: -1 }}>
          Only runs that time out or lose a source or worker (unavailable) are retried; a bad configuration fails at once.
        </Typography>
        <Typography variant="subtitle2" component="h3">
          Time limit and concurrency
        </Typography>
        <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
          {field('timeout_seconds', 'Timeout (s)', 'per attempt; 0 = no limit', 160)}
          {field('limit', 'Runs at once', '1–10000', 130)}
          <TextField
            select
            label="When the limit is reached"
            value={form.policy}
            disabled={props.readOnly}
            onChange={(e) => setForm({ ...form, policy: e.target.value as ConcurrencyPolicy | '' })}
            helperText={form.policy ? kPolicyHelp[form.policy] : 'default: queue'}
            sx={{ width: 220 }}
            slotProps={{ select: { inputProps: { 'data-field': 'policy' } } }}
          >
            <MenuItem value="">Default (queue)</MenuItem>
            {kConcurrencyPolicies.map((p) => (
              <MenuItem key={p} value={p}>
                {p.replace('_', ' ')}
              </MenuItem>
            ))}
          </TextField>
        </Box>
        <Box sx={{ display: 'flex', gap: 2 }}>{field('priority', 'Priority', '-1000–1000; higher runs are claimed first', 260)}</Box>
        <TextField
          select
          label="When source columns change"
          value={form.schema_drift}
          disabled={props.readOnly}
          onChange={(e) => setForm({ ...form, schema_drift: e.target.value as SchemaDriftPolicy | '' })}
          helperText="Columns added, removed or retyped since the last successful run are always recorded on the run page; fail also stops the run before any data moves; evolve adds new columns to existing database target tables"
          sx={{ width: 520 }}
          slotProps={{ select: { inputProps: { 'data-field': 'schema_drift' } } }}
        >
          <MenuItem value="">Default (ignore)</MenuItem>
          <MenuItem value="ignore">ignore</MenuItem>
          <MenuItem value="fail">fail</MenuItem>
          <MenuItem value="evolve">evolve</MenuItem>
        </TextField>
        <Box sx={{ display: 'flex', gap: 2 }}>
          <TextField
            select
            label="When a run is far from its history"
            value={form.anomaly_policy}
            disabled={props.readOnly}
            onChange={(e) => setForm({ ...form, anomaly_policy: e.target.value as AnomalyPolicy | '' })}
            helperText="Row counts, durations, null rates, distinct counts, min and max against earlier runs at the same weekday and hour; warn records and notifies, fail also stops the loaders from publishing"
            sx={{ width: 330 }}
            slotProps={{ select: { inputProps: { 'data-field': 'anomaly_policy' } } }}
          >
            <MenuItem value="">Default (warn)</MenuItem>
            {kAnomalyPolicies.map((p) => (
              <MenuItem key={p} value={p}>
                {p}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            select
            label="Sensitivity"
            value={form.anomaly_sensitivity}
            disabled={props.readOnly}
            onChange={(e) => setForm({ ...form, anomaly_sensitivity: e.target.value as AnomalySensitivity | '' })}
            helperText="high flags smaller changes"
            sx={{ width: 170 }}
            slotProps={{ select: { inputProps: { 'data-field': 'anomaly_sensitivity' } } }}
          >
            <MenuItem value="">Default (medium)</MenuItem>
            {kAnomalySensitivities.map((v) => (
              <MenuItem key={v} value={v}>
                {v}
              </MenuItem>
            ))}
          </TextField>
        </Box>
        {invalid && <Alert severity="error">Fix the marked fields to apply the settings.</Alert>}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>{props.readOnly ? 'Close' : 'Cancel'}</Button>
        {!props.readOnly && (
          <Button variant="contained" disabled={invalid} onClick={() => props.onApply(policy)}>
            Apply
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
