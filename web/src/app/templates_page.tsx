// Templates: the organization's saved node configurations, grouped by module, with rename and
// delete. Templates are created from a node's settings panel in the editor ("Save as template").
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Templates } from '../api/endpoints';
import type { ModuleTemplate } from '../api/types';
import { useCanEdit } from '../store/auth_store';
import { ProblemAlert } from '../components/problem_alert';
import { ConfirmDialog } from '../components/confirm_dialog';
import { formatAgo } from '../components/format';
import { TemplateDialog } from './template_controls';

export function configSummary(config: Record<string, unknown>, max = 80): string {
  const s = JSON.stringify(config ?? {});
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function TemplatesPage() {
  const canEdit = useCanEdit();
  const qc = useQueryClient();
  const [module, setModule] = useState('');
  const all = useQuery({ queryKey: ['templates', ''], queryFn: () => Templates.list() });
  const [editing, setEditing] = useState<ModuleTemplate | null>(null);
  const [toDelete, setToDelete] = useState<ModuleTemplate | null>(null);
  const [error, setError] = useState<unknown>(null);
  const remove = useMutation({
    mutationFn: (t: ModuleTemplate) => Templates.remove(t.id),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['templates'] }),
    onError: setError,
  });
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
      <ProblemAlert error={error ?? all.error} onClose={() => setError(null)} />
      <Paper variant="outlined">
        <Table size="small" aria-label="Templates">
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell>Module</TableCell>
              <TableCell>Description</TableCell>
              <TableCell>Settings</TableCell>
              <TableCell>Updated</TableCell>
              {canEdit && <TableCell align="right">Actions</TableCell>}
            </TableRow>
          </TableHead>
          <TableBody>
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
                    <Button color="error" onClick={() => setToDelete(t)} aria-label={`Delete ${t.name}`}>
                      Delete
                    </Button>
                  </TableCell>
                )}
              </TableRow>
            ))}
            {!all.isPending && shown.length === 0 && (
              <TableRow>
                <TableCell colSpan={6} sx={{ textAlign: 'center', py: 4, color: 'text.secondary' }}>
                  No templates yet.
                </TableCell>
              </TableRow>
            )}
          </TableBody>
        </Table>
      </Paper>
      <TemplateDialog open={!!editing} template={editing} onClose={() => setEditing(null)} />
      <ConfirmDialog
        open={!!toDelete}
        title={`Delete template "${toDelete?.name}"?`}
        confirmLabel="Delete"
        danger
        onClose={() => setToDelete(null)}
        onConfirm={() => {
          if (toDelete) remove.mutate(toDelete);
          setToDelete(null);
        }}
      >
        Nodes configured from it keep their settings.
      </ConfirmDialog>
    </Box>
  );
}
