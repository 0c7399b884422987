import type { TestApp } from './harness.ts';

export const ORIGIN = 'http://localhost';

/** The password `signup` gives an account unless told otherwise. */
export const PASSWORD = 'correct horse battery';

/** What a client talks to: the app inside this process, or a running one over HTTP. */
export type Target = Pick<TestApp, 'app'> | { url: string };

/**
 * Talks to the app like a browser would: keeps cookies, sends Origin on state changes, follows
 * no redirects. The one HTTP client of the tests and the benchmark.
 */
export class TestClient {
  cookies = new Map<string, string>();
  /** `address`: sent as X-Forwarded-For on every request (the app must run with TRUST_PROXY=1). */
  constructor(private readonly target: Target, readonly address?: string) {}

  /** The same session (the cookies are shared) against another instance. */
  on(target: Target) {
    const other = new TestClient(target, this.address);
    other.cookies = this.cookies;
    return other;
  }

  /** The session's Cookie header, for other HTTP clients (the benchmark's load generator). */
  get cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
    const method = init.method ?? 'GET';
    const origin = 'url' in this.target ? this.target.url : ORIGIN;
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (this.address && !('X-Forwarded-For' in headers)) headers['X-Forwarded-For'] = this.address;
    // `Origin: undefined` in a test means: send no Origin at all.
    if (method !== 'GET' && method !== 'HEAD' && !('Origin' in headers)) headers.Origin = origin;
    if (headers.Origin === undefined) delete headers.Origin;
    if (this.cookies.size) headers.Cookie = this.cookieHeader;
    const request = { ...init, method, headers, redirect: 'manual' as const };
    const res = 'app' in this.target ? await this.target.app.request(`${origin}${path}`, request) : await fetch(`${origin}${path}`, request);
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = pair!.split('=');
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name!);
      else this.cookies.set(name!, value!);
    }
    return res;
  }

  /** POSTs `form` as a stream, without a Content-Length: the server counts what really arrives. */
  postStreamed(path: string, form: FormData) {
    const encoded = new Response(form);
    return this.request(path, {
      method: 'POST',
      headers: { 'Content-Type': encoded.headers.get('content-type')! },
      body: encoded.body,
      duplex: 'half',
    } as RequestInit & { headers: Record<string, string> });
  }

  postForm(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    return this.request(path, { method: 'POST', body: new URLSearchParams(fields), headers });
  }

  async signup(username: string, password = PASSWORD) {
    const res = await this.postForm('/signup', { email: `${username}@example.com`, username, password });
    if (res.status !== 303) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
    return this;
  }

  async login(username: string, password: string) {
    const res = await this.postForm('/login', { username, password });
    if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
    return this;
  }

  /** POST /upload with `files` (name and bytes, or a Blob) as the `images` field. */
  upload(files: { name: string; data: Uint8Array | Blob; type?: string }[], visibility?: string, headers: Record<string, string> = {}) {
    const form = new FormData();
    if (visibility !== undefined) form.set('visibility', visibility);
    for (const f of files) {
      const blob = f.data instanceof Blob ? f.data : new Blob([f.data as Uint8Array<ArrayBuffer>], { type: f.type ?? 'application/octet-stream' });
      form.append('images', blob, f.name);
    }
    return this.request('/upload', { method: 'POST', body: form, headers });
  }
}

/** A new client signed up as a fresh user. */
export async function newUser(t: Target, username: string) {
  return new TestClient(t).signup(username);
}

let addresses = 0;

/**
 * A client on an address no other client of this test process uses (the app must run with
 * TRUST_PROXY=1): many logins and sign-ups in one file then stay clear of the per-address limits.
 */
export class OwnAddressClient extends TestClient {
  constructor(target: Target) {
    addresses += 1;
    super(target, `10.${(addresses >> 16) & 255}.${(addresses >> 8) & 255}.${addresses & 255}`);
  }
}
