// Which rows a fixed-row-height virtualised list must render, and which server pages it needs.
export interface RowWindow {
  first: number; // first row index to render
  last: number; // one past the last
}

export function visibleRows(scrollTop: number, viewport: number, rowHeight: number, total: number, overscan = 8): RowWindow {
  if (total <= 0 || rowHeight <= 0) return { first: 0, last: 0 };
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(total, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  return { first, last: Math.max(first, last) };
}

// Page numbers (0-based, `pageSize` rows each) covering [first, last).
export function pagesFor(window: RowWindow, pageSize: number): number[] {
  if (window.last <= window.first) return [];
  const pages: number[] = [];
  for (let p = Math.floor(window.first / pageSize); p * pageSize < window.last; p += 1) pages.push(p);
  return pages;
}
