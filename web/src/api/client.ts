// The one place that talks HTTP to the server: adds the bearer token and organization header,
// refreshes an expired access token once (sharing a single refresh between concurrent calls),
// and turns problem+json answers into ApiError.
import { useAuthStore, type Tokens, type User } from '../store/auth_store';
import { ApiError, problemFromResponse } from './problem';

export interface AuthResponse {
  user: User;
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

export function tokensFrom(r: AuthResponse): Tokens {
  return {
    access_token: r.access_token,
    refresh_token: r.refresh_token,
    expires_at: Date.now() + (r.expires_in ?? 900) * 1000,
  };
}

let refreshing: Promise<boolean> | null = null;

async function refreshTokens(): Promise<boolean> {
  const { tokens } = useAuthStore.getState();
  if (!tokens?.refresh_token) return false;
  refreshing ??= (async () => {
    try {
      const res = await fetch('/api/v1/auth/refresh', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refresh_token: tokens.refresh_token }),
      });
      if (!res.ok) {
        useAuthStore.getState().signOut();
        return false;
      }
      const body = (await res.json()) as AuthResponse;
      useAuthStore.getState().setTokens(tokensFrom(body));
      return true;
    } catch {
      return false;
    } finally {
      setTimeout(() => (refreshing = null), 0);
    }
  })();
  return refreshing;
}

// Returns a valid access token, refreshing it first when it is about to expire.
export async function accessToken(): Promise<string | null> {
  const { tokens } = useAuthStore.getState();
  if (!tokens) return null;
  if (tokens.expires_at - Date.now() < 30_000) await refreshTokens();
  return useAuthStore.getState().tokens?.access_token ?? null;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  auth?: boolean;
  raw?: boolean; // return the Response (downloads)
  upload?: Blob; // sent as is, as application/octet-stream (file uploads)
}

function buildUrl(path: string, query?: RequestOptions['query']): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const send = async (): Promise<Response> => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.upload !== undefined) headers['Content-Type'] = 'application/octet-stream';
    if (opts.auth !== false) {
      const token = await accessToken();
      if (token) headers.Authorization = `Bearer ${token}`;
      const org = useAuthStore.getState().orgId;
      if (org) headers['X-Organization'] = org;
    }
    return fetch(buildUrl(path, opts.query), {
      method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
      headers,
      body: opts.upload ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    });
  };
  let res: Response;
  try {
    res = await send();
    if (res.status === 401 && opts.auth !== false && (await refreshTokens())) res = await send();
  } catch (e) {
    throw new ApiError({ title: 'Cannot reach the server', status: 0, detail: (e as Error).message });
  }
  if (!res.ok) throw await problemFromResponse(res);
  if (opts.raw) return res as unknown as T;
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: RequestOptions['query']) => request<T>(path, { query }),
  post: <T>(path: string, body?: unknown) => request<T>(path, { method: 'POST', body: body ?? {} }),
  put: <T>(path: string, body: unknown) => request<T>(path, { method: 'PUT', body }),
  patch: <T>(path: string, body: unknown) => request<T>(path, { method: 'PATCH', body }),
  del: <T = void>(path: string) => request<T>(path, { method: 'DELETE' }),
};
