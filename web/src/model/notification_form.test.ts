import { describe, expect, it } from 'vitest';
import type { NotificationSetting } from '../api/types';
import { ApiError, fieldErrorsOf } from '../api/problem';
import { notificationBody, notificationToForm, splitAddresses, type NotificationForm } from './notification_form';

const stored: NotificationSetting = {
  id: 'n1',
  name: 'ops',
  channel: 'webhook',
  pipeline_id: 'p1',
  events: ['run.failed'],
  to: [],
  url_masked: 'https://hooks.example.com/…',
  has_secret: true,
  enabled: true,
};

function form(patch: Partial<NotificationForm>): NotificationForm {
  return { ...notificationToForm(null), name: 'ops', ...patch };
}

describe('notification form', () => {
  it('never copies the stored URL or secret into the inputs', () => {
    const f = notificationToForm(stored);
    expect(f.url).toBe('');
    expect(f.secret).toBe('');
    expect(f.pipeline_id).toBe('p1');
    expect(f.events).toEqual(['run.failed']);
  });

  it('defaults a new setting to the given pipeline', () => {
    expect(notificationToForm(null, 'p9').pipeline_id).toBe('p9');
    expect(notificationToForm(null).pipeline_id).toBe('');
  });

  it.each<[string, Partial<NotificationForm>, NotificationSetting | null, Record<string, string>]>([
    ['name required', { name: '  ', url: 'https://x.example' }, null, { name: 'A name is required' }],
    ['an event required', { events: [], url: 'https://x.example' }, null, { events: 'Pick at least one event' }],
    ['webhook URL required on create', { url: '' }, null, { url: 'A URL is required' }],
    ['slack URL required on create', { channel: 'slack', url: '' }, null, { url: 'The Slack incoming-webhook URL is required' }],
    ['URL must be http(s)', { url: 'ftp://x.example/a' }, null, { url: 'Must be an http:// or https:// URL' }],
    ['URL needed when the channel changes', { channel: 'slack', url: '' }, stored, { url: 'The Slack incoming-webhook URL is required' }],
    ['email needs recipients', { channel: 'email', to: ' , ' }, null, { to: 'At least one address is required' }],
    ['email checks addresses', { channel: 'email', to: 'a@x.org, nope' }, null, { to: 'Not an email address: nope' }],
  ])('rejects: %s', (_name, patch, existing, errors) => {
    const r = notificationBody(form(patch), existing);
    expect(r.input).toBeUndefined();
    expect(r.errors).toEqual(errors);
  });

  it('builds a webhook body with a secret and the organization scope', () => {
    const r = notificationBody(form({ url: ' http://127.0.0.1:9/hook ', secret: 's3', events: ['run.failed', 'run.succeeded'] }), null);
    expect(r.input).toEqual({
      name: 'ops',
      channel: 'webhook',
      pipeline_id: null,
      events: ['run.failed', 'run.succeeded'],
      url: 'http://127.0.0.1:9/hook',
      secret: 's3',
      enabled: true,
    });
  });

  it('keeps the stored URL and secret when editing without typing them', () => {
    const r = notificationBody({ ...notificationToForm(stored), name: 'ops 2' }, stored);
    expect(r.errors).toEqual({});
    expect(r.input).not.toHaveProperty('url');
    expect(r.input).not.toHaveProperty('secret');
    expect(r.input?.pipeline_id).toBe('p1');
  });

  it('removes the secret on request and for unsigned channels', () => {
    expect(notificationBody({ ...notificationToForm(stored), remove_secret: true }, stored).input?.secret).toBeNull();
    expect(notificationBody({ ...notificationToForm(stored), channel: 'slack', url: 'https://hooks.slack.com/x' }, stored).input?.secret).toBeNull();
  });

  it('builds an email body', () => {
    const r = notificationBody(form({ channel: 'email', to: 'a@x.org;\nb@y.org' }), null);
    expect(r.input?.to).toEqual(['a@x.org', 'b@y.org']);
    expect(r.input).not.toHaveProperty('url');
  });

  it('splits addresses on commas, semicolons and new lines', () => {
    expect(splitAddresses('a@x, b@y;c@z\n\n d@w ')).toEqual(['a@x', 'b@y', 'c@z', 'd@w']);
  });
});

describe('fieldErrorsOf', () => {
  it('keys server field errors by their first pointer segment', () => {
    const e = new ApiError({
      title: 'Bad Request',
      status: 400,
      errors: [
        { field: '/url', message: 'must be an http or https URL' },
        { field: '/to/1', message: 'not an email address' },
        { field: '/config/path', message: 'required' },
        { field: '/config/delimiter', message: 'too long' },
        { field: '/', message: 'whole body' },
      ],
    });
    expect(fieldErrorsOf(e)).toEqual({
      url: 'must be an http or https URL',
      to: '1: not an email address',
      config: 'path: required; delimiter: too long',
    });
  });

  it('is empty for other errors', () => {
    expect(fieldErrorsOf(new Error('x'))).toEqual({});
    expect(fieldErrorsOf(new ApiError({ title: 'Conflict', status: 409 }))).toEqual({});
  });
});
