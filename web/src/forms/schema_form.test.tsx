import { describe, expect, it, vi, afterEach } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { SchemaForm } from './schema_form';
import { FormContext } from './form_context';
import type { JsonSchema } from '../model/modules';
import { emptyDocument } from '../model/pipeline_document';

const schema: JsonSchema = {
  type: 'object',
  required: ['path'],
  properties: {
    path: { type: 'string', description: 'CSV file to read' },
    delimiter: { type: 'string', default: ',' },
    header: { type: 'boolean', default: true, description: 'First line holds names' },
    max_rows: { type: 'integer', minimum: 1 },
    mode: { type: 'string', enum: ['append', 'overwrite'] },
    since: { type: ['number', 'string'], title: 'Minimum' },
    aggregations: {
      type: 'array',
      items: { type: 'object', properties: { function: { enum: ['sum', 'count'] }, as: { type: 'string' } } },
    },
  },
};

function Harness({ initial, onChange, readOnly = false }: { initial: Record<string, unknown>; onChange: (v: Record<string, unknown>) => void; readOnly?: boolean }) {
  const [value, setValue] = useState(initial);
  const qc = new QueryClient();
  return (
    <QueryClientProvider client={qc}>
      <FormContext.Provider value={{ pipelineId: '', doc: emptyDocument(), nodeId: 'n', moduleName: 'csv', readOnly }}>
        <SchemaForm
          schema={schema}
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

describe('SchemaForm', () => {
  it('renders one labelled control per property with descriptions and required marks', () => {
    render(<Harness initial={{}} onChange={() => {}} />);
    const path = screen.getByRole('textbox', { name: /Path/ });
    expect((path as HTMLInputElement).required).toBe(true);
    expect(screen.getByText('CSV file to read')).toBeTruthy();
    expect(screen.getByRole('textbox', { name: 'Delimiter' })).toHaveProperty('placeholder', 'default: ,');
    expect((screen.getByRole('checkbox', { name: 'Header' }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByRole('spinbutton', { name: 'Max rows' })).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'Mode' })).toBeTruthy();
    expect(screen.getByRole('group', { name: 'Aggregations' })).toBeTruthy();
  });

  it('writes typed values back into the config', () => {
    const onChange = vi.fn();
    render(<Harness initial={{}} onChange={onChange} />);
    fireEvent.change(screen.getByRole('textbox', { name: /Path/ }), { target: { value: 'orders.csv' } });
    expect(onChange).toHaveBeenLastCalledWith({ path: 'orders.csv' });
    fireEvent.change(screen.getByRole('spinbutton', { name: 'Max rows' }), { target: { value: '25' } });
    expect(onChange).toHaveBeenLastCalledWith({ path: 'orders.csv', max_rows: 25 });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Header' }));
    expect(onChange).toHaveBeenLastCalledWith({ path: 'orders.csv', max_rows: 25, header: false });
    fireEvent.change(screen.getByRole('textbox', { name: /Path/ }), { target: { value: '' } });
    expect(onChange).toHaveBeenLastCalledWith({ max_rows: 25, header: false });
  });

  it('takes a number or a date in a number-or-string bound (validate range min/max)', () => {
    const onChange = vi.fn();
    render(<Harness initial={{}} onChange={onChange} />);
    const bound = screen.getByRole('textbox', { name: 'Minimum' });
    fireEvent.change(bound, { target: { value: '2024-01-31' } });
    expect(onChange).toHaveBeenLastCalledWith({ since: '2024-01-31' });
    fireEvent.change(bound, { target: { value: '10' } });
    expect(onChange).toHaveBeenLastCalledWith({ since: 10 });
  });

  it('shows a type error instead of writing a bad number', () => {
    const onChange = vi.fn();
    render(<Harness initial={{ max_rows: 5 }} onChange={onChange} />);
    fireEvent.change(screen.getByRole('spinbutton', { name: 'Max rows' }), { target: { value: '2.5' } });
    expect(screen.getByText('must be a whole number')).toBeTruthy();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('adds and removes items of an object list', () => {
    const onChange = vi.fn();
    render(<Harness initial={{}} onChange={onChange} />);
    fireEvent.click(screen.getByRole('button', { name: 'Add aggregation' }));
    expect(onChange).toHaveBeenLastCalledWith({ aggregations: [{}] });
    fireEvent.change(screen.getByRole('textbox', { name: 'As' }), { target: { value: 'total' } });
    expect(onChange).toHaveBeenLastCalledWith({ aggregations: [{ as: 'total' }] });
    fireEvent.click(screen.getByRole('button', { name: 'Remove Aggregations 1' }));
    expect(onChange).toHaveBeenLastCalledWith({});
  });

  it('disables every control for read-only users', () => {
    render(<Harness initial={{ path: 'x.csv' }} onChange={() => {}} readOnly />);
    expect((screen.getByRole('textbox', { name: /Path/ }) as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByRole('checkbox', { name: 'Header' }) as HTMLInputElement).disabled).toBe(true);
    expect(screen.queryByRole('button', { name: 'Add aggregation' })).toBeNull();
  });
});
