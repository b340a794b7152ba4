import { describe, expect, it } from 'vitest';
import { fieldKind, humanize, parseFieldInput, schemaFields, setField } from './schema_form';
import type { JsonSchema } from './modules';

describe('fieldKind', () => {
  it.each<[string, JsonSchema, string]>([
    ['path', { type: 'string' }, 'string'],
    ['connection', { type: 'string' }, 'connection'],
    ['expression', { type: 'string' }, 'expression'],
    ['condition', { type: 'string' }, 'expression'],
    ['anything', { type: 'string', format: 'expression' }, 'expression'],
    ['anything', { type: 'string', 'x-ui': 'column' }, 'column'],
    ['column', { type: 'string' }, 'column'],
    ['group_by', { type: 'array', items: { type: 'string' } }, 'columns'],
    ['keys', { type: 'array', items: { type: 'string' } }, 'columns'],
    ['anything', { type: 'array', items: { type: 'string', format: 'column' } }, 'columns'],
    ['anything', { type: 'string', format: 'column' }, 'column'],
    ['db', { type: 'string', format: 'connection' }, 'connection'],
    ['partition_by', { type: 'array', items: { type: 'string' } }, 'columns'],
    ['headers', { type: 'array', items: { type: 'string' } }, 'string-list'],
    ['mode', { type: 'string', enum: ['append', 'overwrite'] }, 'enum'],
    ['query', { type: 'string' }, 'text'],
    ['limit', { type: 'integer' }, 'integer'],
    ['ratio', { type: 'number' }, 'number'],
    ['ratio', { type: ['number', 'null'] }, 'number'],
    ['min', { type: ['number', 'string'] }, 'number-or-string'],
    ['max', { type: ['string', 'integer', 'null'] }, 'number-or-string'],
    ['header', { type: 'boolean' }, 'boolean'],
    ['aggregations', { type: 'array', items: { type: 'object', properties: { column: { type: 'string' } } } }, 'object-list'],
    ['options', { type: 'object', properties: { a: { type: 'string' } } }, 'object'],
    ['free', { type: 'object' }, 'json'],
    ['matrix', { type: 'array', items: { type: 'array' } }, 'json'],
  ])('%s %j → %s', (name, schema, want) => {
    expect(fieldKind(name, schema)).toBe(want);
  });
});

describe('schemaFields', () => {
  const schema: JsonSchema = {
    type: 'object',
    required: ['path', 'aggregations'],
    properties: {
      path: { type: 'string', description: 'File to read' },
      delimiter: { type: 'string', default: ',', title: 'Field delimiter' },
      max_rows: { type: 'integer', minimum: 1 },
      aggregations: {
        type: 'array',
        items: {
          type: 'object',
          required: ['function'],
          properties: { column: { type: 'string' }, function: { enum: ['sum', 'count'] }, as: { type: 'string' } },
        },
      },
      options: { type: 'object', properties: { quote: { type: 'string' } } },
    },
  };

  it('lists fields with labels, required flags, defaults and children', () => {
    const fields = schemaFields(schema);
    expect(fields.map((f) => [f.name, f.kind, f.label, f.required])).toEqual([
      ['path', 'string', 'Path', true],
      ['aggregations', 'object-list', 'Aggregations', true],
      ['delimiter', 'string', 'Field delimiter', false],
      ['max_rows', 'integer', 'Max rows', false],
      ['options', 'object', 'Options', false],
    ]);
    expect(fields[0].description).toBe('File to read');
    expect(fields[2].default).toBe(',');
    expect(fields[3].min).toBe(1);
    expect(fields[1].children?.map((c) => [c.name, c.kind, c.required])).toEqual([
      ['function', 'enum', true],
      ['column', 'column', false],
      ['as', 'string', false],
    ]);
    expect(fields[4].children?.[0].path).toBe('/options/quote');
  });

  it('handles a schema without properties', () => {
    expect(schemaFields({})).toEqual([]);
  });
});

describe('field input', () => {
  it.each<[Parameters<typeof parseFieldInput>[0], string, unknown, boolean]>([
    ['integer', '42', 42, false],
    ['integer', '4.2', '4.2', true],
    ['number', '4.5', 4.5, false],
    ['number', 'abc', 'abc', true],
    ['number-or-string', '10', 10, false],
    ['number-or-string', '-2.5', -2.5, false],
    ['number-or-string', '2024-01-31', '2024-01-31', false],
    ['number-or-string', ' ', ' ', false],
    ['json', '{"a":1}', { a: 1 }, false],
    ['json', '{a:1}', '{a:1}', true],
    ['string', 'x', 'x', false],
    ['string', '', undefined, false],
  ])('%s %j', (kind, text, value, isError) => {
    const r = parseFieldInput(kind, text);
    expect(r.value).toEqual(value);
    expect(!!r.error).toBe(isError);
  });

  it('setField removes undefined values without touching the original', () => {
    const c = { a: 1, b: 2 };
    expect(setField(c, 'a', undefined)).toEqual({ b: 2 });
    expect(setField(c, 'c', 3)).toEqual({ a: 1, b: 2, c: 3 });
    expect(c).toEqual({ a: 1, b: 2 });
  });

  it('humanizes names', () => {
    expect(humanize('max_rows')).toBe('Max rows');
    expect(humanize('sourceColumn')).toBe('Source Column');
  });
});
