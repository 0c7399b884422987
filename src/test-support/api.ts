// What the API's tests share: tokens made on the settings page, as people make them, and
// requests that carry only a token, never a cookie.
import assert from 'node:assert/strict';
import type { TestApp } from './harness.ts';
import { PASSWORD, type TestClient } from './client.ts';

/** A new token of `who`, made on the settings page, which shows it once. */
export async function tokenOf(who: TestClient, scope: 'read' | 'write', name = `${scope} token`) {
  const res = await who.postForm('/settings/tokens', { name, scope, expires: 'never', current: PASSWORD });
  const token = (await res.text()).match(/id="new-token"[^>]*value="([^"]*)"/)?.[1];
  assert.ok(token, 'the page shows the new token');
  return token;
}

type Init = RequestInit & { headers?: Record<string, string> };

/** Requests to `on`'s /api/v1 with a token (none when undefined) and without cookies. */
export function apiOf(on: Pick<TestApp, 'app'>) {
  const api = (token: string | undefined, path: string, init: Init = {}) => {
    const headers = { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...init.headers };
    return on.app.request(`http://localhost/api/v1${path}`, { ...init, headers });
  };
  /** `body` as JSON (a string is sent as it is, malformed or not). */
  const send = (token: string, method: string, path: string, body: unknown) =>
    api(token, path, { method, body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
  return { api, send };
}

/** The JSON body of `res`, checked to be of `status` and kept from shared caches. */
export async function jsonOf<T = Record<string, unknown>>(res: Response, status: number): Promise<T> {
  const body = await res.text();
  assert.equal(res.status, status, body);
  assert.match(res.headers.get('Content-Type')!, /^application\/json/);
  // Answers depend on the token: no shared cache may keep them.
  assert.equal(res.headers.get('Cache-Control'), 'private, no-store');
  return JSON.parse(body);
}

/** The problem document of `res`, checked to be one of `status`. */
export async function problemOf<T = object>(res: Response, status: number) {
  const body = await res.text();
  assert.equal(res.status, status, body);
  assert.equal(res.headers.get('Content-Type'), 'application/problem+json');
  const p = JSON.parse(body);
  assert.equal(p.status, status);
  assert.equal(p.type, `/api/docs#problem-${status}`);
  assert.ok(p.title && p.detail, body);
  return p as { detail: string; errors?: Record<string, string> } & T;
}
