// A node's own run settings in the side panel: disabled, retries and time limit (the node fields
// "disabled", "retry" and "timeout_seconds" of docs/pipeline-format.md). Inputs hold text; a
// change is applied to the document as soon as every input is valid, with the engine's bounds
// named under a bad one (policyFromForm, shared with the pipeline's Run settings dialog).
import Box from '@mui/material/Box';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import type { NodeRunSettings } from '../model/changes';
import type { PipelineNode } from '../model/pipeline_document';
import { formFromPolicy, policyFromForm, type RunSettingsForm } from './run_settings_dialog';

type NodeField = 'max_attempts' | 'backoff_seconds' | 'timeout_seconds';

export function settingsFromForm(disabled: boolean, form: RunSettingsForm): { settings: NodeRunSettings; errors: Partial<Record<NodeField, string>> } {
  const { policy, errors } = policyFromForm(form);
  const settings: NodeRunSettings = {};
  if (disabled) settings.disabled = true;
  if (policy.retry) settings.retry = policy.retry;
  if (policy.timeout_seconds) settings.timeout_seconds = policy.timeout_seconds;
  return { settings, errors };
}

export function NodeRunSettingsSection(props: { node: PipelineNode; readOnly: boolean; onChange: (s: NodeRunSettings) => void }) {
  const { node, readOnly, onChange } = props;
  const [form, setForm] = useState<RunSettingsForm>(() => formFromPolicy(node));
  // Another node selected, or undo/redo: show what the document says.
  useEffect(() => setForm(formFromPolicy(node)), [node.id, node.retry, node.timeout_seconds]); // eslint-disable-line react-hooks/exhaustive-deps
  const { errors } = settingsFromForm(!!node.disabled, form);
  const update = (next: RunSettingsForm, disabled = !!node.disabled) => {
    setForm(next);
    const result = settingsFromForm(disabled, next);
    if (Object.keys(result.errors).length === 0) onChange(result.settings);
  };
  const field = (key: NodeField, label: string, help: string) => (
    <TextField
      label={label}
      size="small"
      value={form[key]}
      disabled={readOnly}
      onChange={(e) => update({ ...form, [key]: e.target.value })}
      error={!!errors[key]}
      helperText={errors[key] ?? help}
      slotProps={{ htmlInput: { inputMode: 'decimal', 'data-field': `__node_${key}` } }}
      sx={{ width: 145 }}
    />
  );
  return (
    <Box component="section" aria-label="Node run settings" sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
      <Typography variant="subtitle2" component="h3">
        Run settings
      </Typography>
      <FormControlLabel
        control={<Checkbox checked={!!node.disabled} disabled={readOnly} onChange={(e) => update(form, e.target.checked)} />}
        label="Disabled (skips this node and everything downstream)"
      />
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
        {field('max_attempts', 'Attempts', 'opening / ELT script')}
        {field('backoff_seconds', 'First wait (s)', 'doubled each time')}
        {field('timeout_seconds', 'Timeout (s)', 'empty = no limit')}
      </Box>
      <Typography variant="caption" sx={{ color: 'text.secondary' }}>
        A node is retried only before it sends rows on (connecting, or the ELT task's script); later failures use the pipeline's
        retries.
      </Typography>
    </Box>
  );
}
