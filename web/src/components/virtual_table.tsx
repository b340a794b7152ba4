// A virtualised table: renders only the rows in view (fixed row height) inside one scrolling
// element, so 10 rows and 10 million rows cost the same to display. Missing rows (pages not yet
// fetched) show a placeholder and are requested through `onNeedRows`.
import { memo, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { visibleRows } from '../model/virtual_window';

export interface VirtualTableProps {
  columns: { name: string; type: string }[];
  rowCount: number;
  getRow: (index: number) => unknown[] | undefined;
  onNeedRows?: (first: number, last: number) => void;
  header?: (column: number) => ReactNode;
  rowHeight?: number;
  columnWidth?: number;
  height: number | string;
  label: string;
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '∅';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export const VirtualTable = memo(function VirtualTable({
  columns,
  rowCount,
  getRow,
  onNeedRows,
  header,
  rowHeight = 26,
  columnWidth = 160,
  height,
  label,
}: VirtualTableProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(400);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewport(el.clientHeight));
    ro.observe(el);
    setViewport(el.clientHeight);
    return () => ro.disconnect();
  }, []);
  const win = useMemo(() => visibleRows(scrollTop, viewport, rowHeight, rowCount), [scrollTop, viewport, rowHeight, rowCount]);
  useEffect(() => {
    onNeedRows?.(win.first, win.last);
  }, [win.first, win.last, onNeedRows]);
  const onScroll = useCallback(() => {
    if (ref.current) setScrollTop(ref.current.scrollTop);
  }, []);
  const width = 56 + columns.length * columnWidth;
  const rows: ReactNode[] = [];
  for (let i = win.first; i < win.last; i += 1) {
    const r = getRow(i);
    rows.push(
      <div key={i} role="row" aria-rowindex={i + 2} className="vt-row" style={{ position: 'absolute', top: i * rowHeight, height: rowHeight, display: 'flex', width, background: i % 2 ? '#fafbfc' : '#fff' }}>
        <div role="rowheader" style={{ width: 56, flex: 'none', color: '#999', textAlign: 'right', paddingRight: 8, lineHeight: `${rowHeight}px` }}>
          {i + 1}
        </div>
        {columns.map((_, j) => {
          const v = r?.[j];
          return (
            <div
              key={j}
              role="gridcell"
              title={r ? cellText(v) : undefined}
              style={{
                width: columnWidth,
                flex: 'none',
                padding: '0 8px',
                lineHeight: `${rowHeight}px`,
                whiteSpace: 'nowrap',
                overflow: 'hidden',
                textOverflow: 'ellipsis',
                borderLeft: '1px solid #eee',
                color: r ? (v === null || v === undefined ? '#aaa' : undefined) : '#ccc',
                textAlign: typeof v === 'number' ? 'right' : 'left',
                fontFamily: 'ui-monospace, monospace',
                fontSize: 12,
              }}
            >
              {r ? cellText(v) : '…'}
            </div>
          );
        })}
      </div>,
    );
  }
  return (
    <div
      ref={ref}
      onScroll={onScroll}
      role="grid"
      aria-label={label}
      aria-rowcount={rowCount + 1}
      tabIndex={0}
      data-testid="preview-grid"
      style={{ height, overflow: 'auto', position: 'relative', border: '1px solid #e0e0e0', fontSize: 12 }}
    >
      <div role="row" aria-rowindex={1} style={{ position: 'sticky', top: 0, zIndex: 1, display: 'flex', width, background: '#f0f3f7', borderBottom: '1px solid #ccc' }}>
        <div style={{ width: 56, flex: 'none' }} />
        {columns.map((c, j) => (
          <div key={j} role="columnheader" style={{ width: columnWidth, flex: 'none', padding: '4px 8px', borderLeft: '1px solid #e0e0e0' }}>
            <div style={{ fontWeight: 700, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>{c.name}</div>
            <div style={{ color: '#777', fontSize: 11 }}>{c.type}</div>
            {header?.(j)}
          </div>
        ))}
      </div>
      <div style={{ height: rowCount * rowHeight, position: 'relative', width }}>{rows}</div>
    </div>
  );
});
