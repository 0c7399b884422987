// Attack: reaching another person's images by id, guessed id or forged form fields.
import assert from 'node:assert/strict';
import { variantUrl } from '../images/urls.ts';
import { VARIANTS } from '../images/keys.ts';
import { after, before, describe, test } from 'node:test';
import { storedKeys } from '../test-support/consistency.ts';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';

let t: TestApp;
let alice: TestClient;
let bob: TestClient;
let visitor: TestClient;
let aliceId: string;
const images: Record<'public' | 'private', { id: string; urls: string[]; bytes: Buffer }> = {} as never;

before(async () => {
  t = await startTestApp();
  alice = await newUser(t, 'alice');
  bob = await newUser(t, 'bob');
  visitor = new TestClient(t);
  aliceId = ((await t.sql`select id from users where username = 'alice'`)[0] as { id: string }).id;
  for (const visibility of ['public', 'private'] as const) {
    const bytes = await jpeg(90, 60);
    await alice.upload([{ name: `${visibility}.jpg`, data: bytes }], visibility);
    const [row] = await t.sql<{ id: string; thumb_hash: string; thumb2x_hash: string; display_hash: string; epoch: number }[]>`
      select id, thumb_hash, thumb2x_hash, display_hash, epoch from images where filename = ${`${visibility}.jpg`}`;
    const base = `/images/${row!.id}`;
    images[visibility] = {
      id: row!.id,
      bytes,
      urls: [base, `${base}/original`, `${base}/original?download=1`, ...VARIANTS.map((v) => variantUrl(row!, v))],
    };
  }
});
after(() => t.close());

/** Rows and objects as they are now: nothing an attack does may change them. */
async function snapshot() {
  const rows = await t.sql`select id, user_id, visibility, filename from images order by id`;
  return { rows: JSON.stringify(rows), keys: [...(await storedKeys(t.storage))].sort() };
}

describe('another user and a visitor', () => {
  test("cannot read any byte of Alice's private image: 404, exactly as for a missing one", async () => {
    for (const c of [bob, visitor]) {
      const missing = await (await c.request('/images/AAAAAAAAAAAAAAAAAAAA')).text();
      for (const url of images.private.urls) {
        const res = await c.request(url);
        assert.equal(res.status, 404, url);
        // The page names the path asked for (a visitor's "log in" link leads back to it), nothing more.
        const id = url.split('/')[2]!;
        if (url === images.private.urls[0]) assert.equal((await res.text()).replaceAll(id, 'AAAAAAAAAAAAAAAAAAAA'), missing);
      }
    }
  });

  test("read Alice's public image, but never her exact original bytes", async () => {
    for (const c of [bob, visitor]) {
      for (const url of images.public.urls) assert.equal((await c.request(url)).status, 200, url);
      const copy = Buffer.from(await (await c.request(images.public.urls[1]!)).arrayBuffer());
      assert.notDeepEqual(copy, images.public.bytes);
    }
    assert.deepEqual(Buffer.from(await (await alice.request(images.public.urls[1]!)).arrayBuffer()), images.public.bytes);
  });

  test('cannot delete her images, public or private, by any route; nothing changes', async () => {
    const before = await snapshot();
    for (const { id } of [images.public, images.private]) {
      assert.equal((await bob.request(`/images/${id}/delete`, { method: 'POST' })).status, 404);
      assert.equal((await bob.request(`/images/${id}`, { method: 'DELETE' })).status, 404);
      assert.equal((await visitor.request(`/images/${id}/delete`, { method: 'POST' })).status, 401);
      assert.equal((await visitor.request(`/images/${id}`, { method: 'DELETE' })).status, 401);
      // Forged ownership fields are ignored: ownership comes from the session only.
      const forged = await bob.postForm(`/images/${id}/delete`, { user_id: aliceId, owner_id: aliceId });
      assert.equal(forged.status, 404);
    }
    assert.deepEqual(await snapshot(), before);
  });

  test('cannot change her visibility with any request or forged field', async () => {
    const before = await snapshot();
    for (const { id } of [images.public, images.private]) {
      for (const [method, path] of [['POST', `/images/${id}`], ['PATCH', `/images/${id}`], ['POST', `/images/${id}/visibility`]] as const) {
        const res = await bob.request(path, { method, body: new URLSearchParams({ visibility: 'public', user_id: aliceId }) });
        assert.equal(res.status, 404, `${method} ${path}`);
      }
    }
    assert.deepEqual(await snapshot(), before);
  });

  test('guessed ids find nothing', async () => {
    for (const id of ['1', '0', 'admin', images.private.id.slice(0, -1) + 'A', images.private.id.toLowerCase(), '../images']) {
      assert.equal((await bob.request(`/images/${encodeURIComponent(id)}`)).status, 404, id);
      assert.equal((await bob.request(`/images/${encodeURIComponent(id)}/original`)).status, 404, id);
    }
  });

  test('an upload with forged owner fields belongs to the uploader', async () => {
    const form = new FormData();
    form.set('visibility', 'private');
    form.set('user_id', aliceId);
    form.set('owner_id', aliceId);
    form.append('images', new Blob([new Uint8Array(await jpeg(33, 33))]), 'forged.jpg');
    assert.equal((await bob.request('/upload', { method: 'POST', body: form })).status, 200);
    const [row] = await t.sql`select u.username from images i join users u on u.id = i.user_id where i.filename = 'forged.jpg'`;
    assert.equal(row!.username, 'bob');
    assert.doesNotMatch(await (await alice.request('/dashboard')).text(), /forged\.jpg/);
  });

  test("Bob's dashboard never lists Alice's images", async () => {
    const html = await (await bob.request('/dashboard')).text();
    assert.doesNotMatch(html, /public\.jpg|private\.jpg/);
  });
});
