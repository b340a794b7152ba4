// Connections: list, create, edit, test (saved or unsaved), delete. Secrets are write-only: the
// form never shows a stored secret, only whether one is set; leaving it empty keeps it.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import MenuItem from '@mui/material/MenuItem';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { Connections } from '../api/endpoints';
import type { Connection, ConnectionInput, ConnectionTestResult } from '../api/types';
import { useCanEdit } from '../store/auth_store';
import { ProblemAlert } from '../components/problem_alert';
import { EditDeleteButtons, ListTable } from '../components/list_table';
import { useConfirmedDelete } from '../components/use_confirmed_delete';
import { formatAgo } from '../components/format';

// The server accepts only connection types some module can use and lists them (canonical names)
// in GET /api/v1/modules as `connection_types`; the form offers exactly those.
interface ModuleCatalog {
  connection_types?: string[];
}

async function fetchConnectionTypes(): Promise<string[]> {
  const catalog = await api.get<ModuleCatalog>('/api/v1/modules');
  return catalog.connection_types ?? [];
}

// The types the Type field offers: the server's list, plus the type of the connection being
// edited when the server no longer lists it (it stays selectable; the server keeps it unchanged).
export function connectionTypeOptions(served: readonly string[] | undefined, current: string): string[] {
  const types = [...(served ?? [])];
  if (current && !types.includes(current)) types.push(current);
  return types;
}

// What the Host and Port fields expect for a connection type, shown as placeholders so a user
// knows whether to type a host name or a URL.
export function addressHint(type: string): { host: string; port: string } {
  switch (type) {
    case 'clickhouse':
      return { host: 'http://clickhouse:8123 (HTTP interface URL)', port: '' };
    case 'http':
      return { host: 'https://api.example.com', port: '' };
    case 'azure_blob':
      // The account name goes in User; azurite and private endpoints go in options.endpoint.
      return { host: 'https://ACCOUNT.blob.core.windows.net (optional)', port: '' };
    case 'postgres':
      return { host: 'db.example.com', port: '5432' };
    case 'mysql':
      return { host: 'db.example.com', port: '3306' };
    case 'rabbitmq':
      // The virtual host goes in Database (default "/").
      return { host: 'mq.example.com', port: '5672' };
    default:
      return { host: '', port: '' };
  }
}

interface FormState {
  name: string;
  type: string;
  host: string;
  port: string;
  database: string;
  user: string;
  secret: string;
  options: string;
}

function toForm(c: Connection | null): FormState {
  return {
    name: c?.name ?? '',
    type: c?.type ?? 'postgres',
    host: c?.host ?? '',
    port: c?.port ? String(c.port) : '',
    database: c?.database ?? '',
    user: c?.user ?? '',
    secret: '',
    options: c?.options && Object.keys(c.options).length ? JSON.stringify(c.options, null, 2) : '',
  };
}

function toInput(f: FormState): { input?: ConnectionInput; error?: string } {
  let options: Record<string, unknown> = {};
  if (f.options.trim()) {
    try {
      options = JSON.parse(f.options) as Record<string, unknown>;
    } catch {
      return { error: 'Options must be a JSON object' };
    }
  }
  const input: ConnectionInput = { name: f.name.trim(), type: f.type, host: f.host, database: f.database, user: f.user, options };
  if (f.port) input.port = Number(f.port);
  if (f.secret) input.secret = f.secret;
  return { input };
}

function ConnectionDialog({ open, connection, onClose }: { open: boolean; connection: Connection | null; onClose: () => void }) {
  const qc = useQueryClient();
  const [form, setForm] = useState<FormState>(toForm(null));
  const [error, setError] = useState<unknown>(null);
  const [test, setTest] = useState<ConnectionTestResult | null>(null);
  const types = useQuery({ queryKey: ['modules', 'connection_types'], queryFn: fetchConnectionTypes, staleTime: Infinity });
  useEffect(() => {
    if (open) {
      setForm(toForm(connection));
      setError(null);
      setTest(null);
    }
  }, [open, connection]);
  const set = (k: keyof FormState) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const save = async () => {
    const { input, error: err } = toInput(form);
    if (!input) return setError(new Error(err));
    try {
      if (connection) await Connections.update(connection.id, input);
      else await Connections.create(input);
      await qc.invalidateQueries({ queryKey: ['connections'] });
      onClose();
    } catch (e) {
      setError(e);
    }
  };
  const runTest = async () => {
    const { input, error: err } = toInput(form);
    if (!input) return setError(new Error(err));
    setTest(null);
    setError(null);
    try {
      // A saved connection with no new secret is tested server-side with its stored secret.
      setTest(connection && !form.secret ? await Connections.test(connection.id) : await Connections.testUnsaved(input));
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Dialog open={open} onClose={onClose} aria-labelledby="conn-title" fullWidth maxWidth="sm">
      <DialogTitle id="conn-title">{connection ? `Edit ${connection.name}` : 'New connection'}</DialogTitle>
      <DialogContent sx={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 2, pt: '8px !important' }}>
        <TextField label="Name" value={form.name} onChange={set('name')} required />
        <TextField select label="Type" value={form.type} onChange={set('type')}>
          {connectionTypeOptions(types.data, form.type).map((t) => (
            <MenuItem key={t} value={t}>
              {t}
            </MenuItem>
          ))}
        </TextField>
        <TextField label="Host" value={form.host} onChange={set('host')} placeholder={addressHint(form.type).host} />
        <TextField label="Port" type="number" value={form.port} onChange={set('port')} placeholder={addressHint(form.type).port} />
        <TextField label="Database" value={form.database} onChange={set('database')} />
        <TextField label="User" value={form.user} onChange={set('user')} autoComplete="off" />
        <TextField
          label="Secret"
          type="password"
          value={form.secret}
          onChange={set('secret')}
          autoComplete="new-password"
          helperText={connection?.has_secret ? 'A secret is stored. Leave empty to keep it.' : 'Password or key; never shown again.'}
          sx={{ gridColumn: '1 / -1' }}
        />
        <TextField label="Options (JSON)" value={form.options} onChange={set('options')} multiline minRows={2} sx={{ gridColumn: '1 / -1' }} slotProps={{ htmlInput: { style: { fontFamily: 'monospace' } } }} />
        <Box sx={{ gridColumn: '1 / -1' }}>
          <ProblemAlert error={error} />
          {test && (
            <Alert severity={test.ok ? 'success' : 'error'} role="status">
              {test.ok ? `Connection works${test.latency_ms !== undefined ? ` (${test.latency_ms} ms)` : ''}` : 'Connection failed'}
              {test.message || test.error ? `: ${test.message ?? test.error}` : ''}
            </Alert>
          )}
        </Box>
      </DialogContent>
      <DialogActions>
        <Button onClick={() => void runTest()}>Test</Button>
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" onClick={() => void save()} disabled={!form.name.trim()}>
          Save
        </Button>
      </DialogActions>
    </Dialog>
  );
}

