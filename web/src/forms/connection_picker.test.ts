import { describe, expect, it } from 'vitest';
import { connectionChoices } from './connection_picker';
import type { Connection } from '../api/types';

const conn = (name: string, type: string): Connection => ({ id: name, name, type });
const all = [conn('warehouse', 'postgres'), conn('mask-key', 'secret'), conn('shop', 'mysql')];

describe('connectionChoices', () => {
  it.each<[string, string, string[], string[]]>([
    ['a connector offers connections named after it', 'postgres', [], ['warehouse']],
    ['a module offers the types its descriptor lists (mask keys)', 'mask', ['secret'], ['mask-key']],
    ['name and listed types together', 'postgres', ['mysql'], ['warehouse', 'shop']],
    ['nothing of a wanted type: everything, so the user sees what exists', 'mask', ['http'], ['warehouse', 'mask-key', 'shop']],
    ['no types known: everything', 'filter', [], ['warehouse', 'mask-key', 'shop']],
  ])('%s', (_, module, types, want) => {
    expect(connectionChoices(all, module, types).map((c) => c.name)).toEqual(want);
  });
});
