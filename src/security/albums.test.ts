// Attack: reaching or changing another person's albums, or their images through an album.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import yauzl from 'yauzl';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { variantUrl } from '../images/urls.ts';

let t: TestApp;
let alice: TestClient;
let bob: TestClient;
type Row = { id: string; epoch: number; thumb_hash: string; thumb2x_hash: string; display_hash: string };
let secret: Row; // alice's private image, in her unlisted album
let bobsImage: Row;
let album: string; // alice's, unlisted
let token: string;
let bobsAlbum: string; // public

const form = (fields: Record<string, string | string[]>) => {
  const f = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) f.append(k, x);
  return f;
};
const post = (who: TestClient, path: string, fields: Record<string, string | string[]> = {}, headers: Record<string, string> = {}) =>
  who.request(path, { method: 'POST', body: form(fields), headers });

async function uploadOne(who: TestClient, name: string) {
  assert.equal((await who.upload([{ name, data: await jpeg(50 + name.length, 40) }], 'private')).status, 200);
  const [row] = await t.sql<Row[]>`select id, epoch, thumb_hash, thumb2x_hash, display_hash from images where filename = ${name}`;
  return row!;
}
async function newAlbum(who: TestClient, fields: Record<string, string>) {
  return (await post(who, '/albums', fields)).headers.get('location')!.split('/')[2]!;
}
/** Albums and memberships as they are now: nothing an attack does may change them. */
const snapshot = async () => JSON.stringify([
  await t.sql`select * from albums order by id`, await t.sql`select * from album_images order by album_id, image_id`,
]);

before(async () => {
  t = await startTestApp();
  alice = await newUser(t, 'alice');
  bob = await newUser(t, 'bob');
  secret = await uploadOne(alice, 'secret.jpg');
  bobsImage = await uploadOne(bob, 'bobs.jpg');
  album = await newAlbum(alice, { title: 'Private trip', visibility: 'unlisted' });
  await post(alice, `/albums/${album}/images`, { ids: secret.id, confirm: '1' });
  token = (await t.sql`select share_token from albums where id = ${album}`)[0]!.share_token;
  bobsAlbum = await newAlbum(bob, { title: 'Bob public', visibility: 'public' });
});
after(() => t.close());

