// Serialises preview rows as CSV (RFC 4180 quoting) or JSON (array of objects).
export interface ColumnDef {
  name: string;
  type: string;
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function rowsToCsv(columns: ColumnDef[], rows: unknown[][]): string {
  const lines = [columns.map((c) => csvCell(c.name)).join(',')];
  for (const r of rows) lines.push(columns.map((_, i) => csvCell(r[i])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function rowsToJson(columns: ColumnDef[], rows: unknown[][]): string {
  return JSON.stringify(
    rows.map((r) => Object.fromEntries(columns.map((c, i) => [c.name, r[i] ?? null]))),
    null,
    2,
  );
}
