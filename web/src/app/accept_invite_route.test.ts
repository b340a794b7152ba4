// The invitation link the server hands out ("/#/accept-invite?token=…") opens the accept page.
import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref } from './router';

describe('accept-invite route', () => {
  it('parses the link the server returns and round-trips', () => {
    const r = parseRoute('#/accept-invite?token=inv_abc-123_x');
    expect(r).toEqual({ name: 'acceptInvite', token: 'inv_abc-123_x' });
    expect(parseRoute(routeHref(r))).toEqual(r);
  });
  it('keeps an empty token empty (the page disables accepting)', () => {
    expect(parseRoute('#/accept-invite')).toEqual({ name: 'acceptInvite', token: '' });
  });
});
