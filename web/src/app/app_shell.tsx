// Top bar: navigation, organization switcher and the user menu (sign out).
import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import Toolbar from '@mui/material/Toolbar';
import Typography from '@mui/material/Typography';
import Chip from '@mui/material/Chip';
import type { ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Auth } from '../api/endpoints';
import { useAuthStore, useRole } from '../store/auth_store';
import { navigate, type Route } from './router';

const kNav: { label: string; route: Route; match: Route['name'][]; admin?: boolean }[] = [
  { label: 'Pipelines', route: { name: 'pipelines' }, match: ['pipelines', 'editor'] },
  { label: 'Runs', route: { name: 'runs' }, match: ['runs', 'run'] },
  { label: 'Connections', route: { name: 'connections' }, match: ['connections'] },
  { label: 'Notifications', route: { name: 'notifications' }, match: ['notifications'] },
  { label: 'Templates', route: { name: 'templates' }, match: ['templates'] },
  { label: 'Files', route: { name: 'files' }, match: ['files'] },
  { label: 'Admin', route: { name: 'admin' }, match: ['admin'], admin: true },
];

export function AppShell({ route, children }: { route: Route; children: ReactNode }) {
  const user = useAuthStore((s) => s.user);
  const orgs = useAuthStore((s) => s.organizations);
  const orgId = useAuthStore((s) => s.orgId);
  const selectOrg = useAuthStore((s) => s.selectOrg);
  const role = useRole();
  const queryClient = useQueryClient();

  const signOut = async () => {
    const tokens = useAuthStore.getState().tokens;
    try {
      if (tokens) await Auth.logout(tokens.refresh_token);
    } catch {
      // Signing out locally is what matters; the server revokes on expiry anyway.
    }
    useAuthStore.getState().signOut();
    queryClient.clear();
    navigate({ name: 'login' }, { force: true });
  };

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100vh' }}>
      <AppBar position="static" elevation={0}>
        <Toolbar variant="dense" sx={{ gap: 1 }}>
          <Typography variant="h6" component="div" sx={{ fontWeight: 700, mr: 2 }}>
            Logidata
          </Typography>
          <Box component="nav" aria-label="Main" sx={{ display: 'flex', gap: 0.5, flexGrow: 1 }}>
            {kNav
              .filter((n) => !n.admin || role === 'admin')
              .map((n) => (
                <Button
                  key={n.label}
                  color="inherit"
                  onClick={() => navigate(n.route)}
                  aria-current={n.match.includes(route.name) ? 'page' : undefined}
                  sx={{ fontWeight: n.match.includes(route.name) ? 700 : 400, textDecoration: n.match.includes(route.name) ? 'underline' : 'none' }}
                >
                  {n.label}
                </Button>
              ))}
          </Box>
          {orgs.length > 0 && (
            <Select
              size="small"
              value={orgId ?? ''}
              onChange={(e) => {
                navigate({ name: 'pipelines' });
                selectOrg(String(e.target.value));
                queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
              }}
              inputProps={{ 'aria-label': 'Organization' }}
              sx={{ color: 'inherit', bgcolor: 'rgba(255,255,255,0.15)', minWidth: 160, '& svg': { color: '#fff' } }}
            >
              {orgs.map((o) => (
                <MenuItem key={o.id} value={o.id}>
                  {o.name}
                </MenuItem>
              ))}
            </Select>
          )}
          {role && <Chip size="small" label={role} sx={{ color: '#fff', borderColor: '#fff' }} variant="outlined" aria-label={`Role: ${role}`} />}
          <Typography variant="body2" sx={{ mx: 1 }} data-testid="user-email">
            {user?.email}
          </Typography>
          <Button color="inherit" variant="outlined" onClick={signOut}>
            Sign out
          </Button>
        </Toolbar>
      </AppBar>
      <Box component="main" sx={{ flex: 1, minHeight: 0, overflow: 'auto' }}>
        {children}
      </Box>
    </Box>
  );
}
