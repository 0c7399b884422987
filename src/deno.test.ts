// The same source runs on Deno (`npm run start:deno`). The browser suite runs it over the
// PostgreSQL server and S3 (.ci/test); this runs it over this suite's setup too (embedded
// PostgreSQL and disk, or TEST_DATABASE_URL and TEST_STORAGE=s3): it starts, takes an upload,
// serves the image and stops cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { TestClient } from './test-support/client.ts';
import { jpeg } from './test-support/fixtures.ts';
import { appFolder, spawnApp } from './test-support/process.ts';
import { startS3Server } from './test-support/s3-server.ts';

let folder: Awaited<ReturnType<typeof appFolder>> | undefined;
let s3: Awaited<ReturnType<typeof startS3Server>> | undefined;
after(async () => {
  await s3?.stop();
  await folder?.close();
});

test('under Deno the app starts, takes an upload, serves it and stops on SIGTERM', async () => {
  folder = await appFolder('cir-deno-');
  if (process.env.TEST_STORAGE === 's3') s3 = await startS3Server(join(folder.dir, 's3'));
  const app = await spawnApp({ ...folder.env, JANITOR_INTERVAL_MINUTES: '0', ...s3?.env }, [], 'deno');
  assert.deepEqual(await (await fetch(`${app.url}/readyz`)).json(), { database: 'ok', storage: 'ok' });

  const alice = new TestClient(app);
  await alice.signup('alice');
  const uploaded = await alice.upload([{ name: 'beach.jpg', data: await jpeg(800, 600) }], 'public');
  assert.equal(uploaded.status, 200, await uploaded.clone().text());
  const page = await (await alice.request('/dashboard')).text();
  const thumb = page.match(/<img src="([^"]+)"/)?.[1]?.replaceAll('&amp;', '&');
  assert.ok(thumb, 'the dashboard shows no thumbnail');
  const res = await new TestClient(app).request(thumb);
  assert.equal(res.status, 200);
  const { width } = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
  assert.ok(width && width > 0 && width <= 800, `a thumbnail ${width} px wide`);

  await app.stop('SIGTERM');
  assert.equal(app.child.exitCode, 0);
});
