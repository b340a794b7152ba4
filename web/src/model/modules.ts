// Module descriptors as served by GET /api/v1/modules (ModuleDescriptor::ToJson on the server)
// and the pure lookups the palette, nodes and forms need.
import type { NodeKind } from './pipeline_document';

export interface PortDescriptor {
  name: string;
  description: string;
  variadic: boolean;
}

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  format?: string;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  // UI hints a module may add ("x-ui": "expression" | "column" | "columns" | "connection" | "code").
  'x-ui'?: string;
}

export interface ModuleDescriptor {
  key: string; // "extract.csv"
  kind: NodeKind;
  name: string;
  version: string;
  summary: string;
  description: string;
  category: string;
  icon: string;
  inputs: PortDescriptor[];
  outputs: PortDescriptor[];
  config_schema: JsonSchema;
  connection_types?: string[]; // types of connection its config may name ("secret" for mask keys)
}

export type ModuleIndex = Map<string, ModuleDescriptor>;

export function indexModules(modules: ModuleDescriptor[]): ModuleIndex {
  return new Map(modules.map((m) => [m.key, m]));
}

export function moduleKey(kind: string, name: string): string {
  return `${kind}.${name}`;
}

export interface PaletteGroup {
  kind: NodeKind;
  title: string;
  categories: { category: string; modules: ModuleDescriptor[] }[];
}

const kGroupTitles: Record<NodeKind, string> = { extract: 'Extract', transform: 'Transform', load: 'Load' };

// Groups modules extract → transform → load, then by category, filtered by a search that
// matches name, summary, category and key (all words must match, case-insensitive).
export function paletteGroups(modules: ModuleDescriptor[], search: string): PaletteGroup[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const matches = (m: ModuleDescriptor) => {
    const hay = `${m.key} ${m.name} ${m.summary} ${m.category}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  };
  return (['extract', 'transform', 'load'] as NodeKind[])
    .map((kind) => {
      const byCat = new Map<string, ModuleDescriptor[]>();
      for (const m of modules) {
        if (m.kind !== kind || !matches(m)) continue;
        const cat = m.category || 'other';
        if (!byCat.has(cat)) byCat.set(cat, []);
        byCat.get(cat)!.push(m);
      }
      const categories = [...byCat.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([category, ms]) => ({ category, modules: ms.sort((a, b) => a.name.localeCompare(b.name)) }));
      return { kind, title: kGroupTitles[kind], categories };
    })
    .filter((g) => g.categories.length > 0);
}

// Config for a new node: defaults of required properties only. Optional defaults stay out of
// the document (the server applies them; the form shows them as placeholders), which keeps
// saved pipelines short and lets future default changes reach them.
export function defaultConfig(schema: JsonSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const required = new Set(schema.required ?? []);
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    if (required.has(name) && prop.default !== undefined) out[name] = structuredClone(prop.default);
  }
  return out;
}