export function ConnectionsPage() {
  const canEdit = useCanEdit();
  const list = useQuery({ queryKey: ['connections'], queryFn: Connections.list });
  const [editing, setEditing] = useState<Connection | null>(null);
  const [open, setOpen] = useState(false);
  const [tests, setTests] = useState<Record<string, ConnectionTestResult | 'testing'>>({});
  const removal = useConfirmedDelete<Connection>({ noun: 'connection', remove: (c) => Connections.remove(c.id), queryKey: 'connections', note: 'Pipelines that use it will fail until they are pointed at another connection.' });
  const test = async (c: Connection) => {
    setTests((t) => ({ ...t, [c.id]: 'testing' }));
    try {
      const r = await Connections.test(c.id);
      setTests((t) => ({ ...t, [c.id]: r }));
    } catch (e) {
      setTests((t) => ({ ...t, [c.id]: { ok: false, message: e instanceof Error ? e.message : String(e) } }));
    }
  };
  return (
    <Box sx={{ p: 3, maxWidth: 1100, mx: 'auto' }}>
      <Box sx={{ display: 'flex', alignItems: 'center', mb: 2 }}>
        <Typography variant="h5" component="h1" sx={{ flexGrow: 1, fontWeight: 600 }}>
          Connections
        </Typography>
        {canEdit && (
          <Button
            variant="contained"
            onClick={() => {
              setEditing(null);
              setOpen(true);
            }}
          >
            New connection
          </Button>
        )}
      </Box>
      <ProblemAlert error={removal.error ?? list.error} onClose={removal.clearError} />
      <ListTable
        label="Connections"
        columns={['Name', 'Type', 'Address', 'Secret', 'Updated']}
        actions
        empty="No connections yet."
        isEmpty={!list.isPending && !list.data?.length}
      >
        {(list.data ?? []).map((c) => {
          const t = tests[c.id];
          return (
            <TableRow key={c.id} hover>
              <TableCell sx={{ fontWeight: 600 }}>{c.name}</TableCell>
              <TableCell>{c.type}</TableCell>
              <TableCell sx={{ fontFamily: 'monospace', fontSize: 12 }}>
                {c.user ? `${c.user}@` : ''}
                {c.host}
                {c.port ? `:${c.port}` : ''}
                {c.database ? `/${c.database}` : ''}
              </TableCell>
              <TableCell>{c.has_secret ? <Chip size="small" label="set" /> : '–'}</TableCell>
              <TableCell>{formatAgo(c.updated_at ?? c.created_at)}</TableCell>
              <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                {t && t !== 'testing' && <Chip size="small" color={t.ok ? 'success' : 'error'} label={t.ok ? 'OK' : t.message ?? t.error ?? 'failed'} sx={{ mr: 1, maxWidth: 240 }} />}
                <Button onClick={() => void test(c)} disabled={t === 'testing'} aria-label={`Test ${c.name}`}>
                  {t === 'testing' ? 'Testing…' : 'Test'}
                </Button>
                {canEdit && (
                  <EditDeleteButtons
                    name={c.name}
                    onEdit={() => {
                      setEditing(c);
                      setOpen(true);
                    }}
                    onDelete={() => removal.ask(c)}
                  />
                )}
              </TableCell>
            </TableRow>
          );
        })}
      </ListTable>
      <ConnectionDialog open={open} connection={editing} onClose={() => setOpen(false)} />
      {removal.dialog}
    </Box>
  );
}
