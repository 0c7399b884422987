// The HTTP API of issue 18, its image routes: upload, list, read, change and delete one's
// images, and the account a token acts for. Tokens are made on the settings page, as people do;
// every API request carries only its token, never a cookie.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { apiOf, jsonOf, problemOf, tokenOf } from '../test-support/api.ts';

type Upload = { filename: string; status: string; id?: string; url?: string; image_url?: string; thumb_url?: string; share_url?: string | null; error?: string };
type Image = { id: string; filename: string; title: string; caption: string; alt_text: string; visibility: string; bytes: number; hidden: boolean; url: string; image_url: string; share_url: string | null };

let t: TestApp;
let alice: TestClient;
let write: string; // alice's tokens
let read: string;

before(async () => {
  t = await startTestApp({ SIGNUPS_PER_HOUR: '1000', API_REQUESTS_PER_MINUTE: '100000' });
  alice = await newUser(t, 'alice');
  write = await tokenOf(alice, 'write');
  read = await tokenOf(alice, 'read');
});
after(() => t.close());

const { send } = apiOf({ get app() { return t.app; } });
/** An API request to `on` (the file's app by default). */
const api = (token: string | undefined, path: string, init: RequestInit & { headers?: Record<string, string> } = {}, on = t) => apiOf(on).api(token, path, init);

/** POST /api/v1/images with `files` as the `images` field, and `fields`. */
function upload(token: string, files: { name: string; data: Uint8Array }[], fields: Record<string, string> = { visibility: 'private' }, on = t) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  for (const f of files) form.append('images', new Blob([f.data as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }), f.name);
  return api(token, '/images', { method: 'POST', body: form }, on);
}

const uploaded = async (token: string, files: { name: string; data: Uint8Array }[], fields?: Record<string, string>, on = t) =>
  (await jsonOf<{ results: Upload[]; album?: { id: string; added: number; waiting: number } }>(await upload(token, files, fields, on), 201));
/** Uploads one new image named `name`; its result. */
async function one(token: string, name: string, fields?: Record<string, string>) {
  const [r] = (await uploaded(token, [{ name, data: await jpeg(60 + name.length, 40) }], fields)).results;
  assert.equal(r?.status, 'stored');
  return r as Upload & { id: string };
}
/** GET of an absolute URL the API handed out, as a visitor without cookies. */
const visit = (url: string) => t.app.request(url);
const idOf = async (username: string) => (await t.sql<{ id: string }[]>`select id from users where username = ${username}`)[0]!.id;

