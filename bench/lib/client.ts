import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { TestClient } from '../../src/test-support/client.ts';

/** Uploads the files at `paths` in one request as `user`; returns how many were stored. */
export async function uploadPaths(user: TestClient, paths: string[], visibility: 'public' | 'private' = 'public') {
  const files = await Promise.all(paths.map(async (p) => ({ name: basename(p), data: await openAsBlob(p, { type: 'image/jpeg' }) })));
  const res = await user.upload(files, visibility);
  const html = await res.text();
  const stored = Number(html.match(/(\d+) of \d+ images? uploaded/)?.[1] ?? 0);
  if (stored !== paths.length) throw new Error(`upload stored ${stored} of ${paths.length}: ${res.status} ${html.slice(-400)}`);
  return stored;
}

/**
 * Uploads the files at `paths` in one request to `POST /api/v1/images` of the app at `url`, with
 * `token` as the bearer (no cookies); returns how many were stored.
 */
export async function apiUploadPaths(url: string, token: string, paths: string[], visibility: 'public' | 'private' = 'public') {
  const form = new FormData();
  form.set('visibility', visibility);
  for (const p of paths) form.append('images', await openAsBlob(p, { type: 'image/jpeg' }), basename(p));
  const res = await fetch(`${url}/api/v1/images`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  const text = await res.text();
  const results = res.status === 201 ? (JSON.parse(text) as { results: { status: string }[] }).results : [];
  const stored = results.filter((r) => r.status === 'stored').length;
  if (stored !== paths.length) throw new Error(`API upload stored ${stored} of ${paths.length}: ${res.status} ${text.slice(-400)}`);
  return stored;
}

/** A new user of the running app at `url`. */
export const signUpAt = (url: string, username: string) => new TestClient({ url }).signup(username);
