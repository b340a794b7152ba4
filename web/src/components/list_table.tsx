// The outlined table the list pages share: a labelled table, a header row and an "empty" row
// when the list has loaded with nothing in it. Rows are the caller's.
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import type { ReactNode } from 'react';

export function ListTable(props: { label: string; columns: string[]; actions?: boolean; empty: string; isEmpty: boolean; children: ReactNode }) {
  const { label, columns, actions = false, empty, isEmpty, children } = props;
  return (
    <Paper variant="outlined">
      <Table size="small" aria-label={label}>
        <TableHead>
          <TableRow>
            {columns.map((c) => (
              <TableCell key={c}>{c}</TableCell>
            ))}
            {actions && <TableCell align="right">Actions</TableCell>}
          </TableRow>
        </TableHead>
        <TableBody>
          {children}
          {isEmpty && (
            <TableRow>
              <TableCell colSpan={columns.length + (actions ? 1 : 0)} sx={{ textAlign: 'center', py: 4, color: 'text.secondary' }}>
                {empty}
              </TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
    </Paper>
  );
}

// The Edit and Delete buttons of one row, labelled with the item's name for screen readers/tests.
export function EditDeleteButtons({ name, editLabel = 'Edit', onEdit, onDelete }: { name: string; editLabel?: string; onEdit: () => void; onDelete: () => void }) {
  return (
    <>
      <Button onClick={onEdit} aria-label={`${editLabel} ${name}`}>
        {editLabel}
      </Button>
      <Button color="error" onClick={onDelete} aria-label={`Delete ${name}`}>
        Delete
      </Button>
    </>
  );
}