describe('POST /api/v1/images', () => {
  test('stores each good file and says why each bad one was rejected', async () => {
    const page = new TextEncoder().encode('<html><script>alert(1)</script></html>');
    const { results } = await uploaded(write, [{ name: 'a.jpg', data: await jpeg(80, 60) }, { name: 'page.jpg', data: page }, { name: 'b.jpg', data: await jpeg(90, 60) }]);
    assert.deepEqual(results.map((r) => [r.filename, r.status]), [['a.jpg', 'stored'], ['page.jpg', 'rejected'], ['b.jpg', 'stored']]);
    assert.match(results[1]!.error!, /Not an image we can read/);
    assert.equal(results[1]!.id, undefined);
    const a = results[0]!;
    assert.equal(a.url, `http://localhost/images/${a.id}`);
    assert.equal(a.image_url, `http://localhost/images/${a.id}/display.webp`);
    assert.match(a.thumb_url!, new RegExp(`^http://localhost/images/${a.id}/thumb/\\w+-\\d+\\.webp$`));
    assert.equal(a.share_url, null);
    const rows = await t.sql`select id, visibility from images where user_id = ${await idOf('alice')} and id in ${t.sql([a.id!, results[2]!.id!])}`;
    assert.deepEqual(rows.map((r) => r.visibility), ['private', 'private']);
  });

  test('answers 200 with the existing id when every file was already stored', async () => {
    const data = await jpeg(70, 70);
    const first = (await uploaded(write, [{ name: 'once.jpg', data }])).results[0]!;
    const again = await jsonOf<{ results: Upload[] }>(await upload(write, [{ name: 'twice.jpg', data }, { name: 'thrice.jpg', data }]), 200);
    assert.deepEqual(again.results.map((r) => [r.filename, r.status, r.id]), [['twice.jpg', 'duplicate', first.id], ['thrice.jpg', 'duplicate', first.id]]);
  });

  test('answers 422 with every file\'s reason when none could be stored', async () => {
    const p = await problemOf<{ results?: Upload[] }>(await upload(write, [{ name: 'empty.png', data: new Uint8Array(0) }, { name: 'x.jpg', data: new TextEncoder().encode('nope') }]), 422);
    assert.deepEqual(p.results!.map((r) => [r.filename, r.status]), [['empty.png', 'rejected'], ['x.jpg', 'rejected']]);
    assert.match(p.results![0]!.error!, /File is empty/);
  });

  test('unlisted: the share_url and image_url open without cookies; a private image_url does not', async () => {
    const shared = await one(write, 'shared.jpg', { visibility: 'unlisted' });
    const share = shared.share_url!.match(/^http:\/\/localhost\/images\/[\w-]+\?share=([\w-]{20,})$/)?.[1];
    assert.ok(share, shared.share_url!);
    assert.equal(shared.image_url, `http://localhost/images/${shared.id}/display.webp?share=${share}`);
    const image = await visit(shared.image_url!);
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('Content-Type'), 'image/webp');
    assert.equal((await visit(shared.share_url!)).status, 200);
    assert.equal((await visit(`http://localhost/images/${shared.id}/display.webp`)).status, 404, 'not without its link');
    const hidden = await one(write, 'mine.jpg');
    assert.equal((await visit(hidden.image_url!)).status, 404);
  });

  test('stores an upload that names no visibility as private, as the document says', async () => {
    const r = await one(write, 'plain.jpg', {});
    assert.equal((await jsonOf<Image>(await api(read, `/images/${r.id}`), 200)).visibility, 'private');
  });

  test('gives every stored image the title sent', async () => {
    const r = await one(write, 'titled.jpg', { visibility: 'public', title: '  Harbour at dawn ' });
    const image = await jsonOf<Image>(await api(read, `/images/${r.id}`), 200);
    assert.deepEqual([image.title, image.visibility], ['Harbour at dawn', 'public']);
  });

  test('an upload into an album that stores nothing is the 422 of its files, the album untouched', async () => {
    const { id } = await jsonOf<{ id: string }>(await send(write, 'POST', '/albums', { title: 'Empty-handed', visibility: 'public' }), 201);
    const p = await problemOf<{ results?: Upload[] }>(await upload(write, [{ name: 'bad.jpg', data: new TextEncoder().encode('nope') }], { visibility: 'private', album: id }), 422);
    assert.equal(p.results![0]!.status, 'rejected');
    assert.equal((await t.sql`select 1 from album_images where album_id = ${id}`).length, 0);
  });

  test('adds the images to the album sent; private ones join a shared album only with confirm=1', async () => {
    const album = async (visibility: string) => (await jsonOf<{ id: string }>(await send(write, 'POST', '/albums', { title: visibility, visibility }), 201)).id;
    const privateAlbum = await album('private');
    const intoPrivate = await uploaded(write, [{ name: 'p.jpg', data: await jpeg(50, 51) }], { visibility: 'private', album: privateAlbum });
    assert.deepEqual(intoPrivate.album, { id: privateAlbum, added: 1, waiting: 0 });

    const publicAlbum = await album('public');
    const waiting = await uploaded(write, [{ name: 'q.jpg', data: await jpeg(50, 52) }, { name: 'r.jpg', data: await jpeg(50, 53) }], { visibility: 'private', album: publicAlbum });
    assert.deepEqual(waiting.album, { id: publicAlbum, added: 0, waiting: 2 });
    assert.equal((await jsonOf<{ image_count: number }>(await api(read, `/albums/${publicAlbum}`), 200)).image_count, 0);
    const confirmed = await uploaded(write, [{ name: 's.jpg', data: await jpeg(50, 54) }], { visibility: 'private', album: publicAlbum, confirm: '1' });
    assert.deepEqual(confirmed.album, { id: publicAlbum, added: 1, waiting: 0 });
    assert.equal((await jsonOf<{ image_count: number }>(await api(read, `/albums/${publicAlbum}`), 200)).image_count, 1);
  });

  test('refuses a declared body over the limit (413), a body that is not multipart (415) and a bad visibility (422)', async () => {
    const huge = await api(write, '/images', { method: 'POST', body: 'x', headers: { 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': String(1e12) } });
    assert.match((await problemOf(huge, 413)).detail, /The upload is larger than/);
    await problemOf(await send(write, 'POST', '/images', { images: [] }), 415);
    const bad = await problemOf(await upload(write, [{ name: 'v.jpg', data: await jpeg(40, 41) }], { visibility: 'everyone' }), 422);
    assert.match(bad.errors!.visibility!, /public, private, or unlisted/);
    const none = await problemOf(await upload(write, [], { visibility: 'public' }), 422);
    assert.ok(none.errors!.images);
  });

  test('a read token may not upload (403); no token, or a browser session, is a 401 with a Bearer challenge', async () => {
    await problemOf(await upload(read, [{ name: 'r.jpg', data: await jpeg(40, 42) }]), 403);
    const anonymous = await upload('', [{ name: 'r.jpg', data: await jpeg(40, 42) }]);
    await problemOf(anonymous, 401);
    assert.match(anonymous.headers.get('WWW-Authenticate')!, /^Bearer /);
    // Cookies never authenticate under /api/: the answer is the API's 401, not the pages' CSRF 403.
    const withCookies = await alice.request('/api/v1/images', { method: 'POST', body: new FormData(), headers: { Origin: 'https://evil.example' } });
    await problemOf(withCookies, 401);
    const mistyped = await api(`${write}x`, '/me');
    await problemOf(mistyped, 401);
    assert.match(mistyped.headers.get('WWW-Authenticate')!, /error="invalid_token"/);
  });

  test('a revoked or expired token is a 401', async () => {
    const [revoked, expired] = [await tokenOf(alice, 'write', 'to revoke'), await tokenOf(alice, 'write', 'to expire')];
    const [row] = await t.sql<{ id: string }[]>`select id from api_tokens where name = 'to revoke'`;
    assert.equal((await alice.postForm(`/settings/tokens/${row!.id}/revoke`, {})).status, 303);
    await t.sql`update api_tokens set expires_at = now() - interval '1 second' where name = 'to expire'`;
    for (const token of [revoked, expired]) assert.match((await problemOf(await api(token, '/me'), 401)).detail, /expired or revoked/);
    assert.equal((await api(write, '/me')).status, 200, 'the others still work');
  });
});

describe('GET /api/v1/images', () => {
  let owner: string;
  let ids: string[];
  before(async () => {
    const carol = await newUser(t, 'carol');
    owner = await tokenOf(carol, 'read');
    const files = await Promise.all(['beach-sunset.jpg', 'city.jpg', 'beach-walk.jpg', 'forest.jpg', 'dunes.jpg']
      .map(async (name, i) => ({ name, data: await jpeg(60 + 40 * i, 50) })));
    await uploaded(await tokenOf(carol, 'write'), files);
    ids = (await t.sql<{ id: string }[]>`select id from images where user_id = ${await idOf('carol')} order by created_at desc, id desc`).map((r) => r.id);
  });
  type Page = { images: Image[]; next_cursor: string | null };

  test('pages through every image once, newest first, following next_cursor until null', async () => {
    const seen: string[] = [];
    let cursor: string | null = '';
    for (let pages = 0; cursor !== null; pages += 1) {
      assert.ok(pages < 5, 'ends');
      const page: Page = await jsonOf<Page>(await api(owner, `/images?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`), 200);
      assert.ok(page.images.length <= 2);
      seen.push(...page.images.map((i) => i.id));
      cursor = page.next_cursor;
    }
    assert.deepEqual(seen, ids);
  });

  test('searches with q, sorts with sort, and shows the caller\'s images only', async () => {
    const beach = await jsonOf<Page>(await api(owner, '/images?q=beach'), 200);
    assert.deepEqual(beach.images.map((i) => i.filename).sort(), ['beach-sunset.jpg', 'beach-walk.jpg']);
    const largest = await jsonOf<Page>(await api(owner, '/images?sort=largest'), 200);
    const bytes = largest.images.map((i) => i.bytes);
    assert.deepEqual(bytes, [...bytes].sort((a, b) => b - a));
    assert.equal(largest.images.length, 5);
    const mine = await jsonOf<Page>(await api(read, '/images?limit=100'), 200);
    assert.ok(mine.images.length > 0 && mine.images.every((i) => !ids.includes(i.id)));
  });

  test('refuses a cursor that is not one of this list (422), and a limit out of range', async () => {
    assert.ok((await problemOf(await api(owner, '/images?cursor=garbage'), 422)).errors!.cursor);
    const { next_cursor } = await jsonOf<Page>(await api(owner, '/images?limit=2'), 200);
    assert.ok((await problemOf(await api(owner, `/images?limit=2&sort=largest&cursor=${next_cursor}`), 422)).errors!.cursor);
    assert.ok((await problemOf(await api(owner, '/images?limit=1000'), 422)).errors!.limit);
  });
});

describe('GET, PATCH, DELETE /api/v1/images/{id}', () => {
  test('GET answers the caller\'s image; another person\'s is a 404 like a missing one', async () => {
    const r = await one(write, 'own.jpg');
    const image = await jsonOf<Image>(await api(read, `/images/${r.id}`), 200);
    assert.deepEqual([image.id, image.filename, image.visibility, image.hidden], [r.id, 'own.jpg', 'private', false]);
    const dave = await tokenOf(await newUser(t, 'dave'), 'write');
    const theirs = await problemOf(await api(dave, `/images/${r.id}`), 404);
    const missing = await problemOf(await api(dave, '/images/nope'), 404);
    assert.equal(theirs.detail, missing.detail);
    await problemOf(await send(dave, 'PATCH', `/images/${r.id}`, { title: 'mine now' }), 404);
    assert.equal((await api(dave, `/images/${r.id}`, { method: 'DELETE' })).status, 404);
  });

  test('GET .../original: a read token downloads the exact bytes uploaded; another person gets a 404', async () => {
    const data = await jpeg(77, 55);
    const [r] = (await uploaded(write, [{ name: 'backup me.jpg', data }])).results;
    const res = await api(read, `/images/${r!.id}/original`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('Content-Type'), 'image/jpeg');
    assert.match(res.headers.get('Content-Disposition')!, /^attachment; filename="backup me\.jpg"/);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), Buffer.from(data));
    const part = await api(read, `/images/${r!.id}/original`, { headers: { Range: 'bytes=0-9' } });
    assert.equal(part.status, 206);
    assert.equal((await part.arrayBuffer()).byteLength, 10);
    const dave = await tokenOf(await newUser(t, 'dora'), 'read');
    await problemOf(await api(dave, `/images/${r!.id}/original`), 404);
    await problemOf(await api(undefined, `/images/${r!.id}/original`), 401);
  });

  test('PATCH changes only the fields sent; unlisted gives a share_url it keeps', async () => {
    const { id } = await one(write, 'patch.jpg');
    await jsonOf(await send(write, 'PATCH', `/images/${id}`, { title: 'Pier', caption: 'Low tide', alt_text: 'A wooden pier' }), 200);
    const captioned = await jsonOf<Image>(await send(write, 'PATCH', `/images/${id}`, { caption: 'High tide' }), 200);
    assert.deepEqual([captioned.title, captioned.caption, captioned.alt_text, captioned.visibility], ['Pier', 'High tide', 'A wooden pier', 'private']);
    const unlisted = await jsonOf<Image>(await send(write, 'PATCH', `/images/${id}`, { visibility: 'unlisted' }), 200);
    assert.match(unlisted.share_url!, new RegExp(`^http://localhost/images/${id}\\?share=[\\w-]{20,}$`));
    assert.equal(unlisted.title, 'Pier');
    assert.equal((await visit(unlisted.image_url)).status, 200);
    const renamed = await jsonOf<Image>(await send(write, 'PATCH', `/images/${id}`, { title: 'Pier 2' }), 200);
    assert.equal(renamed.share_url, unlisted.share_url);
  });

  test('PATCH refuses to share an image a moderator hid (422), changing nothing', async () => {
    const { id } = await one(write, 'hidden.jpg');
    await t.sql`update images set hidden_at = now(), hidden_reason = 'spam' where id = ${id}`;
    const p = await problemOf(await send(write, 'PATCH', `/images/${id}`, { title: 'Look', visibility: 'public' }), 422);
    assert.ok(p.errors!.visibility);
    const image = await jsonOf<Image>(await api(read, `/images/${id}`), 200);
    assert.deepEqual([image.hidden, image.visibility, image.title], [true, 'private', '']);
  });

  test('PATCH: malformed JSON is a 400, an unknown field or a bad value a 422, a read token a 403', async () => {
    const { id } = await one(write, 'strict.jpg');
    await problemOf(await send(write, 'PATCH', `/images/${id}`, '{"title": '), 400);
    assert.ok(Object.keys((await problemOf(await send(write, 'PATCH', `/images/${id}`, { title: 'x', owner: 'bob' }), 422)).errors!).length);
    assert.ok((await problemOf(await send(write, 'PATCH', `/images/${id}`, { visibility: 'everyone' }), 422)).errors!.visibility);
    assert.ok((await problemOf(await send(write, 'PATCH', `/images/${id}`, { title: 'x'.repeat(201) }), 422)).errors!.title);
    await problemOf(await send(read, 'PATCH', `/images/${id}`, { title: 'x' }), 403);
    assert.equal((await jsonOf<Image>(await api(read, `/images/${id}`), 200)).title, '');
  });

  test('an expired share link is not handed out; PATCH unlisted again makes a new one, and keeps a live one', async () => {
    const { id } = await one(write, 'expiring.jpg', { visibility: 'unlisted' });
    const live = await jsonOf<Image>(await api(read, `/images/${id}`), 200);
    assert.ok(live.share_url);
    const kept = await jsonOf<Image>(await send(write, 'PATCH', `/images/${id}`, { visibility: 'unlisted' }), 200);
    assert.equal(kept.share_url, live.share_url, 'a live link stays');
    await t.sql`update images set share_expires_at = now() - interval '1 minute' where id = ${id}`;
    const expired = await jsonOf<Image>(await api(read, `/images/${id}`), 200);
    assert.equal(expired.share_url, null);
    assert.doesNotMatch(expired.image_url, /share=/);
    const renewed = await jsonOf<Image>(await send(write, 'PATCH', `/images/${id}`, { visibility: 'unlisted' }), 200);
    assert.ok(renewed.share_url && renewed.share_url !== live.share_url);
    assert.equal((await visit(renewed.image_url)).status, 200);
    assert.equal((await visit(live.image_url)).status, 404);
  });

  test('DELETE moves the image to the trash (204), again too; GET is then a 404, PATCH a 409', async () => {
    const { id } = await one(write, 'bin.jpg');
    assert.equal((await api(read, `/images/${id}`, { method: 'DELETE' })).status, 403);
    const res = await api(write, `/images/${id}`, { method: 'DELETE' });
    assert.equal(res.status, 204);
    assert.equal(await res.text(), '');
    await problemOf(await api(write, `/images/${id}`), 404);
    // Deleted already (by another client): done, as on the web.
    assert.equal((await api(write, `/images/${id}`, { method: 'DELETE' })).status, 204);
    const patched = await problemOf(await send(write, 'PATCH', `/images/${id}`, { title: 'Changed' }), 409);
    assert.match(patched.detail, /in the trash/);
    const [row] = await t.sql<{ deleted_at: Date | null; title: string }[]>`select deleted_at, title from images where id = ${id}`;
    assert.ok(row?.deleted_at instanceof Date, 'in the trash');
    assert.equal(row.title, '', 'unchanged');
    // Another person's trashed image, or none, stays a plain 404 for each of them.
    const ezra = await tokenOf(await newUser(t, 'ezra'), 'write');
    await problemOf(await send(ezra, 'PATCH', `/images/${id}`, { title: 'Theirs' }), 404);
    await problemOf(await api(ezra, `/images/${id}`, { method: 'DELETE' }), 404);
    await problemOf(await api(write, '/images/nope', { method: 'DELETE' }), 404);
  });

  test('POST .../restore takes the image out of the trash (200, the image); it is listed and changeable again', async () => {
    const { id } = await one(write, 'back.jpg', { visibility: 'public' });
    assert.equal((await api(write, `/images/${id}`, { method: 'DELETE' })).status, 204);
    // The gallery's page is cached without it, then shown with it: the restore reaches the page cache.
    assert.doesNotMatch(await (await visit('/gallery')).text(), new RegExp(id));
    assert.equal((await api(read, `/images/${id}/restore`, { method: 'POST' })).status, 403);
    const fred = await tokenOf(await newUser(t, 'fred'), 'write');
    await problemOf(await api(fred, `/images/${id}/restore`, { method: 'POST' }), 404);
    const restored = await jsonOf<{ id: string; visibility: string }>(await api(write, `/images/${id}/restore`, { method: 'POST' }), 200);
    assert.deepEqual([restored.id, restored.visibility], [id, 'public']);
    assert.match(await (await visit('/gallery')).text(), new RegExp(id), 'back in the gallery (its cache too)');
    assert.equal((await send(write, 'PATCH', `/images/${id}`, { title: 'Back' })).status, 200);
    // Restoring a live image answers it as it is; a missing one is a 404.
    assert.equal((await jsonOf<{ title: string }>(await api(write, `/images/${id}/restore`, { method: 'POST' }), 200)).title, 'Back');
    await problemOf(await api(write, '/images/nope/restore', { method: 'POST' }), 404);
  });
});

