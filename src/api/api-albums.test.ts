// The HTTP API of issue 18, the rest of it: albums, the public gallery, and the OpenAPI document
// with its docs page. Tokens are made on the settings page; API requests carry no cookie.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { apiOf, jsonOf, problemOf, tokenOf } from '../test-support/api.ts';

type Album = { id: string; title: string; description: string; visibility: string; image_count: number; created_at: string; url: string; share_url: string | null };

let t: TestApp;
let alice: TestClient;
let write: string; // alice's tokens
let read: string;
let bob: string; // bob's write token

before(async () => {
  t = await startTestApp({ SIGNUPS_PER_HOUR: '1000', API_REQUESTS_PER_MINUTE: '100000' });
  alice = await newUser(t, 'alice');
  write = await tokenOf(alice, 'write');
  read = await tokenOf(alice, 'read');
  bob = await tokenOf(await newUser(t, 'bob'), 'write');
});
after(() => t.close());

const { api, send } = apiOf({ get app() { return t.app; } });


let sizes = 0;
/** Uploads one new image through the API; its id. */
async function image(token: string, visibility = 'private', fields: Record<string, string> = {}) {
  const form = new FormData();
  form.set('visibility', visibility);
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  sizes += 1;
  form.append('images', new Blob([(await jpeg(40 + sizes, 40)) as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }), `${visibility}-${sizes}.jpg`);
  const { results } = await jsonOf<{ results: { id: string }[] }>(await api(token, '/images', { method: 'POST', body: form }), 201);
  return results[0]!.id;
}
const newAlbum = async (token: string, fields: Record<string, string>) => jsonOf<Album>(await send(token, 'POST', '/albums', fields), 201);
const membersOf = async (albumId: string) =>
  (await t.sql<{ image_id: string }[]>`select image_id from album_images where album_id = ${albumId} order by position`).map((r) => r.image_id);

describe('POST /api/v1/albums', () => {
  test('creates an album (201); an unlisted one has a share_url that opens without cookies', async () => {
    const { id, created_at, ...trip } = await newAlbum(write, { title: '  Lisbon ', description: 'Spring trip' });
    assert.ok(Date.now() - Date.parse(created_at) < 60_000, created_at);
    assert.deepEqual(trip, { title: 'Lisbon', description: 'Spring trip', visibility: 'private', image_count: 0, url: `http://localhost/albums/${id}`, share_url: null });
    assert.equal((await t.sql`select user_id from albums where id = ${id}`)[0]!.user_id, (await t.sql`select id from users where username = 'alice'`)[0]!.id);
    const shared = await newAlbum(write, { title: 'Shared', visibility: 'unlisted' });
    assert.match(shared.share_url!, new RegExp(`^http://localhost/albums/${shared.id}\\?share=[\\w-]{20,}$`));
    assert.equal((await t.app.request(shared.share_url!)).status, 200);
    assert.equal((await t.app.request(shared.url)).status, 404, 'not without its link');
  });

  test('refuses a missing title or an unknown field (422), malformed JSON (400), a read token (403)', async () => {
    assert.ok((await problemOf(await send(write, 'POST', '/albums', { title: ' ' }), 422)).errors!.title);
    await problemOf(await send(write, 'POST', '/albums', { title: 'x', owner: 'bob' }), 422);
    await problemOf(await send(write, 'POST', '/albums', '{"title"'), 400);
    await problemOf(await send(read, 'POST', '/albums', { title: 'x' }), 403);
  });
});

describe('GET /api/v1/albums and /api/v1/albums/{id}', () => {
  test('lists the caller\'s albums newest first in pages, following next_cursor until null', async () => {
    const carol = await tokenOf(await newUser(t, 'carol'), 'write');
    const made: string[] = [];
    for (const title of ['one', 'two', 'three']) made.unshift((await newAlbum(carol, { title })).id);
    type Page = { albums: Album[]; next_cursor: string | null };
    const first = await jsonOf<Page>(await api(carol, '/albums?limit=2'), 200);
    assert.ok(first.next_cursor);
    const second = await jsonOf<Page>(await api(carol, `/albums?limit=2&cursor=${encodeURIComponent(first.next_cursor)}`), 200);
    assert.equal(second.next_cursor, null);
    assert.deepEqual([...first.albums, ...second.albums].map((a) => a.id), made);
    assert.ok((await problemOf(await api(carol, '/albums?cursor=garbage'), 422)).errors!.cursor);
  });

  test('answers one of the caller\'s albums; another person\'s is a 404 like a missing one', async () => {
    const mine = await newAlbum(write, { title: 'Mine' });
    assert.equal((await jsonOf<Album>(await api(read, `/albums/${mine.id}`), 200)).title, 'Mine');
    const theirs = await problemOf(await api(bob, `/albums/${mine.id}`), 404);
    assert.equal(theirs.detail, (await problemOf(await api(bob, '/albums/nope'), 404)).detail);
  });
});

