import { describe, expect, it } from 'vitest';
import { curlExample, describeTrigger, hookUrl, parseParameterLines } from './triggers_dialog';
import { backfillRequest, describePreview } from './backfill_dialog';

describe('parseParameterLines', () => {
  const cases: { name: string; text: string; params: Record<string, unknown>; errors: number }[] = [
    { name: 'empty', text: '', params: {}, errors: 0 },
    { name: 'typed values', text: 'region=eu\nlimit=10\nratio=-0.5\nfull=true\noff=false', params: { region: 'eu', limit: 10, ratio: -0.5, full: true, off: false }, errors: 0 },
    { name: 'comments and blanks', text: '# note\n\n a = b c ', params: { a: 'b c' }, errors: 0 },
    { name: 'value with =', text: 'filter=x=1', params: { filter: 'x=1' }, errors: 0 },
    { name: 'long digits stay text', text: 'id=12345678901234567890', params: { id: '12345678901234567890' }, errors: 0 },
    { name: 'missing =', text: 'region', params: {}, errors: 1 },
    { name: 'bad name', text: '1x=2\nok=1\nsp ace=3', params: { ok: 1 }, errors: 2 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = parseParameterLines(c.text);
      expect(r.params).toEqual(c.params);
      expect(r.errors).toHaveLength(c.errors);
    });
  }
  it('names the line of an error', () => {
    expect(parseParameterLines('a=1\nbad')).toEqual({ params: { a: 1 }, errors: ['line 2: expected name=value'] });
  });
});

describe('webhook display', () => {
  it('joins origin and path without doubling slashes', () => {
    expect(hookUrl('https://ld.example.com/', '/api/v1/hooks/abc')).toBe('https://ld.example.com/api/v1/hooks/abc');
  });
  it('puts the token in a header, never the URL, and signs only when asked', () => {
    const plain = curlExample('https://h/api/v1/hooks/x', 'ldh_tok', false);
    expect(plain).toContain("X-Logidata-Token: ldh_tok");
    expect(plain).not.toContain('hooks/x?');
    expect(plain).not.toContain('Signature');
    expect(curlExample('https://h/api/v1/hooks/x', 'ldh_tok', true)).toContain('X-Logidata-Signature: sha256=');
  });
  it('describes triggers by kind and upstream name', () => {
    const base = { id: 't', pipeline_id: 'p', parameters: {}, created_by: '', created_at: '' };
    const names = new Map([['up', 'Orders']]);
    expect(describeTrigger({ ...base, kind: 'webhook', upstream_pipeline_id: null, has_hmac_secret: true }, names)).toBe('Webhook (HMAC-signed)');
    expect(describeTrigger({ ...base, kind: 'on_success', upstream_pipeline_id: 'up', has_hmac_secret: false }, names)).toBe('After each success of "Orders"');
    expect(describeTrigger({ ...base, kind: 'on_success', upstream_pipeline_id: 'gone', has_hmac_secret: false }, names)).toBe('After each success of "gone"');
  });
});

describe('backfillRequest', () => {
  const cases: { name: string; start: string; end: string; params: string; ok: boolean; error?: string }[] = [
    { name: 'valid range', start: '2026-03-01', end: '2026-03-08', params: '', ok: true },
    { name: 'missing end', start: '2026-03-01', end: '', params: '', ok: false, error: 'Pick a start and an end date.' },
    { name: 'reversed', start: '2026-03-08', end: '2026-03-01', params: '', ok: false, error: 'The end must be after the start.' },
    { name: 'same day', start: '2026-03-01', end: '2026-03-01', params: '', ok: false, error: 'The end must be after the start.' },
    { name: 'bad parameter', start: '2026-03-01', end: '2026-03-02', params: 'x', ok: false, error: 'line 1: expected name=value' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = backfillRequest(c.start, c.end, c.params);
      expect(r.request !== null).toBe(c.ok);
      if (c.error) expect(r.error).toBe(c.error);
    });
  }
  it('sends parameters only when there are some', () => {
    expect(backfillRequest('2026-03-01', '2026-03-02', '').request).toEqual({ start: '2026-03-01', end: '2026-03-02' });
    expect(backfillRequest('2026-03-01', '2026-03-02', 'region=eu').request).toEqual({
      start: '2026-03-01',
      end: '2026-03-02',
      parameters: { region: 'eu' },
    });
  });
  it('describes the preview', () => {
    expect(describePreview({ count: 0, run_ids: [], first: null, last: null })).toBe('No schedule interval fits inside this range.');
    expect(
      describePreview({
        count: 7,
        run_ids: [],
        first: { interval_start: '2026-03-01T00:00:00Z', interval_end: '2026-03-02T00:00:00Z' },
        last: { interval_start: '2026-03-07T00:00:00Z', interval_end: '2026-03-08T00:00:00Z' },
      }),
    ).toBe('7 runs: from 2026-03-01T00:00:00Z to 2026-03-08T00:00:00Z.');
  });
});
