// Templates: the organization's saved node configurations, grouped by module, with rename and
// delete. Templates are created from a node's settings panel in the editor ("Save as template").
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Templates } from '../api/endpoints';
import type { ModuleTemplate } from '../api/types';
import { useCanEdit } from '../store/auth_store';
import { ProblemAlert } from '../components/problem_alert';
import { ListTable } from '../components/list_table';
import { useConfirmedDelete } from '../components/use_confirmed_delete';
import { formatAgo } from '../components/format';
import { TemplateDialog } from './template_controls';

export function configSummary(config: Record<string, unknown>, max = 80): string {
  const s = JSON.stringify(config ?? {});
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function TemplatesPage() {
  const canEdit = useCanEdit();
  const [module, setModule] = useState('');
  const all = useQuery({ queryKey: ['templates', ''], queryFn: () => Templates.list() });
  const [editing, setEditing] = useState<ModuleTemplate | null>(null);
  const removal = useConfirmedDelete<ModuleTemplate>({ noun: 'template', remove: (t) => Templates.remove(t.id), queryKey: 'templates', note: 'Nodes configured from it keep their settings.' });
  const modules = [...new Set((all.data ?? []).map((t) => t.module))].sort();
  const shown = (all.data ?? []).filter((t) => !module || t.module === module);
  return (
    <Box sx={{ p: 3, maxWidth: 1100, mx: 'auto' }}>
      <Box sx={{ display: 'flex', alignItems: 'center', mb: 2, gap: 2 }}>
        <Typography variant="h5" component="h1" sx={{ flexGrow: 1, fontWeight: 600 }}>
          Templates
        </Typography>
        <TextField select size="small" label="Module" value={module} onChange={(e) => setModule(e.target.value)} sx={{ width: 220 }}>
          <MenuItem value="">All modules</MenuItem>
          {modules.map((m) => (
            <MenuItem key={m} value={m}>
              {m}
            </MenuItem>
          ))}
        </TextField>
      </Box>
      <Typography variant="body2" sx={{ color: 'text.secondary', mb: 1 }}>
        Saved node settings. Create one from a node&apos;s settings panel in the editor (&quot;Save as template&quot;) and apply it to other nodes of the same module.
      </Typography>
      <ProblemAlert error={removal.error ?? all.error} onClose={removal.clearError} />
      <ListTable
        label="Templates"
        columns={['Name', 'Module', 'Description', 'Settings', 'Updated']}
        actions={canEdit}
        empty="No templates yet."
        isEmpty={!all.isPending && shown.length === 0}
      >
        {shown.map((t) => (
          <TableRow key={t.id} hover data-testid="template-row">
            <TableCell sx={{ fontWeight: 600 }}>{t.name}</TableCell>
            <TableCell>{t.module}</TableCell>
            <TableCell>{t.description}</TableCell>
            <TableCell sx={{ fontFamily: 'monospace', fontSize: 12 }} title={JSON.stringify(t.config, null, 2)}>
              {configSummary(t.config)}
            </TableCell>
            <TableCell>{formatAgo(t.updated_at ?? t.created_at)}</TableCell>
            {canEdit && (
              <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                <Button onClick={() => setEditing(t)} aria-label={`Rename ${t.name}`}>
                  Rename
                </Button>
                <Button color="error" onClick={() => removal.ask(t)} aria-label={`Delete ${t.name}`}>
                  Delete
                </Button>
              </TableCell>
            )}
          </TableRow>
        ))}
      </ListTable>
      <TemplateDialog open={!!editing} template={editing} onClose={() => setEditing(null)} />
      {removal.dialog}
    </Box>
  );
}
