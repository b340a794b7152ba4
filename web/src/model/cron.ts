// Client-side check of 5-field cron expressions (minute hour day-of-month month day-of-week),
// so the schedule dialog can say what is wrong before the server does.
const kFields: { name: string; min: number; max: number; names?: string[] }[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const kMacros: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

function atom(s: string, f: (typeof kFields)[number]): number | null {
  const idx = f.names?.indexOf(s.toLowerCase()) ?? -1;
  if (idx >= 0) return idx + (f.name === 'month' ? 1 : 0);
  if (!/^\d+$/.test(s)) return null;
  return Number(s);
}

// Returns an error message, or null when the expression is valid.
export function validateCron(expr: string): string | null {
  const text = kMacros[expr.trim()] ?? expr.trim();
  const parts = text.split(/\s+/).filter(Boolean);
  if (parts.length !== 5) return `expected 5 fields (minute hour day month weekday), got ${parts.length}`;
  for (let i = 0; i < 5; i += 1) {
    const f = kFields[i];
    for (const item of parts[i].split(',')) {
      const [range, step] = item.split('/');
      if (step !== undefined && !/^\d+$/.test(step)) return `${f.name}: bad step "${step}"`;
      if (step !== undefined && Number(step) === 0) return `${f.name}: step must be positive`;
      if (range === '*') continue;
      const [a, b] = range.split('-');
      for (const v of b === undefined ? [a] : [a, b]) {
        const n = atom(v, f);
        if (n === null) return `${f.name}: "${v}" is not a number`;
        if (n < f.min || n > f.max) return `${f.name}: ${n} is outside ${f.min}–${f.max}`;
      }
      if (b !== undefined && atom(a, f)! > atom(b, f)!) return `${f.name}: range ${range} is backwards`;
    }
  }
  return null;
}

export function describeCron(expr: string): string {
  const text = kMacros[expr.trim()] ?? expr.trim();
  const [m, h, dom, mon, dow] = text.split(/\s+/);
  if (/^\d+$/.test(m ?? '') && /^\d+$/.test(h ?? '') && dom === '*' && mon === '*') {
    const time = `${h.padStart(2, '0')}:${m.padStart(2, '0')}`;
    return dow === '*' ? `Every day at ${time}` : `At ${time} on weekday(s) ${dow}`;
  }
  if (/^\d+$/.test(m ?? '') && h === '*' && dom === '*' && mon === '*' && dow === '*') return `Every hour at minute ${m}`;
  return 'minute hour day-of-month month day-of-week';
}
