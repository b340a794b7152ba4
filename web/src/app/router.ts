// A small hash router: "#/pipelines/42" → {name: "pipeline", params: {id: "42"}}. Hash routes
// need no server rewrites, so `logidata server --web-root` can serve the build as static files.
import { useSyncExternalStore } from 'react';

export type Route =
  | { name: 'login' }
  | { name: 'acceptInvite'; token: string }
  | { name: 'pipelines' }
  | { name: 'editor'; id: string } // id "new" for an unsaved pipeline
  | { name: 'runs'; pipelineId?: string; status?: string }
  | { name: 'run'; id: string }
  | { name: 'connections' }
  | { name: 'admin'; tab?: string }
  | { name: 'notifications'; pipelineId?: string }
  | { name: 'templates' }
  | { name: 'files' }
  | { name: 'notFound'; path: string };

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#/, '').split('?');
  const q = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { name: 'pipelines' };
  switch (parts[0]) {
    case 'login':
      return { name: 'login' };
    case 'accept-invite':
      return { name: 'acceptInvite', token: q.get('token') ?? '' };
    case 'pipelines':
      return parts[1] ? { name: 'editor', id: parts[1] } : { name: 'pipelines' };
    case 'runs':
      return parts[1]
        ? { name: 'run', id: parts[1] }
        : { name: 'runs', pipelineId: q.get('pipeline_id') ?? undefined, status: q.get('status') ?? undefined };
    case 'connections':
      return { name: 'connections' };
    case 'admin':
      return { name: 'admin', tab: parts[1] };
    case 'notifications':
      return { name: 'notifications', pipelineId: q.get('pipeline_id') ?? undefined };
    case 'templates':
      return { name: 'templates' };
    case 'files':
      return { name: 'files' };
    default:
      return { name: 'notFound', path };
  }
}

export function routeHref(r: Route): string {
  switch (r.name) {
    case 'login':
      return '#/login';
    case 'acceptInvite':
      return `#/accept-invite?token=${encodeURIComponent(r.token)}`;
    case 'pipelines':
      return '#/pipelines';
    case 'editor':
      return `#/pipelines/${encodeURIComponent(r.id)}`;
    case 'runs': {
      const q = new URLSearchParams();
      if (r.pipelineId) q.set('pipeline_id', r.pipelineId);
      if (r.status) q.set('status', r.status);
      const s = q.toString();
      return s ? `#/runs?${s}` : '#/runs';
    }
    case 'run':
      return `#/runs/${encodeURIComponent(r.id)}`;
    case 'connections':
      return '#/connections';
    case 'admin':
      return r.tab ? `#/admin/${r.tab}` : '#/admin';
    case 'notifications':
      return r.pipelineId ? `#/notifications?pipeline_id=${encodeURIComponent(r.pipelineId)}` : '#/notifications';
    case 'templates':
      return '#/templates';
    case 'files':
      return '#/files';
    case 'notFound':
      return `#/${r.path}`;
  }
}

// Screens with unsaved work register a guard; navigation asks it first.
let guard: (() => boolean) | null = null;
export function setNavigationGuard(g: (() => boolean) | null) {
  guard = g;
}

export function navigate(r: Route | string, opts?: { replace?: boolean; force?: boolean }) {
  const href = typeof r === 'string' ? r : routeHref(r);
  if (!opts?.force && guard && !guard()) return;
  if (opts?.replace) location.replace(href);
  else location.hash = href;
}

function subscribeHash(cb: () => void) {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribeHash, () => location.hash);
  return parseRoute(hash);
}
