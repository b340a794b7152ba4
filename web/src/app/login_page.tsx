// Sign in or register (registration is shown; the server answers 403 when it is closed).
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState, type FormEvent } from 'react';
import { Auth } from '../api/endpoints';
import { tokensFrom } from '../api/client';
import { useAuthStore } from '../store/auth_store';
import { ProblemAlert } from '../components/problem_alert';
import { navigate } from './router';

export function LoginPage() {
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = mode === 'login' ? await Auth.login(email, password) : await Auth.register(email, password, name);
      useAuthStore.getState().signIn(r.user, tokensFrom(r));
      navigate({ name: 'pipelines' }, { force: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center', bgcolor: 'background.default' }}>
      <Paper component="form" onSubmit={submit} sx={{ p: 4, width: 380, display: 'flex', flexDirection: 'column', gap: 2 }} elevation={3}>
        <Typography variant="h5" component="h1" sx={{ fontWeight: 700 }}>
          Logidata
        </Typography>
        <Tabs value={mode} onChange={(_, v) => setMode(v)} aria-label="Sign in or register">
          <Tab value="login" label="Sign in" />
          <Tab value="register" label="Register" />
        </Tabs>
        {mode === 'register' && <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} required autoComplete="name" />}
        <TextField label="Email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="username" autoFocus />
        <TextField
          label="Password"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
          autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
        />
        <ProblemAlert error={error} />
        <Button type="submit" variant="contained" size="medium" disabled={busy}>
          {mode === 'login' ? 'Sign in' : 'Create account'}
        </Button>
      </Paper>
    </Box>
  );
}