describe('attacks on albums', () => {
  test('every state change of an album refuses a foreign Origin (CSRF) and changes nothing', async () => {
    const before = await snapshot();
    for (const [path, fields] of [
      ['/albums', { title: 'csrf' }], [`/albums/${album}`, { title: 'pwned' }], [`/albums/${album}/order`, { ids: secret.id }],
      [`/albums/${album}/images`, { ids: secret.id }], [`/albums/${album}/images/remove`, { ids: secret.id }],
      [`/albums/${album}/delete`, {}], [`/albums/${album}/share/revoke`, {}], ['/albums/add', { album, ids: secret.id }],
    ] as const) {
      assert.equal((await post(alice, path, fields, { Origin: 'https://evil.example' })).status, 403, path);
    }
    assert.equal(await snapshot(), before);
  });

  test('another user can change nothing of an album: every route answers as if it did not exist', async () => {
    const before = await snapshot();
    for (const [path, fields] of [
      [`/albums/${album}`, { title: 'pwned', visibility: 'public' }], [`/albums/${album}/order`, { ids: secret.id }],
      [`/albums/${album}/order`, { move: secret.id, direction: 'up' }], [`/albums/${album}/images`, { ids: bobsImage.id, confirm: '1' }],
      [`/albums/${album}/images/remove`, { ids: secret.id }], [`/albums/${album}/delete`, {}], [`/albums/${album}/share/revoke`, {}],
      ['/albums/add', { album, ids: bobsImage.id, confirm: '1' }], [`/albums/${album}`, { cover: bobsImage.id }],
    ] as const) {
      assert.equal((await post(bob, path, fields)).status, 404, path);
    }
    // Through the dashboard's bulk bar and the upload form too.
    assert.equal((await post(bob, '/images/bulk', { ids: bobsImage.id, action: 'album', album, confirm: '1' })).status, 404);
    const upload = new FormData();
    upload.set('visibility', 'private');
    upload.set('album', album);
    upload.append('images', new Blob([await jpeg(33, 22)], { type: 'image/jpeg' }), 'sneaky.jpg');
    assert.equal((await bob.request('/upload', { method: 'POST', body: upload })).status, 200, 'the upload itself is fine');
    assert.equal(await snapshot(), before, 'but nothing joined alice\'s album');
    // Signed out: nothing either.
    assert.equal((await post(new TestClient(t), `/albums/${album}/delete`)).status, 401);
  });

  test('nobody puts another person\'s image in their own album, to reach it through that album', async () => {
    for (const path of [`/albums/${bobsAlbum}/images`, '/albums/add']) {
      await post(bob, path, { album: bobsAlbum, ids: secret.id, confirm: '1' });
    }
    await post(bob, '/images/bulk', { ids: secret.id, action: 'album', album: bobsAlbum, confirm: '1' });
    assert.equal((await t.sql`select count(*)::int as n from album_images where album_id = ${bobsAlbum}`)[0]!.n, 0);
    // Nor reaches it through an album it is not in, with or without the other album's link.
    for (const v of ['thumb', 'display'] as const) {
      for (const path of [variantUrl(secret, v, { album: bobsAlbum }), `/albums/${bobsAlbum}/images/${secret.id}/original`, `/albums/${bobsAlbum}/images/${secret.id}`]) {
        assert.equal((await bob.request(path)).status, 404, path);
        assert.equal((await bob.request(`${path}${path.includes('?') ? '&' : '?'}share=${token}`)).status, 404, path);
      }
    }
  });

  test('a share token opens only its own album, and never the image outside it', async () => {
    const other = await newAlbum(alice, { title: 'Another', visibility: 'unlisted' });
    assert.equal((await bob.request(`/albums/${other}?share=${token}`)).status, 404);
    assert.equal((await bob.request(`/images/${secret.id}?share=${token}`)).status, 404);
    assert.equal((await bob.request(`/images/${secret.id}/original?share=${token}`)).status, 404);
    assert.equal((await bob.request(`/albums/${album}?share=${token}`)).status, 200);
    // A link holder is not the owner: no original bytes, no owner controls.
    const page = await (await bob.request(`/albums/${album}?share=${token}`)).text();
    assert.doesNotMatch(page, /Album settings|Remove .* from the album/);
  });

  test('a title or description with markup is shown as text; a forged page cursor is a 400', async () => {
    const id = await newAlbum(alice, { title: '<script>alert(1)</script>', description: '<img src=x onerror=alert(2)>', visibility: 'public' });
    const html = await (await new TestClient(t).request(`/albums/${id}`)).text();
    assert.doesNotMatch(html, /<script>alert|<img src=x/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.equal((await alice.request(`/albums/${id}?cursor=${Buffer.from('2024-13-45 99:99:99+00|x').toString('base64url')}`)).status, 400);
    assert.equal((await alice.request(`/albums/${id}?cursor=${Buffer.from("1|x' or 1=1").toString('base64url')}`)).status, 400);
  });

  test('file names cannot climb out of the zip\'s folder', async () => {
    const sneaky = await uploadOne(alice, 'climb.jpg');
    await t.sql`update images set filename = ${'../../etc/evil.jpg'} where id = ${sneaky.id}`;
    const id = await newAlbum(alice, { title: 'Zip slip' });
    await post(alice, `/albums/${id}/images`, { ids: sneaky.id });
    const zip = Buffer.from(await (await alice.request(`/albums/${id}/download`)).arrayBuffer());
    const names = await new Promise<string[]>((ok, fail) => yauzl.fromBuffer(zip, (e, z) => {
      if (e) return fail(e);
      const found: string[] = [];
      z!.on('entry', (entry: yauzl.Entry) => found.push(entry.fileName)).on('end', () => ok(found)).on('error', fail);
    }));
    assert.deepEqual(names, ['.._.._etc_evil.jpg']);
  });
});
