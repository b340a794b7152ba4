import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref, type Route } from './router';

describe('router', () => {
  it.each<[string, Route]>([
    ['', { name: 'pipelines' }],
    ['#/login', { name: 'login' }],
    ['#/pipelines', { name: 'pipelines' }],
    ['#/pipelines/abc%201', { name: 'editor', id: 'abc 1' }],
    ['#/runs?pipeline_id=p1&status=failed', { name: 'runs', pipelineId: 'p1', status: 'failed' }],
    ['#/runs/r9', { name: 'run', id: 'r9' }],
    ['#/connections', { name: 'connections' }],
    ['#/admin/audit', { name: 'admin', tab: 'audit' }],
    ['#/notifications', { name: 'notifications' }],
    ['#/notifications?pipeline_id=p%202', { name: 'notifications', pipelineId: 'p 2' }],
    ['#/templates', { name: 'templates' }],
    ['#/nope', { name: 'notFound', path: '/nope' }],
  ])('parses %s', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('round-trips hrefs', () => {
    const routes: Route[] = [
      { name: 'editor', id: 'a/b' },
      { name: 'runs', pipelineId: 'p', status: 'running' },
      { name: 'run', id: 'x' },
      { name: 'admin', tab: 'api-keys' },
      { name: 'notifications', pipelineId: 'a&b' },
      { name: 'templates' },
    ];
    for (const r of routes) expect(parseRoute(routeHref(r))).toEqual(r);
  });
});
