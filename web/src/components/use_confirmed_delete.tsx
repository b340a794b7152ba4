// Delete with a confirmation dialog, for list pages: `ask(item)` opens the dialog, confirming
// deletes through the API and refreshes the list's query; a failure is kept in `error`.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { ConfirmDialog } from './confirm_dialog';

export function useConfirmedDelete<T extends { name: string }>(opts: { noun: string; remove: (item: T) => Promise<unknown>; queryKey: string; note?: ReactNode }) {
  const qc = useQueryClient();
  const [target, setTarget] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const mutation = useMutation({
    mutationFn: opts.remove,
    onSuccess: () => qc.invalidateQueries({ queryKey: [opts.queryKey] }),
    onError: setError,
  });
  const dialog = (
    <ConfirmDialog
      open={!!target}
      title={`Delete ${opts.noun} "${target?.name}"?`}
      confirmLabel="Delete"
      danger
      onClose={() => setTarget(null)}
      onConfirm={() => {
        if (target) mutation.mutate(target);
        setTarget(null);
      }}
    >
      {opts.note}
    </ConfirmDialog>
  );
  return { ask: setTarget, error, clearError: () => setError(null), dialog };
}
