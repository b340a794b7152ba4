// The forced password change: an account created with a temporary password can do nothing else
// until it chooses its own (the server answers 403 elsewhere). A change signs out every session,
// so this page signs in again with the new password.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Auth } from '../api/endpoints';
import { tokensFrom } from '../api/client';
import { useAuthStore } from '../store/auth_store';
import { ProblemAlert } from '../components/problem_alert';

export function ChangePasswordPage({ email }: { email: string }) {
  const qc = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const mismatch = repeat !== '' && next !== repeat;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(null);
    try {
      await Auth.changePassword(current, next);
      const r = await Auth.login(email, next);
      useAuthStore.getState().signIn(r.user, tokensFrom(r));
      await qc.invalidateQueries({ queryKey: ['me'] });
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
          Choose your password
        </Typography>
        <Typography variant="body2" color="text.secondary">
          Your account ({email}) was created with a temporary password. Choose your own to continue.
        </Typography>
        <TextField label="Temporary password" type="password" value={current} onChange={(e) => setCurrent(e.target.value)} required autoComplete="current-password" autoFocus />
        <TextField label="New password" type="password" value={next} onChange={(e) => setNext(e.target.value)} required autoComplete="new-password" helperText="At least 8 characters" />
        <TextField
          label="Repeat new password"
          type="password"
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
          required
          autoComplete="new-password"
          error={mismatch}
          helperText={mismatch ? 'The passwords differ' : ' '}
        />
        <ProblemAlert error={error} />
        <Button type="submit" variant="contained" disabled={busy || mismatch}>
          Set password
        </Button>
        <Button onClick={() => useAuthStore.getState().signOut()}>Sign out</Button>
      </Paper>
    </Box>
  );
}
