import Chip from '@mui/material/Chip';
import { kStatusColors } from '../app/theme';

export function StatusChip({ status }: { status?: string | null }) {
  if (!status) return <Chip size="small" label="never run" variant="outlined" />;
  const color = kStatusColors[status] ?? '#757575';
  return (
    <Chip
      size="small"
      label={status.replace('_', ' ')}
      data-status={status}
      sx={{ bgcolor: color, color: '#fff', fontWeight: 600, textTransform: 'capitalize' }}
    />
  );
}
