// Administration of the current organization: members, roles and invitations, API keys (with
// expiry), audit trail, egress allow-list, data retention and the natural-language endpoint.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Admin } from '../api/endpoints';
import type { AuditEntry } from '../api/types';
import { useAuthStore, useRole } from '../store/auth_store';
import { ProblemAlert } from '../components/problem_alert';
import { formatTime } from '../components/format';
import { navigate } from './router';
import { RetentionCard } from './retention_card';
import { AssistSettingsCard } from './assist_settings_card';

const kRoles = ['admin', 'developer', 'viewer'];

function Members() {
  const qc = useQueryClient();
  const me = useAuthStore((s) => s.user);
  const list = useQuery({ queryKey: ['members'], queryFn: Admin.members });
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('developer');
  const [error, setError] = useState<unknown>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ['members'] });
  const run = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
      await refresh();
    } catch (e) {
      setError(e);
    }
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await Admin.addMember(email, role);
      setEmail('');
    });
  };
  return (
    <Box>
      <Box component="form" onSubmit={add} sx={{ display: 'flex', gap: 1, mb: 2 }}>
        <TextField label="Email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required sx={{ width: 300 }} />
        <TextField select label="Role" value={role} onChange={(e) => setRole(e.target.value)} sx={{ width: 140 }}>
          {kRoles.map((r) => (
            <MenuItem key={r} value={r}>
              {r}
            </MenuItem>
          ))}
        </TextField>
        <Button type="submit" variant="contained">
          Add member
        </Button>
      </Box>
      <ProblemAlert error={error ?? list.error} onClose={() => setError(null)} />
      <Paper variant="outlined">
        <Table size="small" aria-label="Members">
          <TableHead>
            <TableRow>
              <TableCell>Email</TableCell>
              <TableCell>Name</TableCell>
              <TableCell>Role</TableCell>
              <TableCell align="right">Actions</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {(list.data ?? []).map((m) => (
              <TableRow key={m.user_id}>
                <TableCell>{m.email}</TableCell>
                <TableCell>{m.name}</TableCell>
                <TableCell>
                  <TextField
                    select
                    value={m.role}
                    onChange={(e) => void run(() => Admin.setRole(m.user_id, e.target.value))}
                    disabled={m.user_id === me?.id}
                    slotProps={{ htmlInput: { 'aria-label': `Role of ${m.email}` } }}
                    sx={{ width: 130 }}
                  >
                    {[...new Set([...kRoles, m.role])].map((r) => (
                      <MenuItem key={r} value={r}>
                        {r}
                      </MenuItem>
                    ))}
                  </TextField>
                </TableCell>
                <TableCell align="right">
                  {m.user_id !== me?.id && (
                    <Button color="error" onClick={() => void run(() => Admin.removeMember(m.user_id))} aria-label={`Remove ${m.email}`}>
                      Remove
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Paper>
    </Box>
  );
}

// Invitations: the server answers with a one-time link (nothing is emailed); the admin passes it on.
function Invitations() {
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['invitations'], queryFn: Admin.invitations });
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('developer');
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const invite = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await Admin.invite(email, role);
      setLink(`${location.origin}${r.accept_path ?? `/#/accept-invite?token=${r.token ?? ''}`}`);
      setEmail('');
      await qc.invalidateQueries({ queryKey: ['invitations'] });
    } catch (err) {
      setError(err);
    }
  };
  const revoke = async (id: string) => {
    setError(null);
    try {
      await Admin.revokeInvitation(id);
      await qc.invalidateQueries({ queryKey: ['invitations'] });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Box sx={{ mt: 4 }}>
      <Typography variant="h6" component="h2" sx={{ mb: 1 }}>
        Invitations
      </Typography>
      <Box component="form" onSubmit={invite} sx={{ display: 'flex', gap: 1, mb: 2 }}>
        <TextField label="Invite email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required sx={{ width: 300 }} />
        <TextField select label="Role" value={role} onChange={(e) => setRole(e.target.value)} sx={{ width: 140 }}>
          {kRoles.map((r) => (
            <MenuItem key={r} value={r}>
              {r}
            </MenuItem>
          ))}
        </TextField>
        <Button type="submit" variant="contained">
          Invite
        </Button>
      </Box>
      {link && (
        <Alert severity="success" onClose={() => setLink(null)} sx={{ mb: 2 }}>
          Send this link to the person you invited (valid 7 days, once; it is not shown again and nothing was emailed):{' '}
          <code data-testid="invite-link">{link}</code>
        </Alert>
      )}
      <ProblemAlert error={error ?? list.error} onClose={() => setError(null)} />
      <Paper variant="outlined">
        <Table size="small" aria-label="Pending invitations">
          <TableHead>
            <TableRow>
              <TableCell>Email</TableCell>
              <TableCell>Role</TableCell>
              <TableCell>Invited by</TableCell>
              <TableCell>Expires</TableCell>
              <TableCell align="right">Actions</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {(list.data ?? []).map((i) => (
              <TableRow key={i.id}>
                <TableCell>{i.email}</TableCell>
                <TableCell>{i.role}</TableCell>
                <TableCell>{i.invited_by_email ?? '–'}</TableCell>
                <TableCell>{formatTime(i.expires_at)}</TableCell>
                <TableCell align="right">
                  <Button color="error" onClick={() => void revoke(i.id)} aria-label={`Revoke invitation of ${i.email}`}>
                    Revoke
                  </Button>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Paper>
    </Box>
  );
}

function ApiKeys() {
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['api-keys'], queryFn: Admin.apiKeys });
  const [name, setName] = useState('');
  const [role, setRole] = useState('developer');
  const [expires, setExpires] = useState(''); // a date (yyyy-mm-dd); empty = never
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      // The key stops working at the end of the chosen day (UTC).
      const r = await Admin.createApiKey(name, role, expires ? `${expires}T23:59:59Z` : undefined);
      setCreated(r.key);
      setName('');
      setExpires('');
      await qc.invalidateQueries({ queryKey: ['api-keys'] });
    } catch (err) {
      setError(err);
    }
  };
  const revoke = async (id: string) => {
    try {
      await Admin.revokeApiKey(id);
      await qc.invalidateQueries({ queryKey: ['api-keys'] });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Box>
      <Box component="form" onSubmit={create} sx={{ display: 'flex', gap: 1, mb: 2 }}>
        <TextField label="Key name" value={name} onChange={(e) => setName(e.target.value)} required sx={{ width: 300 }} />
        <TextField select label="Role" value={role} onChange={(e) => setRole(e.target.value)} sx={{ width: 140 }}>
          {kRoles.map((r) => (
            <MenuItem key={r} value={r}>
              {r}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          label="Expires"
          type="date"
          value={expires}
          onChange={(e) => setExpires(e.target.value)}
          slotProps={{ inputLabel: { shrink: true } }}
          helperText="Empty: never"
          sx={{ width: 170 }}
        />
        <Button type="submit" variant="contained">
          Create key
        </Button>
      </Box>
      {created && (
        <Alert severity="success" onClose={() => setCreated(null)} sx={{ mb: 2 }}>
          Copy this key now; it is not shown again: <code data-testid="new-api-key">{created}</code>
        </Alert>
      )}
      <ProblemAlert error={error ?? list.error} onClose={() => setError(null)} />
      <Paper variant="outlined">
        <Table size="small" aria-label="API keys">
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell>Role</TableCell>
              <TableCell>Prefix</TableCell>
              <TableCell>Owner</TableCell>
              <TableCell>Created</TableCell>
              <TableCell>Last used</TableCell>
              <TableCell>Expires</TableCell>
              <TableCell align="right">Actions</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {(list.data ?? []).map((k) => (
              <TableRow key={k.id}>
                <TableCell>{k.name}</TableCell>
                <TableCell>{k.role}</TableCell>
                <TableCell sx={{ fontFamily: 'monospace' }}>{k.prefix ?? '–'}</TableCell>
                <TableCell>{k.created_by_email ?? '–'}</TableCell>
                <TableCell>{formatTime(k.created_at)}</TableCell>
                <TableCell>{formatTime(k.last_used_at)}</TableCell>
                <TableCell>{k.expires_at ? `${formatTime(k.expires_at)}${k.expired ? ' (expired)' : ''}` : 'never'}</TableCell>
                <TableCell align="right">
                  <Button color="error" onClick={() => void revoke(k.id)} aria-label={`Revoke ${k.name}`}>
                    Revoke
                  </Button>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Paper>
    </Box>
  );
}

function auditDetail(a: AuditEntry): string {
  const parts: string[] = [];
  if (a.before !== undefined && a.before !== null) parts.push(`before ${JSON.stringify(a.before)}`);
  if (a.after !== undefined && a.after !== null) parts.push(`after ${JSON.stringify(a.after)}`);
  if (a.detail !== undefined && a.detail !== null) parts.push(typeof a.detail === 'string' ? a.detail : JSON.stringify(a.detail));
  return parts.join(' · ');
}

function Audit() {
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [objectType, setObjectType] = useState('');
  const [page, setPage] = useState(0);
  const list = useQuery({
    queryKey: ['audit', actor, action, objectType, page],
    queryFn: () => Admin.audit({ actor, action, object_type: objectType, page: page + 1, page_size: 50 }),
    placeholderData: (p) => p,
  });
  return (
    <Box>
      <Box sx={{ display: 'flex', gap: 1, mb: 2 }}>
        <TextField label="Actor" value={actor} onChange={(e) => setActor(e.target.value)} />
        <TextField label="Action" value={action} onChange={(e) => setAction(e.target.value)} />
        <TextField label="Object type" value={objectType} onChange={(e) => setObjectType(e.target.value)} />
      </Box>
      <ProblemAlert error={list.error} />
      <Paper variant="outlined">
        <Table size="small" aria-label="Audit trail">
          <TableHead>
            <TableRow>
              <TableCell>When</TableCell>
              <TableCell>Actor</TableCell>
              <TableCell>Action</TableCell>
              <TableCell>Object</TableCell>
              <TableCell>Detail</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {(list.data?.items ?? []).map((a, i) => (
              <TableRow key={a.id ?? i}>
                <TableCell>{formatTime(a.ts ?? a.at)}</TableCell>
                <TableCell>{a.actor_email ?? a.actor}</TableCell>
                <TableCell>{a.action}</TableCell>
                <TableCell>
                  {a.object_type} {a.object_id}
                </TableCell>
                <TableCell sx={{ fontFamily: 'monospace', fontSize: 11, maxWidth: 360, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                  {auditDetail(a)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <TablePagination component="div" count={list.data?.total ?? 0} page={page} rowsPerPage={50} rowsPerPageOptions={[50]} onPageChange={(_, p) => setPage(p)} />
      </Paper>
    </Box>
  );
}

// The egress allow-list: internal address blocks this organization's work may reach. Public
// addresses need no entry; the server's own list applies to every organization.
function EgressAllowListCard() {
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['organization-egress'], queryFn: Admin.egress });
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const shown = text ?? (list.data?.allow ?? []).join('\n');
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    const allow = shown
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter((s) => s !== '');
    try {
      await Admin.setEgress(allow);
      setText(null);
      setSaved(true);
      await qc.invalidateQueries({ queryKey: ['organization-egress'] });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Paper variant="outlined" sx={{ p: 2 }} component="section" aria-label="Egress allow-list">
      <Typography variant="h6" component="h2" sx={{ mb: 1 }}>
        Egress allow-list
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        Runs, previews, connection tests and webhooks may reach public addresses. Loopback, private, link-local and
        cloud-metadata addresses are refused unless a block below (or the server&apos;s own list) allows them. One CIDR
        block per line, e.g. 10.20.0.0/16 or 192.168.1.10.
      </Typography>
      <ProblemAlert error={error ?? list.error} onClose={() => setError(null)} />
      {saved && (
        <Alert severity="success" sx={{ mb: 2 }} onClose={() => setSaved(false)}>
          Saved: it applies to the next request, run and test.
        </Alert>
      )}
      <Box component="form" onSubmit={save}>
        <TextField
          label="Allowed CIDR blocks"
          value={shown}
          onChange={(e) => setText(e.target.value)}
          multiline
          minRows={3}
          fullWidth
          size="small"
          slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace' } } }}
        />
        <Box sx={{ display: 'flex', gap: 1, mt: 1, alignItems: 'center' }}>
          <Button type="submit" variant="contained" disabled={list.isLoading}>
            Save
          </Button>
          {text !== null && (
            <Button onClick={() => setText(null)} disabled={list.isLoading}>
              Discard changes
            </Button>
          )}
        </Box>
      </Box>
      <Typography variant="body2" sx={{ mt: 2 }}>
        Allowed by the server for every organization:{' '}
        <Box component="span" sx={{ fontFamily: 'monospace' }}>
          {(list.data?.server_allow ?? []).join(', ') || 'nothing internal'}
        </Box>
      </Typography>
    </Paper>
  );
}

export function AdminPage({ tab }: { tab?: string }) {
  const role = useRole();
  const current = tab === 'api-keys' || tab === 'audit' || tab === 'egress' || tab === 'retention' || tab === 'assist' ? tab : 'members';
  if (role !== 'admin') {
    return (
      <Box sx={{ p: 3 }}>
        <Alert severity="info">Only organization admins can see this page.</Alert>
      </Box>
    );
  }
  return (
    <Box sx={{ p: 3, maxWidth: 1100, mx: 'auto' }}>
      <Typography variant="h5" component="h1" sx={{ fontWeight: 600, mb: 1 }}>
        Administration
      </Typography>
      <Tabs value={current} onChange={(_, v) => navigate({ name: 'admin', tab: v })} sx={{ mb: 2 }} aria-label="Administration sections">
        <Tab value="members" label="Members" />
        <Tab value="api-keys" label="API keys" />
        <Tab value="audit" label="Audit trail" />
        <Tab value="egress" label="Egress" />
        <Tab value="retention" label="Retention" />
        <Tab value="assist" label="Natural language" />
      </Tabs>
      {current === 'members' && (
        <>
          <Members />
          <Invitations />
        </>
      )}
      {current === 'api-keys' && <ApiKeys />}
      {current === 'audit' && <Audit />}
      {current === 'egress' && <EgressAllowListCard />}
      {current === 'retention' && <RetentionCard />}
      {current === 'assist' && <AssistSettingsCard />}
    </Box>
  );
}