describe('POST /api/v1/albums/{id}/images and DELETE /api/v1/albums/{id}/images/{image_id}', () => {
  test('adds the caller\'s images (200 with the ids added); adding them again adds nothing', async () => {
    const album = await newAlbum(write, { title: 'Private' });
    const [a, b] = [await image(write), await image(write)];
    assert.deepEqual(await jsonOf(await send(write, 'POST', `/albums/${album.id}/images`, { ids: [a, b] }), 200), { added: [a, b] });
    assert.deepEqual(await jsonOf(await send(write, 'POST', `/albums/${album.id}/images`, { ids: [b, a] }), 200), { added: [] });
    assert.deepEqual(await membersOf(album.id), [a, b]);
    assert.equal((await jsonOf<Album>(await api(read, `/albums/${album.id}`), 200)).image_count, 2);
  });

  test("lists an album's images in its order, in pages; another person's album is a 404", async () => {
    const album = await newAlbum(write, { title: 'Pages' });
    const ids = [await image(write), await image(write), await image(write)];
    await jsonOf(await send(write, 'POST', `/albums/${album.id}/images`, { ids }), 200);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { images: { id: string; url: string }[]; next_cursor: string | null } =
        await jsonOf(await api(read, `/albums/${album.id}/images?limit=2${cursor ? `&cursor=${cursor}` : ''}`), 200);
      assert.ok(page.images.length <= 2);
      seen.push(...page.images.map((i) => i.id));
      cursor = page.next_cursor;
    } while (cursor);
    // Newest first (the album's default order): the last added first.
    assert.deepEqual(seen, [...ids].reverse());
    await problemOf(await api(bob, `/albums/${album.id}/images`), 404);
    await problemOf(await api(read, `/albums/${album.id}/images?cursor=nonsense`), 422);
  });

  test('private images into a shared album: 409 without confirm, added with confirm: true', async () => {
    const album = await newAlbum(write, { title: 'Public', visibility: 'public' });
    const [shown, hidden] = [await image(write, 'public'), await image(write, 'private')];
    const refused = await problemOf(await send(write, 'POST', `/albums/${album.id}/images`, { ids: [shown, hidden] }), 409);
    assert.match(refused.detail, /1 of these images is not shared/);
    assert.deepEqual(await membersOf(album.id), [], 'nothing added');
    assert.deepEqual(await jsonOf(await send(write, 'POST', `/albums/${album.id}/images`, { ids: [shown] }), 200), { added: [shown] });
    assert.deepEqual(await jsonOf(await send(write, 'POST', `/albums/${album.id}/images`, { ids: [hidden], confirm: true }), 200), { added: [hidden] });
  });

  test('another person\'s album or image is a 404, and nothing changes', async () => {
    const mine = await newAlbum(write, { title: 'Guarded' });
    const theirImage = await image(bob);
    const theirAlbum = await newAlbum(bob, { title: 'Bob\'s' });
    const own = await image(write);
    await problemOf(await send(write, 'POST', `/albums/${mine.id}/images`, { ids: [own, theirImage] }), 404);
    await problemOf(await send(write, 'POST', `/albums/${theirAlbum.id}/images`, { ids: [own] }), 404);
    await problemOf(await send(bob, 'POST', `/albums/${theirAlbum.id}/images`, { ids: [own] }), 404);
    assert.deepEqual([await membersOf(mine.id), await membersOf(theirAlbum.id)], [[], []]);
    await problemOf(await send(read, 'POST', `/albums/${mine.id}/images`, { ids: [own] }), 403);
    assert.ok((await problemOf(await send(write, 'POST', `/albums/${mine.id}/images`, { ids: [] }), 422)).errors!.ids);
  });

  test('an upload may not name another person\'s album (422), and keeps nothing then', async () => {
    const theirAlbum = await newAlbum(bob, { title: 'Not yours' });
    const form = new FormData();
    form.set('visibility', 'private');
    form.set('album', theirAlbum.id);
    form.append('images', new Blob([(await jpeg(33, 33)) as Uint8Array<ArrayBuffer>]), 'sneaky.jpg');
    assert.ok((await problemOf(await api(write, '/images', { method: 'POST', body: form }), 422)).errors!.album);
    assert.equal((await t.sql`select 1 from images where filename = 'sneaky.jpg'`).length, 0);
  });

  test('removes an image from the album (204), the image staying in the library; again is a 404', async () => {
    const album = await newAlbum(write, { title: 'Short-lived' });
    const id = await image(write);
    await jsonOf(await send(write, 'POST', `/albums/${album.id}/images`, { ids: [id] }), 200);
    await problemOf(await api(bob, `/albums/${album.id}/images/${id}`, { method: 'DELETE' }), 404);
    await problemOf(await api(read, `/albums/${album.id}/images/${id}`, { method: 'DELETE' }), 403);
    const res = await api(write, `/albums/${album.id}/images/${id}`, { method: 'DELETE' });
    assert.equal(res.status, 204);
    assert.deepEqual(await membersOf(album.id), []);
    await problemOf(await api(write, `/albums/${album.id}/images/${id}`, { method: 'DELETE' }), 404);
    assert.equal((await api(read, `/images/${id}`)).status, 200);
  });
});

