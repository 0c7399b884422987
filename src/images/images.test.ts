import assert from 'node:assert/strict';
import { isStored } from '../test-support/consistency.ts';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import sharp from 'sharp';
import { jpeg, jpegWithLocation, readTags } from '../test-support/fixtures.ts';
import { findImage, type ImageRow } from './images.sql.ts';
import { allKeys } from './keys.ts';
import { variantUrl } from './urls.ts';

let t: TestApp;
let owner: TestClient;
let other: TestClient;
let visitor: TestClient;
let pub: { id: string; thumb: string; display: string };
let priv: { id: string; thumb: string; display: string };
let original: Buffer;

/** Uploads one image (fresh random pixels unless `data` is given) and returns its URLs. */
async function uploadOne(c: TestClient, name: string, visibility: 'public' | 'private', data?: Buffer) {
  const res = await c.upload([{ name, data: data ?? (await jpeg(300, 200)) }], visibility);
  assert.equal(res.status, 200);
  return urlsOf(name);
}

async function urlsOf(filename: string) {
  const [row] = await t.sql<{ id: string; thumb_hash: string; display_hash: string; epoch: number }[]>`
    select id, thumb_hash, display_hash, epoch from images where filename = ${filename}`;
  return { id: row!.id, thumb: variantUrl(row!, 'thumb'), display: variantUrl(row!, 'display') };
}

before(async () => {
  t = await startTestApp();
  original = await jpeg(900, 600);
  owner = await newUser(t, 'owner');
  other = await newUser(t, 'other');
  visitor = new TestClient(t);
  pub = await uploadOne(owner, 'sunset "beach" é.jpg', 'public', original);
  priv = await uploadOne(owner, 'secret.jpg', 'private');
});
after(() => t.close());

const bytes = async (res: Response) => Buffer.from(await res.arrayBuffer());

