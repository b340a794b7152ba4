// Root: providers, session bootstrap and the route switch.
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import CircularProgress from '@mui/material/CircularProgress';
import Box from '@mui/material/Box';
import { lazy, Suspense, useEffect } from 'react';
import { ApiError } from '../api/problem';
import { Auth } from '../api/endpoints';
import { useAuthStore } from '../store/auth_store';
import { ProblemAlert } from '../components/problem_alert';
import { theme } from './theme';
import { navigate, useRoute } from './router';
import { AppShell } from './app_shell';
import { LoginPage } from './login_page';
import { AcceptInvitePage } from './accept_invite_page';
import { ChangePasswordPage } from './change_password_page';
import { PipelinesPage } from './pipelines_page';
import { EditorPage } from './editor_page';
import { RunsPage } from './runs_page';
// Pages off the main path load on demand (the run page brings the charting library).
const RunPage = lazy(() => import('./run_page').then((m) => ({ default: m.RunPage })));
const ConnectionsPage = lazy(() => import('./connections_page').then((m) => ({ default: m.ConnectionsPage })));
const NotificationsPage = lazy(() => import('./notifications_page').then((m) => ({ default: m.NotificationsPage })));
const TemplatesPage = lazy(() => import('./templates_page').then((m) => ({ default: m.TemplatesPage })));
const FilesPage = lazy(() => import('./files_page').then((m) => ({ default: m.FilesPage })));
const AdminPage = lazy(() => import('./admin_page').then((m) => ({ default: m.AdminPage })));

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (count, e) => !(e instanceof ApiError && e.status >= 400 && e.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

function Routes() {
  const route = useRoute();
  const tokens = useAuthStore((s) => s.tokens);
  const orgId = useAuthStore((s) => s.orgId);
  const setProfile = useAuthStore((s) => s.setProfile);
  const me = useQuery({ queryKey: ['me', tokens?.refresh_token], queryFn: Auth.me, enabled: !!tokens });

  useEffect(() => {
    if (me.data) setProfile(me.data.user, me.data.organizations ?? []);
  }, [me.data, setProfile]);

  useEffect(() => {
    if (!tokens && route.name !== 'login' && route.name !== 'acceptInvite') navigate({ name: 'login' }, { replace: true, force: true });
    if (tokens && route.name === 'login') navigate({ name: 'pipelines' }, { replace: true, force: true });
  }, [tokens, route.name]);

  // An invitation link works signed in or not: accepting signs in as the invited account.
  if (route.name === 'acceptInvite') return <AcceptInvitePage token={route.token} />;
  if (!tokens || route.name === 'login') return <LoginPage />;
  if (me.isPending) {
    return (
      <Box sx={{ display: 'grid', placeItems: 'center', height: '100vh' }}>
        <CircularProgress aria-label="Loading session" />
      </Box>
    );
  }
  if (me.error) {
    return (
      <Box sx={{ p: 4 }}>
        <ProblemAlert error={me.error} />
      </Box>
    );
  }
  // The server refuses everything else until a temporary password is replaced.
  if (me.data?.user?.must_change_password) return <ChangePasswordPage email={me.data.user.email} />;
  // Remount pages when the organization changes so no foreign data lingers.
  return (
    <AppShell route={route}>
      <Suspense fallback={<CircularProgress aria-label="Loading page" sx={{ m: 4 }} />}>
        <PageFor key={`${orgId}`} />
      </Suspense>
    </AppShell>
  );
}

function PageFor() {
  const route = useRoute();
  switch (route.name) {
    case 'pipelines':
      return <PipelinesPage />;
    case 'editor':
      // One editor instance across "new" → saved id; it reloads itself for another pipeline.
      return <EditorPage pipelineId={route.id} />;
    case 'runs':
      return <RunsPage pipelineId={route.pipelineId} status={route.status} />;
    case 'run':
      return <RunPage key={route.id} runId={route.id} />;
    case 'connections':
      return <ConnectionsPage />;
    case 'admin':
      return <AdminPage tab={route.tab} />;
    case 'notifications':
      return <NotificationsPage key={route.pipelineId ?? ''} pipelineId={route.pipelineId} />;
    case 'templates':
      return <TemplatesPage />;
    case 'files':
      return <FilesPage />;
    default:
      return <Box sx={{ p: 4 }}>Page not found.</Box>;
  }
}

export function App() {
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <QueryClientProvider client={queryClient}>
        <Routes />
      </QueryClientProvider>
    </ThemeProvider>
  );
}
