import { describe, expect, it } from 'vitest';
import { driftRows } from './schema_drift';

describe('driftRows', () => {
  it('lists added, removed and retyped columns per source', () => {
    expect(
      driftRows([
        {
          node_id: 'src',
          added: [{ name: 'coupon', type: 'string' }],
          removed: [{ name: 'note', type: 'string' }],
          retyped: [{ name: 'amount', from: 'float64', to: 'string' }],
        },
        { node_id: 'other', added: [], removed: [], retyped: [{ name: 'id', from: 'int64', to: 'string' }] },
      ]),
    ).toEqual([
      { node: 'src', change: 'added', column: 'coupon', before: '', after: 'string' },
      { node: 'src', change: 'removed', column: 'note', before: 'string', after: '' },
      { node: 'src', change: 'retyped', column: 'amount', before: 'float64', after: 'string' },
      { node: 'other', change: 'retyped', column: 'id', before: 'int64', after: 'string' },
    ]);
  });

  it('is empty without drift or without a record', () => {
    expect(driftRows([])).toEqual([]);
    expect(driftRows(null)).toEqual([]);
    expect(driftRows(undefined)).toEqual([]);
  });
});
