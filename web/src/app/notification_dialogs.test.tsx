// The notification and template dialogs against a stubbed fetch: what is sent, and server field
// errors shown under the matching input.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { NotificationDialog } from './notifications_page';
import { TemplateDialog } from './template_controls';
import type { NotificationSetting } from '../api/types';

interface Call {
  method: string;
  url: string;
  body: unknown;
}

function json(status: number, body: unknown, type = 'application/json') {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });
}

// Answers by "METHOD path"; records every call.
function stubFetch(routes: Record<string, () => Response>): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    const path = url.split('?')[0];
    calls.push({ method, url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    const route = routes[`${method} ${path}`];
    return route ? route() : json(404, { title: 'Not Found', status: 404 }, 'application/problem+json');
  });
  return calls;
}

function wrap(children: ReactNode) {
  return <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>{children}</QueryClientProvider>;
}

const pipelines = () => json(200, { items: [{ id: 'p1', name: 'Orders', version: 1 }], total: 1, page: 1, page_size: 200 });

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('NotificationDialog', () => {
  it('checks fields in the browser before sending anything', async () => {
    const calls = stubFetch({ 'GET /api/v1/pipelines': pipelines });
    render(wrap(<NotificationDialog open setting={null} onClose={() => undefined} />));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('A name is required')).toBeTruthy();
    expect(screen.getByText('A URL is required')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('sends the webhook body and shows the server field error at the URL input', async () => {
    const calls = stubFetch({
      'GET /api/v1/pipelines': pipelines,
      'POST /api/v1/notifications': () =>
        json(400, { title: 'Bad Request', status: 400, detail: '/url: host is not allowed', errors: [{ field: '/url', message: 'host is not allowed' }] }, 'application/problem+json'),
    });
    const onClose = vi.fn();
    render(wrap(<NotificationDialog open setting={null} pipelineId="p1" onClose={onClose} />));
    fireEvent.change(screen.getByLabelText(/^Name/), { target: { value: 'ops' } });
    fireEvent.change(screen.getByLabelText('Webhook URL'), { target: { value: 'https://hooks.example.com/t0k3n' } });
    fireEvent.change(screen.getByLabelText('Signing secret'), { target: { value: 'sig' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('host is not allowed')).toBeTruthy();
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.body).toEqual({
      name: 'ops',
      channel: 'webhook',
      pipeline_id: 'p1',
      events: ['run.failed'],
      url: 'https://hooks.example.com/t0k3n',
      secret: 'sig',
      enabled: true,
    });
    expect(onClose).not.toHaveBeenCalled();
  });

  it('edits without echoing the stored URL and keeps it by omitting it', async () => {
    const stored: NotificationSetting = {
      id: 'n1',
      name: 'ops',
      channel: 'webhook',
      pipeline_id: null,
      events: ['run.failed'],
      to: [],
      url_masked: 'https://hooks.example.com/…',
      has_secret: true,
      enabled: true,
    };
    const calls = stubFetch({ 'GET /api/v1/pipelines': pipelines, 'PUT /api/v1/notifications/n1': () => json(200, stored) });
    const onClose = vi.fn();
    render(wrap(<NotificationDialog open setting={stored} onClose={onClose} />));
    expect((screen.getByLabelText('Webhook URL') as HTMLInputElement).value).toBe('');
    expect(screen.getByText(/Stored: https:\/\/hooks\.example\.com\/…/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    const put = calls.find((c) => c.method === 'PUT');
    expect(put?.body).not.toHaveProperty('url');
    expect(put?.body).not.toHaveProperty('secret');
  });
});

describe('TemplateDialog', () => {
  it('saves the node config under a name and shows a taken name at the field', async () => {
    const calls = stubFetch({
      'POST /api/v1/templates': () =>
        json(409, { title: 'Conflict', status: 409, detail: '/name: a template with this name exists', errors: [{ field: '/name', message: 'a template with this name exists' }] }, 'application/problem+json'),
    });
    render(wrap(<TemplateDialog open module="extract.csv" config={{ path: '/data/a.csv' }} defaultName="Orders" onClose={() => undefined} />));
    expect((screen.getByLabelText(/^Template name/) as HTMLInputElement).value).toBe('Orders');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('a template with this name exists')).toBeTruthy();
    expect(calls[0].body).toEqual({ name: 'Orders', description: '', module: 'extract.csv', config: { path: '/data/a.csv' } });
  });
});
