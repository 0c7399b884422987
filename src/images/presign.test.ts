// S3_PRESIGN=1: after the access check, image requests redirect to a short-lived presigned URL.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp({ S3_BUCKET: 'images', S3_PRESIGN: '1' }, { storage: 's3' });
});
after(() => t.close());

test('the app checks access, then redirects to S3; others still get 404 and no URL', async () => {
  const owner = await newUser(t, 'presigner');
  const photo = await jpeg(80, 60);
  await owner.upload([{ name: 'p.jpg', data: photo }], 'private');
  const [{ id }] = (await t.sql`select id from images`) as unknown as [{ id: string }];

  const res = await owner.request(`/images/${id}/original?download=1`);
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('cache-control'), 'private, no-store');
  const location = res.headers.get('location')!;
  assert.match(location, /X-Amz-Signature=/);
  assert.match(location, /X-Amz-Expires=300/);
  const direct = await fetch(location);
  assert.equal(direct.status, 200);
  assert.deepEqual(Buffer.from(await direct.arrayBuffer()), photo);
  assert.match(direct.headers.get('content-disposition')!, /attachment; filename="p\.jpg"/);

  const stranger = await new TestClient(t).request(`/images/${id}/original`);
  assert.equal(stranger.status, 404);
  assert.equal(stranger.headers.get('location'), null);
});

test('the redirect of a public image may be followed by other sites\' pages; a private one\'s may not', async () => {
  const owner = await newUser(t, 'embedder');
  await owner.upload([{ name: 'open.jpg', data: await jpeg(70, 50) }], 'public');
  await owner.upload([{ name: 'closed.jpg', data: await jpeg(60, 40) }], 'private');
  const idOf = async (name: string) => ((await t.sql`select id from images where filename = ${name}`)[0]!.id as string);
  const open = await new TestClient(t).request(`/images/${await idOf('open.jpg')}/display.webp`);
  assert.equal(open.status, 302);
  // Browsers check Cross-Origin-Resource-Policy on each response of a redirect chain.
  assert.equal(open.headers.get('cross-origin-resource-policy'), 'cross-origin');
  const closed = await owner.request(`/images/${await idOf('closed.jpg')}/display.webp`);
  assert.equal(closed.status, 302);
  assert.equal(closed.headers.get('cross-origin-resource-policy'), 'same-origin');
});
