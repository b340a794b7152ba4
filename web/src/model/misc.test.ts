import { describe, expect, it } from 'vitest';
import { describeCron, validateCron } from './cron';
import { pagesFor, visibleRows } from './virtual_window';
import { rowsToCsv, rowsToJson } from './table_export';
import { defaultConfig, indexModules, paletteGroups, type ModuleDescriptor } from './modules';

describe('cron', () => {
  it.each([
    ['0 2 * * *', null],
    ['*/15 9-17 * * mon-fri', null],
    ['@daily', null],
    ['0 0 1,15 * *', null],
    ['0 2 * *', 'expected 5 fields'],
    ['60 * * * *', 'minute: 60 is outside 0–59'],
    ['0 24 * * *', 'hour: 24 is outside'],
    ['0 0 0 * *', 'day of month: 0 is outside'],
    ['*/0 * * * *', 'step must be positive'],
    ['0 5-2 * * *', 'backwards'],
    ['x * * * *', 'is not a number'],
  ])('%s', (expr, err) => {
    const r = validateCron(expr);
    if (err === null) expect(r).toBeNull();
    else expect(r).toContain(err);
  });
  it('describes simple schedules', () => {
    expect(describeCron('30 2 * * *')).toBe('Every day at 02:30');
    expect(describeCron('5 * * * *')).toBe('Every hour at minute 5');
  });
});

describe('virtual window', () => {
  it.each([
    [0, 260, 26, 10_000_000, 0, 18],
    [26_000, 260, 26, 10_000_000, 992, 1018],
    [0, 260, 26, 5, 0, 5],
    [0, 260, 26, 0, 0, 0],
  ])('scrollTop %d', (top, vp, rh, total, first, last) => {
    expect(visibleRows(top, vp, rh, total)).toEqual({ first, last });
  });
  it('computes pages to fetch', () => {
    expect(pagesFor({ first: 190, last: 410 }, 200)).toEqual([0, 1, 2]);
    expect(pagesFor({ first: 0, last: 0 }, 200)).toEqual([]);
  });
});

describe('table export', () => {
  const cols = [
    { name: 'id', type: 'int64' },
    { name: 'note', type: 'string' },
  ];
  it('quotes CSV cells that need it', () => {
    expect(rowsToCsv(cols, [[1, 'plain'], [2, 'a,b'], [3, 'say "hi"'], [4, null]])).toBe('id,note\r\n1,plain\r\n2,"a,b"\r\n3,"say ""hi"""\r\n4,\r\n');
  });
  it('writes JSON objects keyed by column', () => {
    expect(JSON.parse(rowsToJson(cols, [[1, 'x'], [2]]))).toEqual([
      { id: 1, note: 'x' },
      { id: 2, note: null },
    ]);
  });
});

describe('palette', () => {
  const m = (kind: ModuleDescriptor['kind'], name: string, category: string, summary = ''): ModuleDescriptor => ({
    key: `${kind}.${name}`, kind, name, version: '1', summary, description: '', category, icon: '', inputs: [], outputs: [], config_schema: {},
  });
  const mods = [m('load', 'csv', 'files'), m('extract', 'postgres', 'databases', 'Reads a table.'), m('extract', 'csv', 'files', 'Reads CSV files.'), m('transform', 'filter', 'rows')];
  it('groups extract, transform, load then category', () => {
    const g = paletteGroups(mods, '');
    expect(g.map((x) => x.kind)).toEqual(['extract', 'transform', 'load']);
    expect(g[0].categories.map((c) => c.category)).toEqual(['databases', 'files']);
  });
  it('searches all words in name, summary and category', () => {
    expect(paletteGroups(mods, 'csv').flatMap((g) => g.categories.flatMap((c) => c.modules.map((x) => x.key)))).toEqual(['extract.csv', 'load.csv']);
    expect(paletteGroups(mods, 'reads table').flatMap((g) => g.categories.flatMap((c) => c.modules.map((x) => x.key)))).toEqual(['extract.postgres']);
    expect(paletteGroups(mods, 'nothing-like-this')).toEqual([]);
  });
  it('builds default config and an index', () => {
    expect(defaultConfig({ required: ['a', 'b', 'c'], properties: { a: { default: ',' }, b: {}, c: { default: [1] }, d: { default: 1 } } })).toEqual({ a: ',', c: [1] });
    expect(indexModules(mods).get('transform.filter')?.name).toBe('filter');
  });
});
