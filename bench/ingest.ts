import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processImage } from '../src/images/pipeline.ts';
import { createDecodeQueue } from '../src/images/decode-queue.ts';
import { loadConfig } from '../src/config.ts';
import { apiUploadPaths, signUpAt, uploadPaths } from './lib/client.ts';
import type { RunningApp } from './lib/server.ts';

const BATCH = 10;

function batches<T>(items: T[]) {
  return Array.from({ length: Math.ceil(items.length / BATCH) }, (_, i) => items.slice(i * BATCH, (i + 1) * BATCH));
}

/**
 * The same sharp work as an upload (all derivatives, the clean copy, files written), under the
 * same decode limits as one user of the app (its default configuration), nothing else.
 */
export async function barePipeline(paths: string[]) {
  const { decode, upload } = loadConfig({});
  const decodes = createDecodeQueue(decode);
  const limits = { maxPixels: upload.maxPixels, memoryBytes: decode.memoryBytes };
  const dir = await mkdtemp(join(tmpdir(), 'bench-bare-'));
  const started = performance.now();
  try {
    for (const batch of batches(paths)) {
      await Promise.all(batch.map(async (p, i) => {
        const out = join(dir, `${i}`);
        const img = await decodes.run('bench', () => processImage(p, `${out}.clean`, limits));
        await Promise.all([img.thumb, img.thumb2x, img.display].map((d, j) => writeFile(`${out}.${j}.webp`, d.data)));
      }));
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
