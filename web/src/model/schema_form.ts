// Turns a module's JSON Schema into a list of form fields, and reads/writes values through
// them. The React form (forms/) only renders what this decides, so the rules are tested here.
import type { JsonSchema } from './modules';

export type FieldKind =
  | 'string'
  | 'text'
  | 'number'
  | 'integer'
  | 'number-or-string'
  | 'boolean'
  | 'enum'
  | 'expression'
  | 'connection'
  | 'column'
  | 'columns'
  | 'string-list'
  | 'object-list'
  | 'object'
  | 'json';

export interface FieldSpec {
  name: string;
  path: string; // JSON pointer inside the config, "/keys"
  kind: FieldKind;
  label: string;
  description: string;
  required: boolean;
  default?: unknown;
  options?: unknown[]; // enum
  min?: number;
  max?: number;
  children?: FieldSpec[]; // object and object-list
}

function primaryType(s: JsonSchema): string | undefined {
  if (Array.isArray(s.type)) return s.type.find((t) => t !== 'null') ?? s.type[0];
  if (s.type) return s.type;
  if (s.enum) return 'enum';
  if (s.properties) return 'object';
  return undefined;
}

function isNumberOrString(s: JsonSchema): boolean {
  if (!Array.isArray(s.type)) return false;
  const types = s.type.filter((t) => t !== 'null');
  return types.includes('string') && (types.includes('number') || types.includes('integer'));
}

export function humanize(name: string): string {
  const words = name.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const kColumnNames = /^(column|key|field|sort_by|order_by|partition_by)$/;
const kColumnsNames = /^(keys|group_by|partition_by|partition_columns|order_by_columns)$/;
const kExpressionNames = /^(expression|condition|predicate|where|filter)$/;

// Chooses the editor for one property. An explicit "x-ui" hint wins; otherwise names that
// mean a connection, an expression or columns get their special editor.
export function fieldKind(name: string, s: JsonSchema): FieldKind {
  const hint = s['x-ui'];
  if (hint === 'expression' || hint === 'connection' || hint === 'column' || hint === 'columns') return hint;
  const t = primaryType(s);
  if ((name === 'connection' || s.format === 'connection') && (t === 'string' || t === undefined)) return 'connection';
  if (s.enum) return 'enum';
  // A bound that is a number or a string the engine casts (range min/max: dates, timestamps).
  if (isNumberOrString(s)) return 'number-or-string';
  if (t === 'string') {
    if (s.format === 'expression' || kExpressionNames.test(name)) return 'expression';
    if (s.format === 'column' || kColumnNames.test(name)) return 'column';
    if (hint === 'code' || s.format === 'sql' || name === 'query' || name === 'sql') return 'text';
    return 'string';
  }
  if (t === 'integer') return 'integer';
  if (t === 'number') return 'number';
  if (t === 'boolean') return 'boolean';
  if (t === 'array') {
    const it = s.items ?? {};
    const itemType = primaryType(it);
    if (itemType === 'string' && !it.enum) return it.format === 'column' || kColumnsNames.test(name) ? 'columns' : 'string-list';
    if (itemType === 'object' && it.properties) return 'object-list';
    return 'json';
  }
  if (t === 'object' && s.properties) return 'object';
  return 'json';
}

// Required fields come first (servers often serialise properties alphabetically, which would
// bury `path` under advanced options); otherwise the schema's order is kept.
export function schemaFields(schema: JsonSchema, base = ''): FieldSpec[] {
  const required = new Set(schema.required ?? []);
  const entries = Object.entries(schema.properties ?? {});
  const ordered = [...entries.filter(([n]) => required.has(n)), ...entries.filter(([n]) => !required.has(n))];
  return ordered.map(([name, s]) => {
    const kind = fieldKind(name, s);
    const spec: FieldSpec = {
      name,
      path: `${base}/${name}`,
      kind,
      label: s.title ?? humanize(name),
      description: s.description ?? '',
      required: required.has(name),
      default: s.default,
    };
    if (kind === 'enum') spec.options = s.enum;
    if (s.minimum !== undefined) spec.min = s.minimum;
    if (s.maximum !== undefined) spec.max = s.maximum;
    if (kind === 'object') spec.children = schemaFields(s, spec.path);
    if (kind === 'object-list') spec.children = schemaFields(s.items ?? {}, '');
    return spec;
  });
}

// Parses what a user typed into a field back into the JSON value the schema wants. Empty input
// removes the key (undefined) so defaults apply on the server.
export function parseFieldInput(kind: FieldKind, text: string): { value: unknown; error?: string } {
  if (text === '') return { value: undefined };
  switch (kind) {
    case 'integer': {
      const v = Number(text);
      return Number.isInteger(v) ? { value: v } : { value: text, error: 'must be a whole number' };
    }
    case 'number': {
      const v = Number(text);
      return Number.isFinite(v) ? { value: v } : { value: text, error: 'must be a number' };
    }
    case 'number-or-string': {
      // Text that reads as a number is one ("10" → 10); anything else ("2024-01-31") stays text.
      const v = Number(text);
      return text.trim() !== '' && Number.isFinite(v) ? { value: v } : { value: text };
    }
    case 'json':
      try {
        return { value: JSON.parse(text) };
      } catch {
        return { value: text, error: 'must be valid JSON' };
      }
    default:
      return { value: text };
  }
}

// Returns a copy of `config` with `name` set (or removed when value is undefined).
export function setField(config: Record<string, unknown>, name: string, value: unknown): Record<string, unknown> {
  const out = { ...config };
  if (value === undefined) delete out[name];
  else out[name] = value;
  return out;
}
