// A node's run settings: the form applies valid settings to the document at once, names the bound
// of a bad input without applying it, and the document keeps the node's fields.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { NodeRunSettingsSection, settingsFromForm } from './node_run_settings';
import { applyChange } from '../model/changes';
import { parsePipelineDocument, type PipelineDocument, type PipelineNode } from '../model/pipeline_document';
import { formFromPolicy } from './run_settings_dialog';

afterEach(() => cleanup());

const node: PipelineNode = { id: 'src', type: 'extract', module: 'postgres', name: 'Orders', config: {}, position: { x: 0, y: 0 } };

describe('settingsFromForm', () => {
  it('keeps only what differs from the defaults', () => {
    const form = { ...formFromPolicy({}), max_attempts: '3', timeout_seconds: '0' };
    expect(settingsFromForm(false, form)).toEqual({ settings: { retry: { max_attempts: 3 } }, errors: {} });
    expect(settingsFromForm(true, formFromPolicy({})).settings).toEqual({ disabled: true });
  });
});

describe('NodeRunSettingsSection', () => {
  it('applies valid input and refuses a bad one with its bound', () => {
    const onChange = vi.fn();
    render(<NodeRunSettingsSection node={node} readOnly={false} onChange={onChange} />);
    fireEvent.change(screen.getByLabelText('Attempts'), { target: { value: '4' } });
    expect(onChange).toHaveBeenLastCalledWith({ retry: { max_attempts: 4 } });
    fireEvent.change(screen.getByLabelText('Timeout (s)'), { target: { value: '-5' } });
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(screen.getByText('must be between 0 and 604800')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Timeout (s)'), { target: { value: '120' } });
    expect(onChange).toHaveBeenLastCalledWith({ retry: { max_attempts: 4 }, timeout_seconds: 120 });
  });
});

describe('node run settings in the document', () => {
  it('are applied, exported and read back', () => {
    const doc: PipelineDocument = parsePipelineDocument({ name: 'p', nodes: [node], edges: [] });
    const next = applyChange(doc, { kind: 'setNodeRunSettings', id: 'src', settings: { retry: { max_attempts: 3, backoff_seconds: 2 }, timeout_seconds: 60 } });
    const again = parsePipelineDocument(JSON.parse(JSON.stringify(next)));
    expect(again.nodes[0].retry).toEqual({ max_attempts: 3, backoff_seconds: 2 });
    expect(again.nodes[0].timeout_seconds).toBe(60);
    const cleared = applyChange(again, { kind: 'setNodeRunSettings', id: 'src', settings: {} });
    expect(cleared.nodes[0]).toEqual(node);
  });

  it('name the bad node field by its JSON path', () => {
    expect(() => parsePipelineDocument({ name: 'p', nodes: [{ ...node, retry: { max_attempts: 0 } }], edges: [] })).toThrow(
      /\/nodes\/0\/retry\/max_attempts/,
    );
  });
});
