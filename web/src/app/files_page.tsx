// Files: the organization's files on the server — the only folder its pipelines may read and write
// (plus the roots the operator granted, named `name:path`). Browse folders, upload, download and
// delete; the path shown is exactly what a pipeline's `path` setting takes.
import Box from '@mui/material/Box';
import Breadcrumbs from '@mui/material/Breadcrumbs';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Files, type FileEntry } from '../api/endpoints';
import { useCanEdit } from '../store/auth_store';
import { ProblemAlert } from '../components/problem_alert';
import { ListTable } from '../components/list_table';
import { useConfirmedDelete } from '../components/use_confirmed_delete';
import { formatAgo } from '../components/format';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

// "lake:2024/q1" → [{label: "lake:", path: "lake:"}, {label: "2024", path: "lake:2024"}, …]
export function crumbs(path: string): { label: string; path: string }[] {
  const out = [{ label: 'My files', path: '' }];
  let rest = path;
  let prefix = '';
  const root = /^([A-Za-z][A-Za-z0-9_-]*):/.exec(path);
  if (root) {
    prefix = `${root[1]}:`;
    out[0] = { label: prefix, path: prefix };
    rest = path.slice(prefix.length);
  }
  const parts = rest.split('/').filter(Boolean);
  parts.forEach((p, i) => out.push({ label: p, path: prefix + parts.slice(0, i + 1).join('/') }));
  return out;
}

export function FilesPage() {
  const canEdit = useCanEdit();
  const qc = useQueryClient();
  const [path, setPath] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const listing = useQuery({ queryKey: ['files', path], queryFn: () => Files.list(path) });
  const join = (name: string) => (path === '' ? name : path.endsWith(':') ? path + name : `${path}/${name}`);
  const upload = useMutation({
    mutationFn: async (files: FileList) => {
      for (const f of Array.from(files)) await Files.upload(join(f.name), f);
    },
    onSettled: () => qc.invalidateQueries({ queryKey: ['files'] }),
  });
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const download = async (entry: FileEntry) => {
    try {
      const res = await Files.download(entry.path);
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = entry.name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (e) {
      setDownloadError(e);
    }
  };
  const removal = useConfirmedDelete<FileEntry>({ noun: 'file', remove: (f) => Files.remove(f.path), queryKey: 'files', note: 'Pipelines that read it will fail until it is uploaded again.' });
  const roots = listing.data?.roots ?? [];
  const writable = !/^[A-Za-z][A-Za-z0-9_-]*:/.test(path) || roots.some((r) => r.writable && path.startsWith(`${r.name}:`));
  return (
    <Box sx={{ p: 3, maxWidth: 1100, mx: 'auto' }}>
      <Box sx={{ display: 'flex', alignItems: 'center', mb: 2, gap: 2 }}>
        <Typography variant="h5" component="h1" sx={{ flexGrow: 1, fontWeight: 600 }}>
          Files
        </Typography>
        {canEdit && writable && (
          <>
            <input ref={input} type="file" multiple hidden aria-label="Choose files to upload" onChange={(e) => e.target.files && upload.mutate(e.target.files)} />
            <Button variant="contained" onClick={() => input.current?.click()} disabled={upload.isPending}>
              {upload.isPending ? 'Uploading…' : 'Upload'}
            </Button>
          </>
        )}
      </Box>
      <Typography variant="body2" sx={{ color: 'text.secondary', mb: 1 }}>
        Your organization&apos;s folder on the server. Pipelines read and write here with relative paths such as <code>data/orders.csv</code>; nothing outside it is reachable.
      </Typography>
      <Box sx={{ display: 'flex', gap: 1, mb: 1, flexWrap: 'wrap' }}>
        <Chip label="My files" onClick={() => setPath('')} color={path.includes(':') ? 'default' : 'primary'} />
        {roots.map((r) => (
          <Chip key={r.name} label={`${r.name}:${r.writable ? '' : ' (read-only)'}`} onClick={() => setPath(`${r.name}:`)} color={path.startsWith(`${r.name}:`) ? 'primary' : 'default'} />
        ))}
      </Box>
      <Breadcrumbs sx={{ mb: 1 }} aria-label="Folder">
        {crumbs(path).map((c) => (
          <Link key={c.path} component="button" underline="hover" onClick={() => setPath(c.path)}>
            {c.label}
          </Link>
        ))}
      </Breadcrumbs>
      <ProblemAlert error={upload.error ?? downloadError ?? removal.error ?? listing.error} onClose={() => { upload.reset(); setDownloadError(null); removal.clearError(); }} />
      <ListTable label="Files" columns={['Name', 'Size', 'Modified']} actions={canEdit} empty="This folder is empty." isEmpty={!listing.isPending && (listing.data?.items.length ?? 0) === 0}>
        {(listing.data?.items ?? []).map((f) => (
          <TableRow key={f.path} hover data-testid="file-row">
            <TableCell sx={{ fontFamily: 'monospace' }}>
              {f.is_directory ? (
                <Link component="button" onClick={() => setPath(f.path)}>
                  {f.name}/
                </Link>
              ) : (
                f.name
              )}
            </TableCell>
            <TableCell>{f.is_directory ? '' : formatBytes(f.size)}</TableCell>
            <TableCell>{formatAgo(f.modified_at)}</TableCell>
            {canEdit && (
              <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                {!f.is_directory && (
                  <Button onClick={() => download(f)} aria-label={`Download ${f.name}`}>
                    Download
                  </Button>
                )}
                {writable && (
                  <Button color="error" onClick={() => removal.ask(f)} aria-label={`Delete ${f.name}`}>
                    Delete
                  </Button>
                )}
              </TableCell>
            )}
          </TableRow>
        ))}
      </ListTable>
      {removal.dialog}
    </Box>
  );
}