describe('GET /api/v1/gallery', () => {
  test('shows everyone\'s public images without a token, and nothing else', async () => {
    const [mine, theirs, secret] = [await image(write, 'public'), await image(bob, 'public'), await image(bob, 'private')];
    const unlisted = await image(bob, 'unlisted');
    const page = await jsonOf<{ images: Record<string, unknown>[]; next_cursor: string | null }>(await api(undefined, '/gallery?limit=100'), 200);
    const ids = page.images.map((i) => i.id);
    assert.ok(ids.includes(mine) && ids.includes(theirs));
    assert.ok(!ids.includes(secret) && !ids.includes(unlisted));
    const shown = page.images.find((i) => i.id === theirs)!;
    assert.equal(shown.username, 'bob');
    assert.equal(shown.image_url, `http://localhost/images/${theirs}/display.webp`);
    assert.ok(!('share_url' in shown) && !('hidden' in shown));
  });

  test('needs a token when the admin keeps the gallery for members', async () => {
    await t.sql`update instance_settings set gallery_public = false`;
    try {
      const refused = await api(undefined, '/gallery');
      await problemOf(refused, 401);
      assert.match(refused.headers.get('WWW-Authenticate')!, /^Bearer /);
      assert.ok(Array.isArray((await jsonOf<{ images: unknown[] }>(await api(read, '/gallery'), 200)).images));
      // A token opens the API only: the pages still want a session.
      const page = await t.app.request('http://localhost/gallery', { headers: { Authorization: `Bearer ${read}` } });
      assert.equal(page.status, 303);
      assert.match(page.headers.get('Location')!, /^\/login/);
    } finally {
      await t.sql`update instance_settings set gallery_public = true`;
    }
  });
});

describe('GET /api/v1/openapi.json', () => {
  test('is a valid OpenAPI 3.1 document of every API route, and of nothing else', async () => {
    const doc = await jsonOf<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(await api(undefined, '/openapi.json'), 200);
    assert.match(doc.openapi, /^3\.1\./);
    const validator = new Validator();
    const result = await validator.validate(doc);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    assert.equal(validator.version, '3.1');

    const methods = new Set(['get', 'post', 'put', 'patch', 'delete']);
    const documented = new Set(Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).filter((m) => methods.has(m)).map((m) => `${m.toUpperCase()} ${path}`)));
    const registered = new Set(t.app.routes
      .filter((r) => r.path.startsWith('/api/v1/') && r.method !== 'ALL' && !r.path.includes('*') && r.path !== '/api/v1/openapi.json')
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}')}`));
    assert.ok(registered.size >= 12, [...registered].join('\n'));
    assert.deepEqual([...registered].filter((r) => !documented.has(r)), [], 'every route is documented');
    assert.deepEqual([...documented].filter((d) => !registered.has(d)), [], 'every documented path is a route');
  });

  test('/api/docs shows Swagger UI served from this origin', async () => {
    const page = await t.app.request('http://localhost/api/docs');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('Content-Type')!, /^text\/html/);
    const html = await page.text();
    assert.match(html, /<script src="\/static\/vendor\/swagger-ui-bundle\.js"/);
    assert.match(html, /href="\/api\/v1\/openapi\.json"/);
    const script = await t.app.request('http://localhost/static/vendor/swagger-ui-bundle.js');
    assert.equal(script.status, 200);
    assert.match(script.headers.get('Content-Type')!, /javascript/);
    assert.ok((await script.arrayBuffer()).byteLength > 100_000);
  });
});
