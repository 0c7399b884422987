import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';

/** A signed-in user of a running app, over real HTTP. */
export class Client {
  private cookie = '';
  constructor(readonly base: string) {}

  async request(path: string, init: RequestInit = {}) {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set('Cookie', this.cookie);
    if (init.method && init.method !== 'GET') headers.set('Origin', this.base);
    const res = await fetch(`${this.base}${path}`, { ...init, headers, redirect: 'manual' });
    const set = res.headers.getSetCookie()[0];
    if (set) this.cookie = set.split(';')[0]!;
    return res;
  }

  /** The session cookie, for other HTTP clients (the load generator). */
  get headers(): Record<string, string> {
    return { Cookie: this.cookie };
  }

  async login(username: string, password: string) {
    const res = await this.request('/login', { method: 'POST', body: new URLSearchParams({ username, password }) });
    if (res.status !== 303) throw new Error(`login: ${res.status}`);
    return this;
  }

  async signup(username: string) {
    const res = await this.request('/signup', {
      method: 'POST',
      body: new URLSearchParams({ email: `${username}@example.com`, username, password: 'benchmark passphrase' }),
    });
    if (res.status !== 303) throw new Error(`signup: ${res.status}`);
    return this;
  }

  /** Uploads the files at `paths` in one request; returns how many were stored. */
  async upload(paths: string[], visibility: 'public' | 'private' = 'public') {
    const form = new FormData();
    form.set('visibility', visibility);
    for (const p of paths) form.append('images', await openAsBlob(p, { type: 'image/jpeg' }), basename(p));
    const res = await this.request('/upload', { method: 'POST', body: form });
    const html = await res.text();
    const stored = Number(html.match(/(\d+) of \d+ images? uploaded/)?.[1] ?? 0);
    if (stored !== paths.length) throw new Error(`upload stored ${stored} of ${paths.length}: ${res.status} ${html.slice(-400)}`);
    return stored;
  }
}
