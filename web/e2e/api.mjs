// A tiny API client for test setup (users, members, fixture pipelines) — the UI under test
// does everything else.
export class Api {
  constructor(base) {
    this.base = base;
    this.token = null;
    this.org = null;
  }

  async call(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (this.org) headers['X-Organization'] = this.org;
    const r = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!r.ok) throw new Error(`${method} ${path} → ${r.status}: ${text.slice(0, 400)}`);
    return json;
  }

  async login(email, password) {
    const r = await this.call('POST', '/api/v1/auth/login', { email, password });
    this.token = r.access_token;
    const me = await this.call('GET', '/api/v1/me');
    this.org = me.organizations?.[0]?.id ?? null;
    return r;
  }
}
