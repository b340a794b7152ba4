// Module templates in the node settings panel: "Save as template" stores the node's config under
// a name; "Apply template" replaces the config with one of the module's saved templates (one undo
// step). Server field errors (/name taken, /config/… not valid) show at the inputs.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import ListItemText from '@mui/material/ListItemText';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Templates } from '../api/endpoints';
import { fieldErrorsOf } from '../api/problem';
import type { ModuleTemplate } from '../api/types';
import { ProblemAlert } from '../components/problem_alert';

// Create (no `template`) or rename/describe an existing template.
export function TemplateDialog(props: {
  open: boolean;
  template?: ModuleTemplate | null;
  module?: string;
  config?: Record<string, unknown>;
  defaultName?: string;
  onClose: (saved?: ModuleTemplate) => void;
}) {
  const { open, template, module, config, defaultName, onClose } = props;
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!open) return;
    setName(template?.name ?? defaultName ?? '');
    setDescription(template?.description ?? '');
    setErrors({});
    setError(null);
  }, [open, template, defaultName]);
  const save = async () => {
    if (!name.trim()) return setErrors({ name: 'A name is required' });
    try {
      const saved = template
        ? await Templates.update(template.id, { name: name.trim(), description })
        : await Templates.create({ name: name.trim(), description, module, config });
      await qc.invalidateQueries({ queryKey: ['templates'] });
      onClose(saved);
    } catch (e) {
      const fields = fieldErrorsOf(e);
      setErrors(fields);
      if (!fields.name && !fields.description) setError(e);
    }
  };
  return (
    <Dialog open={open} onClose={() => onClose()} aria-labelledby="template-title" fullWidth maxWidth="xs">
      <DialogTitle id="template-title">{template ? `Edit template ${template.name}` : `Save ${module} settings as template`}</DialogTitle>
      <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 2, pt: '8px !important' }}>
        <TextField label="Template name" value={name} onChange={(e) => setName(e.target.value)} required error={!!errors.name} helperText={errors.name} autoFocus />
        <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} multiline minRows={2} error={!!errors.description} helperText={errors.description} />
        <ProblemAlert error={error} />
      </DialogContent>
      <DialogActions>
        <Button onClick={() => onClose()}>Cancel</Button>
        <Button variant="contained" onClick={() => void save()}>
          Save
        </Button>
      </DialogActions>
    </Dialog>
  );
}

export function TemplateControls(props: {
  module: string; // "kind.name"
  config: Record<string, unknown>;
  nodeName: string;
  readOnly: boolean;
  onApply: (config: Record<string, unknown>, template: ModuleTemplate) => void;
}) {
  const { module, config, nodeName, readOnly, onApply } = props;
  const [saving, setSaving] = useState(false);
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const list = useQuery({ queryKey: ['templates', module], queryFn: () => Templates.list(module) });
  const templates = list.data ?? [];
  return (
    <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
      {!readOnly && (
        <Button size="small" variant="outlined" onClick={() => setSaving(true)}>
          Save as template
        </Button>
      )}
      {!readOnly && (
        <Button size="small" variant="outlined" onClick={(e) => setAnchor(e.currentTarget)} disabled={list.isPending}>
          Apply template{templates.length ? ` (${templates.length})` : ''}
        </Button>
      )}
      <Menu anchorEl={anchor} open={!!anchor} onClose={() => setAnchor(null)} aria-label="Templates">
        {templates.length === 0 && <MenuItem disabled>No templates for {module} yet</MenuItem>}
        {templates.map((t) => (
          <MenuItem
            key={t.id}
            onClick={() => {
              setAnchor(null);
              onApply(structuredClone(t.config ?? {}), t);
            }}
          >
            <ListItemText primary={t.name} secondary={t.description || undefined} />
          </MenuItem>
        ))}
      </Menu>
      <TemplateDialog open={saving} module={module} config={config} defaultName={nodeName} onClose={() => setSaving(false)} />
    </Box>
  );
}
