import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
// With the app's sharp settings (threads, no cache), which importing the pipeline applies.
import { DISPLAY_QUALITY, SIZES } from '../src/images/pipeline.ts';
import { createDecodeQueue } from '../src/images/decode-queue.ts';
import { loadConfig } from '../src/config.ts';
import { PASSWORD, TestClient } from '../src/test-support/client.ts';
import { apiUploadPaths, signUpAt, uploadPaths } from './lib/client.ts';
import type { RunningApp } from './lib/server.ts';

const BATCH = 10;

function batches<T>(items: T[]) {
  return Array.from({ length: Math.ceil(items.length / BATCH) }, (_, i) => items.slice(i * BATCH, (i + 1) * BATCH));
}

/**
 * The reference for ingest: bare sharp making only the 1,600 px display WebP of each file (shrunk
 * on load where libvips can), written to disk, nothing else; in batches of 10 under the same
 * decode limits as one user of the app (its default configuration). Milliseconds taken.
 */
export async function displayOnly(paths: string[]) {
  const decodes = createDecodeQueue(loadConfig({}).decode);
  const dir = await mkdtemp(join(tmpdir(), 'bench-display-'));
  const started = performance.now();
  try {
    for (const batch of batches(paths)) {
      await Promise.all(batch.map((p, i) => decodes.run('bench', () => sharp(p).rotate()
        .resize(SIZES.display, SIZES.display, { fit: 'inside', withoutEnlargement: true }).webp({ quality: DISPLAY_QUALITY }).toFile(join(dir, `${i}.webp`)))));
    }
    return performance.now() - started;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Uploads `paths` in batches of 10 through HTTP as a fresh user; milliseconds taken. */
export async function appIngest(app: RunningApp, paths: string[], username: string) {
  const user = await signUpAt(app.url, username);
  const started = performance.now();
  for (const batch of batches(paths)) await uploadPaths(user, batch);
  return performance.now() - started;
}

/** Uploads `paths` in batches of 10 through `POST /api/v1/images` with the bearer `token`; milliseconds taken. */
export async function apiIngest(app: RunningApp, paths: string[], token: string) {
  const started = performance.now();
  for (const batch of batches(paths)) await apiUploadPaths(app.url, token, batch);
  return performance.now() - started;
}

/** What the app charges a user for, as their dashboard's meter shows it: every object their images keep. */
async function meterOf(user: TestClient) {
  const html = await (await user.request('/dashboard')).text();
  return Number(html.match(/<meter id="usage"[^>]* value="(\d+)"/)![1]);
}

/** The ids of a user's public images, from their gallery's pages. */
async function publicIds(app: RunningApp, username: string) {
  const ids: string[] = [];
  for (let path: string | undefined = `/u/${username}`; path; ) {
    const html = await (await fetch(`${app.url}${path}`)).text();
    ids.push(...[...html.matchAll(/id="image-([\w-]+)"/g)].map((m) => m[1]!));
    const next = [...html.matchAll(/<a [^>]*>/g)].map((m) => m[0]).find((tag) => tag.includes('rel="next"'));
    path = next?.match(/href="([^"]+)"/)?.[1]?.replace(/&amp;/g, '&');
  }
  return [...new Set(ids)];
}

/**
 * Bytes the app keeps for `username`'s images, over the bytes of their originals: just after the
 * upload, and once a visitor has asked for the full size of each (which makes its clean copy).
 */
export async function storageRatio(app: RunningApp, username: string, originalBytes: number) {
  const user = await new TestClient({ url: app.url }).login(username, PASSWORD);
  const afterUpload = await meterOf(user);
  for (const id of await publicIds(app, username)) {
    const res = await fetch(`${app.url}/images/${id}/original`);
    if (res.status !== 200) throw new Error(`clean copy of ${id}: ${res.status}`);
    await res.arrayBuffer();
  }
  return { afterUpload: afterUpload / originalBytes, withCleanCopies: (await meterOf(user)) / originalBytes };
}
