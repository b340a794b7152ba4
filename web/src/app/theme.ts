import { createTheme } from '@mui/material/styles';

export const theme = createTheme({
  palette: {
    primary: { main: '#1565c0' },
    secondary: { main: '#6a1b9a' },
    background: { default: '#f5f7fa' },
  },
  shape: { borderRadius: 6 },
  typography: { fontSize: 13 },
  components: {
    MuiButton: { defaultProps: { size: 'small' } },
    MuiTextField: { defaultProps: { size: 'small' } },
    MuiIconButton: { defaultProps: { size: 'small' } },
  },
});

// Colours for run and node statuses, shared by the canvas, run page and lists.
export const kStatusColors: Record<string, string> = {
  queued: '#9e9e9e',
  pending: '#9e9e9e',
  running: '#1e88e5',
  succeeded: '#2e7d32',
  failed: '#c62828',
  cancelled: '#ef6c00',
  interrupted: '#8d6e63',
  skipped: '#bdbdbd',
  retrying: '#f9a825', // waiting for its next attempt
  timed_out: '#6a1b9a',
};
