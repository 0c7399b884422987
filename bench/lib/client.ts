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

/** A new user of the running app at `url`. */
export const signUpAt = (url: string, username: string) => new TestClient({ url }).signup(username);
