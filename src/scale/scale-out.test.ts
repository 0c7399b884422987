// Two app instances behind one PostgreSQL server and one S3 bucket, as behind a load balancer.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { jpeg } from '../test-support/fixtures.ts';
import { openTestDatabase, type TestDatabase } from '../test-support/harness.ts';
import { killAll, spawnApp } from '../test-support/process.ts';
import { TestClient } from '../test-support/client.ts';
import { startS3Server } from '../test-support/s3-server.ts';

const serverUrl = process.env.TEST_DATABASE_URL;
let dir: string;
let db: TestDatabase | undefined;
let s3: Awaited<ReturnType<typeof startS3Server>> | undefined;
after(async () => {
  killAll();
  await db?.close();
  await s3?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('sessions, uploads and deletes work across instances; migrations run once', { skip: !serverUrl && 'needs a PostgreSQL server (TEST_DATABASE_URL)' }, async () => {
  dir = await mkdtemp(join(tmpdir(), 'cir-scale-'));
  db = await openTestDatabase(join(dir, 'pg'), { migrate: false });
  s3 = await startS3Server(join(dir, 's3'));
  const env = { DATABASE_URL: db.url!, ...s3.env, JANITOR_INTERVAL_MINUTES: '0' };
  // Both start at the same moment against an empty database.
  const [a, b] = await Promise.all([spawnApp({ ...env, DATA_DIR: join(dir, 'a') }), spawnApp({ ...env, DATA_DIR: join(dir, 'b') })]);
  const files = (await readdir('sql')).filter((f) => f.endsWith('.sql')).sort();
  const applied = await db.sql<{ name: string }[]>`select name from schema_migrations order by name`;
  assert.deepEqual(applied.map((r) => r.name), files);

  // A session made on one instance is valid on the other.
  const alice = await new TestClient(a).signup('alice');
  const aliceOnB = alice.on(b);
  assert.equal((await aliceOnB.request('/dashboard')).status, 200);

  // An upload through A is visible through B, bytes included.
  const upload = await alice.upload([{ name: 'shared.jpg', data: await jpeg(200, 150) }], 'public');
  assert.match(await upload.text(), /1 of 1 image uploaded/);
  const gallery = await (await fetch(`${b.url}/gallery`)).text();
  const id = gallery.match(/href="\/images\/([\w-]+)\?in=gallery" class="thumb"/)![1]!;
  const thumb = gallery.match(/<img src="([^"]+)"/)![1]!;
  assert.equal((await fetch(`${b.url}${thumb}`)).status, 200);
  assert.match(await (await aliceOnB.request('/dashboard')).text(), /shared\.jpg/);

  // ... and deletable through B; then gone on A too.
  assert.equal((await aliceOnB.request(`/images/${id}/delete`, { method: 'POST' })).status, 303);
  assert.equal((await fetch(`${a.url}/images/${id}`)).status, 404);
  assert.equal((await fetch(`${a.url}${thumb}`)).status, 404);

  // A public album shared through A: B shows it (and caches its owner's page); made private
  // through A, it is gone from B at once, its page and its images' URLs included.
  await alice.upload([{ name: 'in-album.jpg', data: await jpeg(120, 90) }], 'private');
  const [{ id: member }] = await db.sql<{ id: string }[]>`select id from images where filename = 'in-album.jpg'`;
  const made = await alice.postForm('/albums', { title: 'Across instances', visibility: 'public' });
  const album = made.headers.get('location')!;
  await alice.postForm(`${album}/images`, { ids: member!, confirm: '1' });
  const profile = await (await fetch(`${b.url}/u/alice`)).text();
  assert.match(profile, /Across instances/);
  const cover = profile.match(/<img src="(\/albums\/[^"]+)"/)![1]!;
  assert.equal((await fetch(`${b.url}${cover}`)).status, 200);
  await alice.postForm(album, { visibility: 'private' });
  for (const target of [a, b]) {
    assert.doesNotMatch(await (await fetch(`${target.url}/u/alice`)).text(), /Across instances/);
    assert.equal((await fetch(`${target.url}${album}`)).status, 404);
    assert.equal((await fetch(`${target.url}${cover}`)).status, 404);
  }

  // Logging out on B ends the session on A as well.
  const stolen = alice.cookieHeader;
  await aliceOnB.request('/logout', { method: 'POST' });
  assert.equal((await new TestClient(a).request('/dashboard', { headers: { Cookie: stolen } })).status, 303);
  await Promise.all([a.stop(), b.stop()]);
});
