// Attack: reaching the admins' reports without being one, flooding them, and reaching what a
// moderator hid (its pages, its bytes, old cached URLs of it, cached pages that listed it).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import yauzl from 'yauzl';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { variantUrl } from '../images/urls.ts';
import { REPORTS_PER_HOUR } from '../moderation/report-routes.tsx';

let t: TestApp;
let admin: TestClient;
let alice: TestClient;
let bob: TestClient;
const visitor = () => new TestClient(t);

type Row = { id: string; epoch: number; thumb_hash: string; thumb2x_hash: string; display_hash: string };
const rowOf = async (id: string) => (await t.sql<Row[]>`
  select id, epoch, thumb_hash, thumb2x_hash, display_hash from images where id = ${id}`)[0]!;
async function upload(who: TestClient, name: string, visibility = 'public') {
  assert.equal((await who.upload([{ name, data: await jpeg(40 + name.length, 30) }], visibility)).status, 200);
  const [{ id }] = await t.sql<{ id: string }[]>`select id from images where filename = ${name}`;
  return rowOf(id!);
}
const post = (who: TestClient, path: string, fields: Record<string, string> = {}, headers: Record<string, string> = {}) =>
  who.postForm(path, fields, headers);
async function newAlbum(who: TestClient, fields: Record<string, string>) {
  return (await post(who, '/albums', fields)).headers.get('location')!.split('/')[2]!;
}
/** Everything moderation may change: no attack may change any of it. */
const snapshot = async () => JSON.stringify([
  await t.sql`select id, visibility, hidden_at, hidden_reason, deleted_at, epoch from images order by id`,
  await t.sql`select id, visibility, hidden_at, hidden_reason from albums order by id`,
  await t.sql`select * from reports order by id`, await t.sql`select * from audit_log order by id`,
]);
async function zipNames(res: Response) {
  const zip = Buffer.from(await res.arrayBuffer());
  return new Promise<string[]>((ok, fail) => yauzl.fromBuffer(zip, (e, z) => {
    if (e) return fail(e);
    const found: string[] = [];
    z!.on('entry', (entry: yauzl.Entry) => found.push(entry.fileName)).on('end', () => ok(found)).on('error', fail);
  }));
}

before(async () => {
  t = await startTestApp();
  admin = await newUser(t, 'root');
  alice = await newUser(t, 'alice');
  bob = await newUser(t, 'bob');
});
after(() => t.close());

