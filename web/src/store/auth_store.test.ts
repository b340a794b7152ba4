import { beforeEach, describe, expect, it } from 'vitest';
import { canEdit, currentRole, useAuthStore } from './auth_store';

const user = { id: 'u1', email: 'a@example.com', name: 'A' };
const tokens = { access_token: 'x', refresh_token: 'y', expires_at: Date.now() + 60_000 };

describe('auth store', () => {
  beforeEach(() => {
    localStorage.clear();
    useAuthStore.getState().signOut();
  });

  it('persists the session and clears it on sign out', () => {
    useAuthStore.getState().signIn(user, tokens);
    expect(JSON.parse(localStorage.getItem('logidata.session')!).tokens.refresh_token).toBe('y');
    useAuthStore.getState().signOut();
    expect(localStorage.getItem('logidata.session')).toBeNull();
    expect(useAuthStore.getState().tokens).toBeNull();
  });

  it('keeps the selected organization when it still exists, else picks the first', () => {
    const s = useAuthStore.getState();
    s.signIn(user, tokens);
    s.setProfile(user, [
      { id: 'o1', name: 'One', role: 'admin' },
      { id: 'o2', name: 'Two', role: 'viewer' },
    ]);
    expect(useAuthStore.getState().orgId).toBe('o1');
    useAuthStore.getState().selectOrg('o2');
    useAuthStore.getState().setProfile(user, [
      { id: 'o1', name: 'One', role: 'admin' },
      { id: 'o2', name: 'Two', role: 'viewer' },
    ]);
    expect(useAuthStore.getState().orgId).toBe('o2');
    expect(currentRole(useAuthStore.getState())).toBe('viewer');
    useAuthStore.getState().setProfile(user, [{ id: 'o3', name: 'Three', role: 'editor' }]);
    expect(useAuthStore.getState().orgId).toBe('o3');
  });

  it.each([
    ['admin', true],
    ['editor', true],
    ['viewer', false],
    [null, false],
  ])('role %s can edit: %s', (role, want) => {
    expect(canEdit(role)).toBe(want);
  });
});
