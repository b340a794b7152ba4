// Accepting an invitation from the link an admin passed on: a new account chooses its name and
// password; an existing account gives its current password. Signs in to the inviting organization.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState, type FormEvent } from 'react';
import { Auth } from '../api/endpoints';
import { tokensFrom } from '../api/client';
import { useAuthStore } from '../store/auth_store';
import { ProblemAlert } from '../components/problem_alert';
import { navigate } from './router';

export function AcceptInvitePage({ token }: { token: string }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await Auth.acceptInvite(token, password, name);
      useAuthStore.getState().signIn(r.user, tokensFrom(r));
      navigate({ name: 'pipelines' }, { force: true, replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center', bgcolor: 'background.default' }}>
      <Paper component="form" onSubmit={submit} sx={{ p: 4, width: 400, display: 'flex', flexDirection: 'column', gap: 2 }} elevation={3}>
        <Typography variant="h5" component="h1" sx={{ fontWeight: 700 }}>
          Join Logidata
        </Typography>
        <Typography variant="body2" color="text.secondary">
          You were invited to an organization. Choose your name and password. If you already have an account with
          this email, enter its current password instead.
        </Typography>
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" autoFocus />
        <TextField
          label="Password"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
          autoComplete="new-password"
          helperText="At least 8 characters"
        />
        <ProblemAlert error={error} />
        <Button type="submit" variant="contained" disabled={busy || !token}>
          Accept invitation
        </Button>
      </Paper>
    </Box>
  );
}