describe('attacks on moderation', () => {
  test('a visitor and a non-admin get 404 from every /admin/reports URL and action, as from a missing URL, and change nothing', async () => {
    const img = await upload(alice, 'probe.jpg');
    const album = await newAlbum(alice, { title: 'Probe', visibility: 'public' });
    await post(bob, `/images/${img.id}/report`, { reason: 'spam' });
    await post(bob, `/albums/${album}/report`, { reason: 'spam' });
    await t.sql`update images set hidden_at = now(), hidden_reason = 'x' where id = ${(await upload(alice, 'hidden-probe.jpg')).id}`;
    const before = await snapshot();
    for (const who of [visitor(), bob, alice]) {
      who.cookies.delete('flash');
      const missing = await (await who.request('/admin/no-such-page')).text();
      for (const path of ['/admin/reports', '/admin/reports?show=hidden', `/admin/reports/thumbs/${img.id}`]) {
        const res = await who.request(path);
        assert.equal(res.status, 404, path);
        assert.equal(await res.text(), missing, path);
      }
      for (const [kind, id] of [['images', img.id], ['albums', album]]) {
        for (const action of ['hide', 'unhide', 'delete', 'dismiss']) {
          for (const fields of [{ reason: 'pwned' }, { purge: '1' }] as Record<string, string>[]) {
            const res = await post(who, `/admin/reports/${kind}/${id}/${action}`, fields);
            assert.equal(res.status, 404, `${kind} ${action}`);
          }
          assert.equal((await post(who, `/admin/reports/${kind}/${id}/${action}`, {}, { 'HX-Request': 'true' })).status, 404);
        }
      }
    }
    assert.equal(await snapshot(), before);
  });

  test('every state change refuses a foreign Origin (CSRF), the admin\'s too, and changes nothing', async () => {
    const img = await upload(alice, 'csrf.jpg');
    await post(bob, `/images/${img.id}/report`, { reason: 'spam' });
    const before = await snapshot();
    const evil = { Origin: 'https://evil.example' };
    assert.equal((await post(bob, `/images/${img.id}/report`, { reason: 'other', details: 'csrf' }, evil)).status, 403);
    for (const action of ['hide', 'unhide', 'delete', 'dismiss']) {
      assert.equal((await post(admin, `/admin/reports/images/${img.id}/${action}`, { reason: 'csrf', purge: '1' }, evil)).status, 403, action);
    }
    assert.equal(await snapshot(), before);
  });

  test('reports are throttled per person: past the limit a 429 with Retry-After, and nothing filed', async () => {
    const spammer = await newUser(t, 'spammer');
    const targets = await Promise.all([0, 1, 2].map((i) => upload(alice, `flood-${i}.jpg`)));
    for (let i = 0; i < REPORTS_PER_HOUR; i += 1) {
      const res = await post(spammer, `/images/${targets[i % 2]!.id}/report`, { reason: 'spam' });
      assert.equal(res.status, 303, `report ${i + 1}`);
    }
    const refused = await post(spammer, `/images/${targets[2]!.id}/report`, { reason: 'spam' });
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    // Probing ids that do not exist counts too, and tells nothing more.
    assert.equal((await post(spammer, '/images/nope/report', { reason: 'spam' })).status, 429);
    const filed = await t.sql`select count(*)::int as n from reports r join users u on u.id = r.reporter_id where u.username = 'spammer'`;
    assert.equal(filed[0]!.n, 2, 'one open report per image');
    assert.equal((await post(bob, `/images/${targets[2]!.id}/report`, { reason: 'spam' })).status, 303, 'others are not slowed down');
  });

  test('nobody reports through an album an image it does not show, nor a hidden image', async () => {
    const secret = await upload(alice, 'album-secret.jpg', 'private');
    const bobsAlbum = await newAlbum(bob, { title: 'Bob public', visibility: 'public' });
    for (const who of [bob, await newUser(t, 'mallory')]) {
      assert.equal((await post(who, `/images/${secret.id}/report?album=${bobsAlbum}`, { reason: 'spam' })).status, 404);
    }
    const hidden = await upload(alice, 'already-hidden.jpg');
    await t.sql`update images set hidden_at = now(), hidden_reason = 'x' where id = ${hidden.id}`;
    assert.equal((await post(bob, `/images/${hidden.id}/report`, { reason: 'spam' })).status, 404);
    assert.equal((await t.sql`select count(*)::int as n from reports where image_id in ${t.sql([secret.id, hidden.id])}`)[0]!.n, 0);
  });

  test('a hidden image: no byte of it for a visitor or another user, not even at the public URL shared caches hold', async () => {
    const img = await upload(alice, 'cached.jpg');
    const album = await newAlbum(alice, { title: 'Shows it', visibility: 'public' });
    await post(alice, `/albums/${album}/images`, { ids: img.id, confirm: '1' });
    const old = ['thumb', 'thumb2x', 'display'].map((v) => variantUrl(img, v as 'thumb'));
    // Before: public, and cacheable for a year by anyone.
    const cached = await visitor().request(old[0]!);
    assert.equal(cached.status, 200);
    assert.match(cached.headers.get('cache-control')!, /^public, max-age=31536000, s-maxage=300, immutable/);
    assert.deepEqual(await zipNames(await visitor().request(`/albums/${album}/download`)), ['cached.jpg']);

    await post(bob, `/images/${img.id}/report`, { reason: 'illegal' });
    assert.equal((await post(admin, `/admin/reports/images/${img.id}/hide`, { reason: 'Illegal content' })).status, 303);
    const now = await rowOf(img.id);
    const paths = [
      ...old, ...['thumb', 'thumb2x', 'display'].map((v) => variantUrl(now, v as 'thumb')),
      ...['thumb', 'display'].map((v) => variantUrl(now, v as 'thumb', { album })),
      `/images/${img.id}`, `/images/${img.id}/original`, `/images/${img.id}/original?download=1`, `/images/${img.id}/display.webp`,
      `/albums/${album}/images/${img.id}`, `/albums/${album}/images/${img.id}/original`, `/albums/${album}/images/${img.id}/display.webp`,
    ];
    for (const who of [visitor(), bob]) {
      for (const path of paths) assert.equal((await who.request(path)).status, 404, path);
      assert.deepEqual(await zipNames(await who.request(`/albums/${album}/download`)), []);
      // Nor does the admins' thumbnail route serve it to them.
      assert.equal((await who.request(`/admin/reports/thumbs/${img.id}`)).status, 404);
    }
    assert.equal((await admin.request(`/admin/reports/thumbs/${img.id}`)).status, 200, 'the admins see what they hid');
    // Its owner still sees every byte, but never as something a shared cache may keep: the next
    // URL is easy to guess (same hash, the epoch one on), and a CDN that ignores Vary: Cookie
    // would hand the owner's copy to anyone.
    for (const path of [...['thumb', 'thumb2x', 'display'].map((v) => variantUrl(now, v as 'thumb')), `/images/${img.id}/display.webp`, `/images/${img.id}/original`]) {
      const res = await alice.request(path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('cache-control')!, /^private/, path);
    }
  });

  test('page cache: the gallery and profile rendered before a hide do not show the image after it', async () => {
    const img = await upload(alice, 'cached-page.jpg');
    for (const path of ['/gallery', '/u/alice', '/gallery.atom']) {
      assert.match(await (await visitor().request(path)).text(), new RegExp(img.id), path);
      assert.match(await (await visitor().request(path)).text(), new RegExp(img.id), `${path} again, from the cache`);
    }
    await post(admin, `/admin/reports/images/${img.id}/hide`, { reason: 'Spam' });
    for (const path of ['/gallery', '/u/alice', '/gallery.atom']) {
      assert.doesNotMatch(await (await visitor().request(path)).text(), new RegExp(img.id), path);
    }
    await post(admin, `/admin/reports/images/${img.id}/unhide`);
    assert.match(await (await visitor().request('/gallery')).text(), new RegExp(img.id), 'and back after unhide');
  });

  test('markup in a report or a hide reason is shown as text, to the admins and to the owner', async () => {
    const img = await upload(alice, 'markup.jpg');
    await post(bob, `/images/${img.id}/report`, { reason: 'other', details: '<script>alert(1)</script>' });
    const html = await (await admin.request('/admin/reports')).text();
    assert.doesNotMatch(html, /<script>alert/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    await post(admin, `/admin/reports/images/${img.id}/hide`, { reason: '<img src=x onerror=alert(2)>' });
    const own = await (await alice.request(`/images/${img.id}`)).text();
    assert.doesNotMatch(own, /<img src=x/);
    assert.match(own, /Hidden by a moderator: &lt;img src=x/);
  });
});
