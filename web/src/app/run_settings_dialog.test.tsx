// The run settings form: text → document run policy (empty = server default), the engine's bounds
// as field messages, and the dialog applying exactly what was typed.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { describeRunPolicy, formFromPolicy, policyFromForm, RunSettingsDialog, type RunSettingsForm } from './run_settings_dialog';

const empty: RunSettingsForm = { max_attempts: '', backoff_seconds: '', max_backoff_seconds: '', timeout_seconds: '', limit: '', policy: '', priority: '', schema_drift: '', anomaly_policy: '', anomaly_sensitivity: '' };

afterEach(() => cleanup());

describe('policyFromForm', () => {
  it.each([
    ['all empty → no fields', {}, {}, {}],
    ['retry only', { max_attempts: '3', backoff_seconds: '5' }, { retry: { max_attempts: 3, backoff_seconds: 5 } }, {}],
    ['timeout and priority', { timeout_seconds: '90', priority: '-3' }, { timeout_seconds: 90, priority: -3 }, {}],
    ['policy without limit', { policy: 'skip' }, { concurrency: { policy: 'skip' } }, {}],
    ['limit and policy', { limit: '4', policy: 'cancel_older' }, { concurrency: { limit: 4, policy: 'cancel_older' } }, {}],
    ['spaces are trimmed', { max_attempts: ' 2 ' }, { retry: { max_attempts: 2 } }, {}],
    ['attempts zero', { max_attempts: '0' }, {}, { max_attempts: 'must be between 1 and 100' }],
    ['attempts fractional', { max_attempts: '2.5' }, {}, { max_attempts: 'must be an integer' }],
    ['timeout not a number', { timeout_seconds: 'soon' }, {}, { timeout_seconds: 'must be a number' }],
    ['timeout above a week', { timeout_seconds: '604801' }, {}, { timeout_seconds: 'must be between 0 and 604800' }],
    ['limit zero', { limit: '0' }, {}, { limit: 'must be between 1 and 10000' }],
    ['priority too low', { priority: '-1001' }, {}, { priority: 'must be between -1000 and 1000' }],
    ['fail on schema drift', { schema_drift: 'fail' }, { schema_drift: 'fail' }, {}],
    ['evolve on schema drift', { schema_drift: 'evolve' }, { schema_drift: 'evolve' }, {}],
    ['fail on anomalies, high', { anomaly_policy: 'fail', anomaly_sensitivity: 'high' }, { anomalies: { policy: 'fail', sensitivity: 'high' } }, {}],
    ['sensitivity alone', { anomaly_sensitivity: 'low' }, { anomalies: { sensitivity: 'low' } }, {}],
    [
      'cap below the first wait',
      { backoff_seconds: '60', max_backoff_seconds: '10' },
      { retry: { backoff_seconds: 60, max_backoff_seconds: 10 } },
      { max_backoff_seconds: 'must be at least the first wait (60 s)' },
    ],
  ])('%s', (_, input, policy, errors) => {
    const got = policyFromForm({ ...empty, ...input } as RunSettingsForm);
    expect(got.errors).toEqual(errors);
    if (!Object.keys(errors).length || Object.keys(policy).length) expect(got.policy).toEqual(policy);
  });

  it('round-trips a policy through the form', () => {
    const policy = { retry: { max_attempts: 3, backoff_seconds: 1.5, max_backoff_seconds: 30 }, timeout_seconds: 0, concurrency: { limit: 2, policy: 'queue' as const }, priority: 10 };
    expect(policyFromForm(formFromPolicy(policy))).toEqual({ policy, errors: {} });
  });

  it.each([
    [{}, ''],
    [{ retry: { max_attempts: 1 }, concurrency: { limit: 1, policy: 'queue' as const } }, ''],
    [{ retry: { max_attempts: 3 }, timeout_seconds: 60 }, '3 attempts, timeout 60 s'],
    [{ concurrency: { limit: 2, policy: 'cancel_older' as const }, priority: 5 }, '2 at once, cancel older, priority 5'],
    [{ schema_drift: 'fail' as const }, 'fail on schema drift'],
    [{ schema_drift: 'evolve' as const }, 'evolve database targets on schema drift'],
    [{ anomalies: { policy: 'fail' as const, sensitivity: 'high' as const } }, 'fail on anomalies, high anomaly sensitivity'],
  ])('describeRunPolicy(%j) = %j', (policy, want) => {
    expect(describeRunPolicy(policy)).toBe(want);
  });
});

// Rendering MUI in jsdom takes seconds on a loaded machine; the default 5 s is too tight.
describe('RunSettingsDialog', { timeout: 30_000 }, () => {
  it('shows the message at the field, refuses to apply, then applies the typed policy', () => {
    const onApply = vi.fn();
    render(<RunSettingsDialog open policy={{ retry: { max_attempts: 2 } }} readOnly={false} onClose={() => undefined} onApply={onApply} />);
    const attempts = screen.getByLabelText('Max attempts') as HTMLInputElement;
    expect(attempts.value).toBe('2');
    fireEvent.change(attempts, { target: { value: '500' } });
    expect(screen.getByText('must be between 1 and 100')).toBeTruthy();
    const apply = screen.getByRole('button', { name: 'Apply' }) as HTMLButtonElement;
    expect(apply.disabled).toBe(true);
    fireEvent.change(attempts, { target: { value: '4' } });
    fireEvent.change(screen.getByLabelText('Timeout (s)'), { target: { value: '120' } });
    fireEvent.change(screen.getByLabelText('Priority'), { target: { value: '7' } });
    expect(apply.disabled).toBe(false);
    fireEvent.click(apply);
    expect(onApply).toHaveBeenCalledWith({ retry: { max_attempts: 4 }, timeout_seconds: 120, priority: 7 });
  });

  it('is read-only for viewers', () => {
    render(<RunSettingsDialog open policy={{ priority: 3 }} readOnly onClose={() => undefined} onApply={() => undefined} />);
    expect((screen.getByLabelText('Priority') as HTMLInputElement).disabled).toBe(true);
    expect(screen.queryByRole('button', { name: 'Apply' })).toBeNull();
  });
});
