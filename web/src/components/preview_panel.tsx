// Data preview of one node: rows paged from the server into a virtualised table, per-column
// statistics (type, nulls, distinct, min/max, histogram) and CSV/JSON export of loaded rows.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import CloseIcon from '@mui/icons-material/Close';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Preview } from '../api/endpoints';
import type { ColumnProfile, PreviewColumn } from '../api/types';
import { pagesFor } from '../model/virtual_window';
import { rowsToCsv, rowsToJson } from '../model/table_export';
import { ProblemAlert } from './problem_alert';
import { VirtualTable } from './virtual_table';
import { MiniHistogram } from './mini_histogram';
import { downloadText, formatCount } from './format';

export const kPreviewPageSize = 200;

interface PreviewState {
  schema: PreviewColumn[];
  profiles: ColumnProfile[];
  pages: Map<number, unknown[][]>;
  exhausted: boolean;
  known: number; // rows known to exist
  firstMs?: number; // time to first page, for the scale tests
}

function fmtValue(v: unknown): string {
  if (v === null || v === undefined) return '–';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.length > 18 ? `${s.slice(0, 17)}…` : s;
}

export function PreviewPanel({ pipeline, nodeId, nodeLabel, onClose }: { pipeline: unknown; nodeId: string; nodeLabel: string; onClose: () => void }) {
  const [state, setState] = useState<PreviewState | null>(null);
  const [error, setError] = useState<unknown>(null);
  const inflight = useRef(new Set<number>());
  const generation = useRef(0);
  const pipelineRef = useRef(pipeline);
  pipelineRef.current = pipeline;

  const fetchPage = useCallback(
    async (page: number, gen: number) => {
      if (inflight.current.has(page)) return;
      inflight.current.add(page);
      const t0 = performance.now();
      try {
        const r = await Preview.fetch(pipelineRef.current, nodeId, page * kPreviewPageSize, kPreviewPageSize);
        if (gen !== generation.current) return;
        setState((prev) => {
          const pages = new Map(prev?.pages ?? []);
          pages.set(page, r.rows);
          const end = page * kPreviewPageSize + r.rows.length;
          const exhausted = r.exhausted || r.rows.length < kPreviewPageSize;
          return {
            schema: r.schema?.length ? r.schema : (prev?.schema ?? []),
            profiles: r.profiles?.length ? r.profiles : (prev?.profiles ?? []),
            pages,
            exhausted: exhausted || (prev?.exhausted ?? false),
            known: Math.max(prev?.known ?? 0, end),
            firstMs: prev?.firstMs ?? Math.round(performance.now() - t0),
          };
        });
      } catch (e) {
        if (gen === generation.current) setError(e);
      } finally {
        inflight.current.delete(page);
      }
    },
    [nodeId],
  );

  const reload = useCallback(() => {
    generation.current += 1;
    inflight.current.clear();
    setState(null);
    setError(null);
    void fetchPage(0, generation.current);
  }, [fetchPage]);

  useEffect(() => {
    reload();
  }, [reload]);

  // Rows shown: everything known, plus one page of placeholders while more may exist.
  const rowCount = state ? state.known + (state.exhausted ? 0 : kPreviewPageSize) : 0;
  const getRow = useCallback(
    (i: number) => state?.pages.get(Math.floor(i / kPreviewPageSize))?.[i % kPreviewPageSize],
    [state],
  );
  const onNeedRows = useCallback(
    (first: number, last: number) => {
      if (!state) return;
      for (const p of pagesFor({ first, last }, kPreviewPageSize)) {
        if (!state.pages.has(p) && !(state.exhausted && p * kPreviewPageSize >= state.known)) void fetchPage(p, generation.current);
      }
    },
    [state, fetchPage],
  );

  const loadedRows = (): unknown[][] => {
    if (!state) return [];
    return [...state.pages.entries()].sort(([a], [b]) => a - b).flatMap(([, rows]) => rows);
  };
  const base = nodeLabel.replace(/[^\w.-]+/g, '_') || nodeId;
  const profiles = new Map((state?.profiles ?? []).map((p) => [p.name, p]));

  return (
    <Box component="section" aria-label={`Preview of ${nodeLabel}`} sx={{ display: 'flex', flexDirection: 'column', height: '100%', bgcolor: '#fff' }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, px: 1, py: 0.5, borderBottom: 1, borderColor: 'divider' }}>
        <Typography variant="subtitle2" component="h2" sx={{ flexGrow: 1 }}>
          Preview · {nodeLabel}{' '}
          <span style={{ color: '#777', fontWeight: 400 }} data-testid="preview-count">
            {state ? `${formatCount(state.known)}${state.exhausted ? '' : '+'} rows loaded${state.firstMs !== undefined ? ` · first page in ${state.firstMs} ms` : ''}` : ''}
          </span>
        </Typography>
        <Button onClick={reload}>Refresh</Button>
        <Button disabled={!state} onClick={() => state && downloadText(`${base}.csv`, rowsToCsv(state.schema, loadedRows()), 'text/csv')}>
          Export CSV
        </Button>
        <Button disabled={!state} onClick={() => state && downloadText(`${base}.json`, rowsToJson(state.schema, loadedRows()))}>
          Export JSON
        </Button>
        <IconButton aria-label="Close preview" onClick={onClose}>
          <CloseIcon fontSize="small" />
        </IconButton>
      </Box>
      {!state && !error && <LinearProgress aria-label="Loading preview" />}
      {error ? (
        <Box sx={{ p: 1 }}>
          <ProblemAlert error={error} />
        </Box>
      ) : null}
      {state && (
        <Box sx={{ flex: 1, minHeight: 0, p: 0.5 }}>
          <VirtualTable
            label={`Rows of ${nodeLabel}`}
            columns={state.schema}
            rowCount={rowCount}
            getRow={getRow}
            onNeedRows={onNeedRows}
            height="100%"
            header={(j) => {
              const p = profiles.get(state.schema[j]?.name);
              if (!p) return null;
              return (
                <div style={{ fontSize: 10.5, color: '#555', marginTop: 2 }} data-testid="column-stats">
                  <div>
                    nulls {formatCount(p.nulls)} · distinct {formatCount(p.distinct_estimate)}
                  </div>
                  <div style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }} title={`min ${fmtValue(p.min)} · max ${fmtValue(p.max)}`}>
                    {fmtValue(p.min)} … {fmtValue(p.max)}
                  </div>
                  {p.histogram?.counts?.length ? <MiniHistogram counts={p.histogram.counts} labels={p.histogram.labels} width={140} height={22} /> : null}
                </div>
              );
            }}
          />
        </Box>
      )}
    </Box>
  );
}
