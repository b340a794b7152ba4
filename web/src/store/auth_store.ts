// Session state: tokens, the signed-in user, their organizations and the selected one.
// Persisted in localStorage so a reload keeps the session; the access token is refreshed by
// api/client.ts when it expires.
import { create } from 'zustand';

export type Role = 'admin' | 'editor' | 'viewer' | string;

export interface User {
  id: string;
  email: string;
  name: string;
}

export interface Organization {
  id: string;
  name: string;
  role: Role;
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_at: number; // ms since epoch
}

interface AuthState {
  tokens: Tokens | null;
  user: User | null;
  organizations: Organization[];
  orgId: string | null;
  signIn: (user: User, tokens: Tokens) => void;
  setTokens: (tokens: Tokens) => void;
  setProfile: (user: User, organizations: Organization[]) => void;
  selectOrg: (id: string) => void;
  signOut: () => void;
}

const kKey = 'logidata.session';

interface Persisted {
  tokens: Tokens | null;
  user: User | null;
  orgId: string | null;
}

function load(): Persisted {
  try {
    const raw = globalThis.localStorage?.getItem(kKey);
    if (raw) return JSON.parse(raw) as Persisted;
  } catch {
    // A corrupt entry means no session.
  }
  return { tokens: null, user: null, orgId: null };
}

function save(s: Persisted) {
  try {
    if (s.tokens) globalThis.localStorage?.setItem(kKey, JSON.stringify(s));
    else globalThis.localStorage?.removeItem(kKey);
  } catch {
    // Storage may be unavailable (private mode); the session then lasts for the tab.
  }
}

export const useAuthStore = create<AuthState>((set, get) => ({
  ...load(),
  organizations: [],
  signIn: (user, tokens) => {
    set({ user, tokens });
    save({ user, tokens, orgId: get().orgId });
  },
  setTokens: (tokens) => {
    set({ tokens });
    save({ user: get().user, tokens, orgId: get().orgId });
  },
  setProfile: (user, organizations) => {
    const current = get().orgId;
    const orgId = organizations.some((o) => o.id === current) ? current : (organizations[0]?.id ?? null);
    set({ user, organizations, orgId });
    save({ user, tokens: get().tokens, orgId });
  },
  selectOrg: (id) => {
    set({ orgId: id });
    save({ user: get().user, tokens: get().tokens, orgId: id });
  },
  signOut: () => {
    set({ tokens: null, user: null, organizations: [], orgId: null });
    save({ tokens: null, user: null, orgId: null });
  },
}));

export function currentRole(s: Pick<AuthState, 'organizations' | 'orgId'>): Role | null {
  return s.organizations.find((o) => o.id === s.orgId)?.role ?? null;
}

export function canEdit(role: Role | null): boolean {
  // Unknown future roles get edit rights only if they are not read-only by name.
  return role !== null && role !== 'viewer' && role !== 'readonly';
}

export function useRole(): Role | null {
  return useAuthStore((s) => currentRole(s));
}

export function useCanEdit(): boolean {
  return canEdit(useRole());
}