describe('GET /api/v1/me', () => {
  test('says who the token acts for, its scope, and the storage used, which grows with an upload', async () => {
    const erin = await newUser(t, 'erin');
    const [w, r] = [await tokenOf(erin, 'write'), await tokenOf(erin, 'read')];
    type Me = { id: string; username: string; email: string; role: string; scope: string; used_bytes: number; quota_bytes: number };
    const { id, ...before } = await jsonOf<Me>(await api(r, '/me'), 200);
    assert.equal(id, await idOf('erin'));
    assert.deepEqual(before, { username: 'erin', email: 'erin@example.com', role: 'user', scope: 'read', used_bytes: 0, quota_bytes: 5120 * 1024 * 1024 });
    await one(w, 'growth.jpg');
    const now = await jsonOf<Me>(await api(w, '/me'), 200);
    assert.equal(now.scope, 'write');
    assert.ok(now.used_bytes > 0);
  });
});

describe('a small instance: TRASH_DAYS=0, a 1 MB quota, 20 requests a minute', () => {
  let small: TestApp;
  before(async () => { small = await startTestApp({ TRASH_DAYS: '0', QUOTA_MB: '1', API_REQUESTS_PER_MINUTE: '20' }); });
  after(() => small.close());
  const tokenOn = async (username: string) => tokenOf(await newUser(small, username), 'write');

  test('POST /api/v1/images refuses, file by file, what would go over the quota', async () => {
    const token = await tokenOn('frank');
    const files = [{ name: 'small.jpg', data: await jpeg(120, 90) }, { name: 'huge.jpg', data: await jpeg(1400, 1000) }, { name: 'also.jpg', data: await jpeg(130, 90) }];
    const { results } = await uploaded(token, files, undefined, small);
    assert.deepEqual(results.map((r) => [r.filename, r.status]), [['small.jpg', 'stored'], ['huge.jpg', 'rejected'], ['also.jpg', 'stored']]);
    assert.match(results[1]!.error!, /Over your storage quota: .* left of 1.0 MB/);
  });

  test('DELETE /api/v1/images/{id} deletes for good when the instance keeps no trash', async () => {
    const token = await tokenOn('gina');
    const { results: [r] } = await uploaded(token, [{ name: 'gone.jpg', data: await jpeg(50, 50) }], undefined, small);
    assert.equal((await api(token, `/images/${r!.id}`, { method: 'DELETE' }, small)).status, 204);
    assert.equal((await small.sql`select 1 from images where id = ${r!.id!}`).length, 0);
    await problemOf(await api(token, `/images/${r!.id}`, {}, small), 404);
  });

  test('over the requests a minute a token may make: 429 with Retry-After', async () => {
    const token = await tokenOn('hank');
    for (let i = 0; i < 20; i += 1) assert.equal((await api(token, '/me', {}, small)).status, 200);
    const refused = await api(token, '/me', {}, small);
    await problemOf(refused, 429);
    assert.ok(Number(refused.headers.get('Retry-After')) > 0);
  });
});