describe('GET /images/:id and its bytes', () => {
  test('a public image is open to everyone; a private one only to its owner, 404 for others', async () => {
    for (const c of [owner, other, visitor]) {
      assert.equal((await c.request(`/images/${pub.id}`)).status, 200);
      assert.equal((await c.request(pub.thumb)).status, 200);
    }
    assert.equal((await owner.request(`/images/${priv.id}`)).status, 200);
    for (const c of [other, visitor]) {
      for (const path of [`/images/${priv.id}`, `/images/${priv.id}/original`, priv.thumb, priv.display]) {
        const res = await c.request(path);
        assert.equal(res.status, 404, path);
        const missing = await c.request(path.replace(priv.id, 'AAAAAAAAAAAAAAAAAAAA'));
        assert.equal(missing.status, 404);
        // The page names the URL asked for (its "log in" link comes back to it), nothing else.
        assert.equal((await res.text()).replaceAll(priv.id, 'AAAAAAAAAAAAAAAAAAAA'), await missing.text(), 'a private image looks exactly like a missing one');
      }
    }
  });

  test('the owner downloads the exact original bytes with a safely encoded filename', async () => {
    const res = await owner.request(`/images/${pub.id}/original?download=1`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/jpeg');
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="sunset _beach_ _.jpg"; filename*=UTF-8''sunset%20%22beach%22%20%C3%A9.jpg`);
    assert.deepEqual(await bytes(res), original);
  });

  test('image responses are typed, nosniff and sandboxed', async () => {
    for (const path of [`/images/${pub.id}/original`, pub.thumb, pub.display]) {
      const res = await visitor.request(path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('content-security-policy'), "default-src 'none'; sandbox");
      assert.match(res.headers.get('content-type')!, /^image\/(jpeg|webp)$/);
    }
  });

  test('derivatives: WebP, immutable when public, private otherwise, 304 on a matching ETag', async () => {
    const res = await visitor.request(pub.thumb);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, s-maxage=300, immutable');
    const etag = res.headers.get('etag')!;
    assert.equal((await bytes(res)).subarray(8, 12).toString(), 'WEBP');
    assert.equal((await visitor.request(pub.thumb, { headers: { 'If-None-Match': etag } })).status, 304);
    const mine = await owner.request(priv.thumb);
    assert.match(mine.headers.get('cache-control')!, /^private/);
    assert.equal((await visitor.request(`/images/${pub.id}/thumb/0000000000000000-0.webp`)).status, 404);
  });

  test('originals answer Range requests with 206', async () => {
    const res = await owner.request(`/images/${pub.id}/original`, { headers: { Range: 'bytes=10-19' } });
    assert.equal(res.status, 206);
    assert.equal(res.headers.get('content-range'), `bytes 10-19/${original.length}`);
    assert.deepEqual(await bytes(res), original.subarray(10, 20));
    const bad = await owner.request(`/images/${pub.id}/original`, { headers: { Range: `bytes=${original.length + 5}-` } });
    assert.equal(bad.status, 416);
  });

  test('the image page escapes the filename and shows owner controls only to the owner', async () => {
    const mine = await (await owner.request(`/images/${pub.id}`)).text();
    assert.match(mine, /sunset &quot;beach&quot; é\.jpg/);
    assert.match(mine, new RegExp(`action="/images/${pub.id}/delete"`));
    const theirs = await (await other.request(`/images/${pub.id}`)).text();
    assert.doesNotMatch(theirs, /\/delete"/);
  });
});

describe('deleting', () => {
  test('another user or a visitor gets 404 and nothing changes', async () => {
    const target = await uploadOne(owner, 'keep-me.jpg', 'public');
    assert.equal((await other.request(`/images/${target.id}/delete`, { method: 'POST' })).status, 404);
    assert.equal((await other.request(`/images/${target.id}`, { method: 'DELETE' })).status, 404);
    assert.equal((await visitor.request(`/images/${target.id}`, { method: 'DELETE' })).status, 401);
    assert.equal((await other.request(`/images/${target.id}/delete`)).status, 404, 'GET never deletes');
    assert.equal((await visitor.request(`/images/${target.id}/original`)).status, 200);
  });

  test('POST /images/:id/delete moves the image to the trash (objects kept until purged), then old URLs 404', async () => {
    const target = await uploadOne(owner, 'delete-me.jpg', 'public');
    const [row] = await t.sql<ImageRow[]>`select * from images where id = ${target.id}`;
    const keys = allKeys(row!);
    assert.equal(keys.length, 5);
    // A visitor's first request for the full size makes its clean copy, the fifth object.
    await (await visitor.request(`/images/${target.id}/original`)).arrayBuffer();
    for (const key of keys) assert.equal(await isStored(t.storage, key), true);
    const res = await owner.request(`/images/${target.id}/delete`, { method: 'POST' });
    assert.equal(res.status, 303);
    assert.equal((await t.sql`select 1 from images where id = ${target.id} and deleted_at is not null`).length, 1);
    for (const key of keys) assert.equal(await isStored(t.storage, key), true);
    for (const path of [`/images/${target.id}`, `/images/${target.id}/original`, target.thumb]) {
      assert.equal((await owner.request(path)).status, 404);
    }
  });

  test('DELETE /images/:id (htmx) answers only an Undo toast (the card removes itself)', async () => {
    const target = await uploadOne(owner, 'htmx-delete.jpg', 'private');
    const res = await owner.request(`/images/${target.id}`, { method: 'DELETE', headers: { 'HX-Request': 'true' } });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /^<hx-partial hx-target="#notice-toast" hx-swap="innerHTML">[\s\S]*Undo[\s\S]*<\/hx-partial>$/);
    assert.equal((await t.sql`select 1 from images where id = ${target.id} and deleted_at is not null`).length, 1);
  });
});

describe('privacy of originals', () => {
  test('the owner gets the exact bytes with their GPS; everyone else a full-size copy without any metadata', async () => {
    const photo = await jpegWithLocation(640, 480);
    const img = await uploadOne(owner, 'holiday.jpg', 'public', photo);
    const mine = await owner.request(`/images/${img.id}/original?download=1`);
    assert.deepEqual(await bytes(mine), photo);
    assert.match(mine.headers.get('cache-control')!, /^private/);
    for (const c of [other, visitor]) {
      const res = await c.request(`/images/${img.id}/original?download=1`);
      assert.equal(res.status, 200);
      const copy = await bytes(res);
      assert.equal(Number(res.headers.get('content-length')), copy.length);
      const tags = JSON.stringify(await readTags(copy));
      assert.doesNotMatch(tags, /GPS|SecretCam|Alice Secret|Paris/);
      const m = await sharp(copy).metadata();
      assert.deepEqual([m.format, m.width, m.height], ['jpeg', 640, 480]);
    }
  });

  test('after an image becomes private, its old URLs stop working for everyone but the owner', async () => {
    const img = await uploadOne(owner, 'was-public.jpg', 'public');
    assert.equal((await visitor.request(img.thumb)).status, 200);
    await t.sql`update images set visibility = 'private' where id = ${img.id}`;
    for (const path of [`/images/${img.id}`, `/images/${img.id}/original`]) {
      assert.equal((await visitor.request(path)).status, 404, path);
      assert.equal((await other.request(path)).status, 404, path);
      assert.equal((await owner.request(path)).status, 200, path);
    }
    // The derivative URLs a shared cache may hold were public ones: withdrawn for everyone; the
    // owner's pages now use new ones.
    for (const path of [img.thumb, img.display]) {
      for (const c of [visitor, other, owner]) assert.equal((await c.request(path)).status, 404, path);
    }
    const now = await urlsOf('was-public.jpg');
    assert.notEqual(now.thumb, img.thumb);
    assert.equal((await owner.request(now.thumb)).status, 200);
  });
});

describe('findImage', () => {
  test('reads every column of the row but the search vector and sort key, with the owner and the created_at text', async () => {
    const row = (await findImage(t.sql, pub.id))!;
    const columns = await t.sql<{ name: string }[]>`
      select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = 'images'`;
    const expected = [...columns.map((c) => c.name).filter((c) => c !== 'search' && c !== 'taken_sort'), 'ts', 'username'];
    assert.deepEqual(Object.keys(row).sort(), expected.sort());
    assert.equal(row.username, 'owner');
  });
});
