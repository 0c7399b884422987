import type { TestApp } from './harness.ts';

export const ORIGIN = 'http://localhost';

/** Talks to the app like a browser would: keeps cookies and sends Origin on state changes. */
export class TestClient {
  cookies = new Map<string, string>();
  constructor(private readonly t: Pick<TestApp, 'app'>) {}

  async request(path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
    const method = init.method ?? 'GET';
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    // `Origin: undefined` in a test means: send no Origin at all.
    if (method !== 'GET' && method !== 'HEAD' && !('Origin' in headers)) headers.Origin = ORIGIN;
    if (headers.Origin === undefined) delete headers.Origin;
    if (this.cookies.size) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await this.t.app.request(`${ORIGIN}${path}`, { ...init, method, headers });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = pair!.split('=');
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name!);
      else this.cookies.set(name!, value!);
    }
    return res;
  }

  postForm(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    return this.request(path, { method: 'POST', body: new URLSearchParams(fields), headers });
  }

  async signup(username: string, password = 'correct horse battery') {
    const res = await this.postForm('/signup', { email: `${username}@example.com`, username, password });
    if (res.status !== 303) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
    return this;
  }

  /** POST /upload with `files` (name and bytes) as the `images` field. */
  upload(files: { name: string; data: Uint8Array; type?: string }[], visibility?: string, headers: Record<string, string> = {}) {
    const form = new FormData();
    if (visibility !== undefined) form.set('visibility', visibility);
    for (const f of files) form.append('images', new Blob([f.data as Uint8Array<ArrayBuffer>], { type: f.type ?? 'application/octet-stream' }), f.name);
    return this.request('/upload', { method: 'POST', body: form, headers });
  }
}

/** A new client signed up as a fresh user. */
export async function newUser(t: Pick<TestApp, 'app'>, username: string) {
  return new TestClient(t).signup(username);
}
