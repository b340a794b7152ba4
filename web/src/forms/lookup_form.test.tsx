// transform.lookup in the editor, from the descriptor the registry serves
// (test/data/modules/transform.lookup.json, kept equal to the registry by the C++ unit test
// LookupDescriptorTest): it is in the palette, a new node gets its required defaults, and its
// form renders from the schema and writes typed values back.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { SchemaForm } from './schema_form';
import { FormContext } from './form_context';
import { defaultConfig, paletteGroups, type ModuleDescriptor } from '../model/modules';
import { emptyDocument } from '../model/pipeline_document';

const lookup = JSON.parse(
  readFileSync(resolve(__dirname, '../../../test/data/modules/transform.lookup.json'), 'utf8'),
) as ModuleDescriptor;

function Harness({ onChange }: { onChange: (v: Record<string, unknown>) => void }) {
  const [value, setValue] = useState<Record<string, unknown>>(defaultConfig(lookup.config_schema));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return (
    <QueryClientProvider client={qc}>
      <FormContext.Provider value={{ pipelineId: '', doc: emptyDocument(), nodeId: 'geo', moduleName: 'lookup', readOnly: false }}>
        <SchemaForm
          schema={lookup.config_schema}
          value={value}
          onChange={(v) => {
            setValue(v);
            onChange(v);
          }}
        />
      </FormContext.Provider>
    </QueryClientProvider>
  );
}

afterEach(cleanup);

describe('transform.lookup in the editor', () => {
  it('is in the palette under Transform, found by what it does', () => {
    const keys = (search: string) =>
      paletteGroups([lookup], search).flatMap((g) => g.categories.flatMap((c) => c.modules.map((m) => `${g.title}/${c.category}/${m.key}`)));
    expect(keys('')).toEqual(['Transform/apis/transform.lookup']);
    expect(keys('geocoding')).toEqual(['Transform/apis/transform.lookup']);
    expect(keys('enrich')).toEqual(['Transform/apis/transform.lookup']);
    expect(lookup.outputs.map((o) => o.name)).toEqual(['out', 'rejects']);
  });

  // Role queries over a form of 19 fields take seconds on a loaded machine: a longer limit.
  it('renders its form and writes typed values', () => {
    const onChange = vi.fn();
    render(<Harness onChange={onChange} />);
    const url = screen.getByRole('textbox', { name: /URL template/ }) as HTMLInputElement;
    expect(url.required).toBe(true);
    expect(screen.getByRole('combobox', { name: 'When nothing is found' })).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'When a call fails' })).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'Connection' })).toBeTruthy();
    expect(screen.getByRole('checkbox', { name: 'Cache' })).toHaveProperty('checked', true);
    expect(screen.getByRole('heading', { name: 'Retries' })).toBeTruthy();
    expect(screen.getByRole('spinbutton', { name: 'Max retries' })).toBeTruthy();

    fireEvent.change(url, { target: { value: 'https://nominatim.example/search?q={address}&format=jsonv2&limit=1' } });
    fireEvent.change(screen.getByRole('spinbutton', { name: 'Rate limit (requests/s)' }), { target: { value: '1' } });
    fireEvent.change(screen.getByRole('spinbutton', { name: 'Concurrent requests' }), { target: { value: '2' } });
    fireEvent.change(screen.getByRole('textbox', { name: /New columns/ }), {
      target: { value: '{"lat": {"path": "/0/lat", "type": "float64"}}' },
    });
    expect(onChange).toHaveBeenLastCalledWith({
      url: 'https://nominatim.example/search?q={address}&format=jsonv2&limit=1',
      rate_limit_per_second: 1,
      concurrency: 2,
      fields: { lat: { path: '/0/lat', type: 'float64' } },
    });
  }, 60_000);
});
