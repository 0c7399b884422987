// Reporting images and albums, and what admins do about reports (issue 17, "Moderation").
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, ORIGIN, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { variantUrl } from '../images/urls.ts';

let t: TestApp;
let admin: TestClient;
let alice: TestClient; // owns what is reported
let bob: TestClient; // reports
let carol: TestClient; // another signed-in user
const visitor = () => new TestClient(t);

type Row = { id: string; epoch: number; thumb_hash: string; thumb2x_hash: string; display_hash: string; visibility: string };
const rowOf = async (id: string) => (await t.sql<Row[]>`
  select id, epoch, thumb_hash, thumb2x_hash, display_hash, visibility from images where id = ${id}`)[0]!;

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
const openReports = async (column: 'image_id' | 'album_id', id: string) =>
  (await t.sql`select count(*)::int as n from reports where ${t.sql(column)} = ${id} and resolved_at is null`)[0]!.n as number;
/** The page a redirect leads to, with the flash it set. */
async function follow(who: TestClient, res: Response) {
  assert.equal(res.status, 303);
  return (await who.request(res.headers.get('location')!)).text();
}
const publicVersion = async () => (await t.sql`select n::text from public_version`)[0]!.n as string;

before(async () => {
  t = await startTestApp();
  // The first account of an instance runs it.
  admin = await newUser(t, 'root');
  alice = await newUser(t, 'alice');
  bob = await newUser(t, 'bob');
  carol = await newUser(t, 'carol');
});
after(() => t.close());

describe('reporting', () => {
  test('POST /images/:id/report files one report and thanks; a second while it is open files nothing and says so', async () => {
    const img = await upload(alice, 'report-me.jpg');
    const page = await follow(bob, await post(bob, `/images/${img.id}/report`, { reason: 'spam', details: 'Ads everywhere' }));
    assert.match(page, /Thanks, the report was sent to the admins/);
    const [row] = await t.sql`select reason, details, reporter_id = (select id from users where username = 'bob') as mine from reports where image_id = ${img.id}`;
    assert.deepEqual({ ...row }, { reason: 'spam', details: 'Ads everywhere', mine: true });

    const again = await follow(bob, await post(bob, `/images/${img.id}/report`, { reason: 'violence' }));
    assert.match(again, /already reported this image/);
    assert.equal(await openReports('image_id', img.id), 1);
    // htmx: the answer replaces the form.
    const fragment = await post(carol, `/images/${img.id}/report`, { reason: 'spam' }, { 'HX-Request': 'true' });
    assert.equal(fragment.status, 200);
    assert.match(await fragment.text(), /^<p class="report-sent" role="status">Thanks/);
    assert.equal(await openReports('image_id', img.id), 2);
  });

  test('only someone who may see it and is not its owner may report it; anyone else gets a 404', async () => {
    const own = await upload(alice, 'own.jpg');
    const secret = await upload(alice, 'secret.jpg', 'private');
    assert.equal((await post(alice, `/images/${own.id}/report`, { reason: 'spam' })).status, 404);
    assert.equal((await post(bob, `/images/${secret.id}/report`, { reason: 'spam' })).status, 404);
    assert.equal((await post(bob, '/images/no-such-image/report', { reason: 'spam' })).status, 404);
    assert.equal(await openReports('image_id', secret.id) + await openReports('image_id', own.id), 0);
    // Signed out: log in first, then back to the page.
    const res = await post(visitor(), `/images/${own.id}/report`, { reason: 'spam' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `/login?next=${encodeURIComponent(`/images/${own.id}`)}`);
  });

  test('an unlisted image is reported with its share link; "Something else" needs details', async () => {
    const img = await upload(alice, 'unlisted.jpg', 'private');
    await post(alice, `/images/${img.id}/visibility`, { visibility: 'unlisted', expires: 'never' });
    const [{ share_token: token }] = await t.sql`select share_token from images where id = ${img.id}`;
    assert.equal((await post(bob, `/images/${img.id}/report`, { reason: 'other', details: 'x' })).status, 404, 'no token');
    const refused = await post(bob, `/images/${img.id}/report?share=${token}`, { reason: 'other', details: '  ' });
    assert.equal(refused.status, 422);
    assert.match(await refused.text(), /Say what is wrong with it/);
    const long = await post(bob, `/images/${img.id}/report?share=${token}`, { reason: 'spam', details: 'x'.repeat(1001) });
    assert.equal(long.status, 422);
    const bad = await post(bob, `/images/${img.id}/report?share=${token}`, { reason: 'boring' });
    assert.equal(bad.status, 422);
    const ok = await post(bob, `/images/${img.id}/report?share=${token}`, { reason: 'other', details: 'Someone else\'s photo' });
    assert.equal(ok.headers.get('location'), `/images/${img.id}?share=${token}`);
    assert.equal(await openReports('image_id', img.id), 1);
  });

  test('POST /albums/:id/report: a public album may be reported, a private one is a 404', async () => {
    const pub = await newAlbum(alice, { title: 'Holiday', visibility: 'public' });
    const priv = await newAlbum(alice, { title: 'Diary', visibility: 'private' });
    const page = await follow(bob, await post(bob, `/albums/${pub}/report`, { reason: 'harassment' }));
    assert.match(page, /Thanks, the report was sent to the admins/);
    assert.equal(await openReports('album_id', pub), 1);
    assert.equal((await post(bob, `/albums/${priv}/report`, { reason: 'spam' })).status, 404);
    assert.equal((await post(alice, `/albums/${pub}/report`, { reason: 'spam' })).status, 404, 'not its owner');
    assert.equal(await openReports('album_id', priv), 0);
  });

  test('the image and album pages offer a Report form to others, not to their owner', async () => {
    const img = await upload(alice, 'page-form.jpg');
    const album = await newAlbum(alice, { title: 'Forms', visibility: 'public' });
    const bobs = await (await bob.request(`/images/${img.id}`)).text();
    assert.match(bobs, new RegExp(`<details class="report"><summary>.*Report</summary><form method="post" action="/images/${img.id}/report"`));
    assert.match(bobs, /<option value="sexual">Nudity or sexual content<\/option>/);
    assert.doesNotMatch(await (await alice.request(`/images/${img.id}`)).text(), /class="report"/);
    assert.match(await (await bob.request(`/albums/${album}`)).text(), new RegExp(`action="/albums/${album}/report"`));
    assert.doesNotMatch(await (await alice.request(`/albums/${album}`)).text(), /class="report"/);
    assert.doesNotMatch(await (await visitor().request(`/albums/${album}`)).text(), /class="report"/, 'signed out: no form');
  });
});

describe('admins act on reports', () => {
  test('GET /admin/reports groups open reports per item: thumbnail, owner, reasons with counts, latest details', async () => {
    const img = await upload(alice, 'grouped.jpg');
    await post(bob, `/images/${img.id}/report`, { reason: 'violence', details: 'first' });
    await post(carol, `/images/${img.id}/report`, { reason: 'violence', details: 'Gore <b>here</b>' });
    await post(admin, `/images/${img.id}/report`, { reason: 'spam' });
    const res = await admin.request('/admin/reports');
    assert.equal(res.status, 200);
    const html = await res.text();
    const item = html.slice(html.indexOf(`id="image-${img.id}"`));
    assert.match(item, new RegExp(`src="/admin/reports/thumbs/${img.id}"`));
    assert.match(item, /href="\/admin\/users\/alice"/);
    assert.match(item, /<strong>3 reports<\/strong>/);
    assert.match(item, /Spam × 1/);
    assert.match(item, /Violence or gore × 2/);
    assert.match(item, /Gore &lt;b&gt;here&lt;\/b&gt;/, 'the latest details, as text');
    assert.match(item, /name="reason" type="text" maxlength="200" required="" value="Violence or gore"/, 'the most reported reason, suggested');
    const thumb = await admin.request(`/admin/reports/thumbs/${img.id}`);
    assert.equal(thumb.status, 200);
    assert.equal(thumb.headers.get('content-type'), 'image/webp');
  });

  test('hide: gone for everyone but its owner, who is told why and cannot share it; unhide brings it back unchanged', async () => {
    const img = await upload(alice, 'to-hide.jpg');
    const album = await newAlbum(alice, { title: 'Has it', visibility: 'public' });
    await post(alice, `/albums/${album}/images`, { ids: img.id, confirm: '1' });
    await post(bob, `/images/${img.id}/report`, { reason: 'sexual' });
    const version = await publicVersion();
    const done = await follow(admin, await post(admin, `/admin/reports/images/${img.id}/hide`, { reason: 'Nudity or sexual content' }));
    assert.match(done, /Hid the image/);
    assert.doesNotMatch(done, new RegExp(`id="image-${img.id}"`), 'no longer among the open reports');
    assert.notEqual(await publicVersion(), version);
    assert.deepEqual((await t.sql`select resolution from reports where image_id = ${img.id}`).map((r) => r.resolution), ['hidden']);
    const [log] = await t.sql`select actor, action, target, detail from audit_log where action = 'image.hide' order by id desc limit 1`;
    assert.deepEqual({ ...log }, { actor: 'root', action: 'image.hide', target: `image ${img.id} of alice`, detail: 'Nudity or sexual content' });

    const now = await rowOf(img.id);
    assert.equal(now.epoch, img.epoch + 1, 'its derivative URLs moved on');
    for (const who of [visitor(), bob, carol, admin]) {
      for (const path of [`/images/${img.id}`, `/images/${img.id}/original`, `/images/${img.id}/original?download=1`, `/images/${img.id}/display.webp`,
        variantUrl(now, 'thumb'), variantUrl(now, 'display'), variantUrl(img, 'display'), `/albums/${album}/images/${img.id}`,
        variantUrl(now, 'thumb', { album })]) {
        assert.equal((await who.request(path)).status, 404, path);
      }
      for (const path of ['/gallery', '/u/alice', '/gallery?q=hide', `/albums/${album}`, '/gallery.atom', '/u/alice.atom']) {
        assert.doesNotMatch(await (await who.request(path)).text(), new RegExp(img.id), path);
      }
      assert.equal((await who.request(`/oembed?url=${encodeURIComponent(`${ORIGIN}/images/${img.id}`)}&format=json`)).status, 404);
    }
    // Its owner: still there, with the notice; not public, nor unlisted, while hidden.
    const own = await alice.request(`/images/${img.id}`);
    assert.equal(own.status, 200);
    assert.match(await own.text(), /Hidden by a moderator: Nudity or sexual content/);
    assert.equal((await alice.request(variantUrl(now, 'display'))).status, 200);
    for (const visibility of ['public', 'unlisted']) {
      const refused = await post(alice, `/images/${img.id}/visibility`, { visibility, expires: 'never' });
      assert.equal(refused.status, 422, visibility);
      assert.match(await refused.text(), /Hidden by a moderator: Nudity or sexual content\. It cannot be made public or unlisted/);
    }
    assert.equal((await rowOf(img.id)).visibility, 'public', 'the owner\'s choice is kept');
    // The hidden tab lists it; unhide from there.
    assert.match(await (await admin.request('/admin/reports?show=hidden')).text(), new RegExp(`/admin/reports/images/${img.id}/unhide`));
    const back = await post(admin, `/admin/reports/images/${img.id}/unhide`, { show: 'hidden' });
    assert.equal(back.headers.get('location'), '/admin/reports?show=hidden');
    assert.equal((await visitor().request(`/images/${img.id}`)).status, 200);
    assert.match(await (await visitor().request('/gallery')).text(), new RegExp(img.id));
    const [after] = await t.sql`select visibility, hidden_at, hidden_reason from images where id = ${img.id}`;
    assert.deepEqual({ ...after }, { visibility: 'public', hidden_at: null, hidden_reason: '' });
    assert.equal((await t.sql`select count(*)::int as n from audit_log where action = 'image.unhide'`)[0]!.n, 1);
  });

  test('a hidden image may be made private; the dashboard\'s "public" leaves it out and says so', async () => {
    const img = await upload(alice, 'bulk-hidden.jpg', 'private');
    const other = await upload(alice, 'bulk-fine.jpg', 'private');
    await t.sql`update images set hidden_at = now(), hidden_reason = 'Spam' where id = ${img.id}`;
    const page = await follow(alice, await post(alice, '/images/bulk', { ids: img.id, action: 'public', sort: 'newest' }));
    assert.match(page, /Made 0 images public\. 1 image is hidden by a moderator/);
    const res = await alice.request('/images/bulk', { method: 'POST', body: new URLSearchParams([['ids', img.id], ['ids', other.id], ['action', 'public']]) });
    assert.match(await follow(alice, res), /Made 1 image public\. 1 image is hidden/);
    assert.equal((await rowOf(img.id)).visibility, 'private');
    assert.equal((await rowOf(other.id)).visibility, 'public');
    assert.equal((await post(alice, `/images/${img.id}/visibility`, { visibility: 'private' })).status, 303);
  });

  test('delete moves the image to its owner\'s trash; with purge=1 it is gone at once, objects too', async () => {
    const trashed = await upload(alice, 'to-trash.jpg');
    const purged = await upload(alice, 'to-purge.jpg');
    for (const img of [trashed, purged]) await post(bob, `/images/${img.id}/report`, { reason: 'illegal' });
    await follow(admin, await post(admin, `/admin/reports/images/${trashed.id}/delete`));
    const [row] = await t.sql`select deleted_at is not null as trashed from images where id = ${trashed.id}`;
    assert.equal(row!.trashed, true);
    assert.equal((await t.sql`select resolution from reports where image_id = ${trashed.id}`)[0]!.resolution, 'deleted');
    assert.match(await (await alice.request('/trash')).text(), new RegExp(trashed.id));
    // Its owner may restore it, but it comes back hidden, not public.
    assert.equal((await post(alice, '/trash/restore', { ids: trashed.id })).status, 303);
    assert.equal((await visitor().request(`/images/${trashed.id}`)).status, 404);
    assert.match(await (await alice.request(`/images/${trashed.id}`)).text(), /Hidden by a moderator: Deleted by a moderator/);

    const objects = async () => {
      let n = 0;
      for await (const _ of t.storage.list(`images/${purged.id}/`)) n += 1;
      return n;
    };
    assert.ok(await objects() > 0);
    const fragment = await post(admin, `/admin/reports/images/${purged.id}/delete`, { purge: '1' }, { 'HX-Request': 'true' });
    assert.match(await fragment.text(), /Deleted the image for good/);
    assert.equal((await t.sql`select count(*)::int as n from images where id = ${purged.id}`)[0]!.n, 0);
    assert.equal(await objects(), 0);
    const actions = (await t.sql`select action, detail from audit_log where target like ${'%' + purged.id + '%'} or target like ${'%' + trashed.id + '%'} order by id`);
    assert.deepEqual(actions.map((a) => `${a.action}: ${a.detail}`), ['image.delete: moved to its owner\'s trash', 'image.purge: deleted for good']);
    assert.equal((await post(admin, `/admin/reports/images/${purged.id}/hide`, { reason: 'x' })).status, 404, 'gone');
  });

  test('dismiss closes the reports and nothing else', async () => {
    const img = await upload(alice, 'fine.jpg');
    await post(bob, `/images/${img.id}/report`, { reason: 'copyright' });
    await follow(admin, await post(admin, `/admin/reports/images/${img.id}/dismiss`));
    assert.equal((await t.sql`select resolution from reports where image_id = ${img.id}`)[0]!.resolution, 'dismissed');
    assert.equal((await visitor().request(`/images/${img.id}`)).status, 200);
    assert.equal((await t.sql`select count(*)::int as n from audit_log where action = 'image.dismiss' and target like ${'%' + img.id + '%'}`)[0]!.n, 1);
    // Nor may the admin still fetch its thumbnail: only what is reported or hidden now.
    assert.equal((await admin.request(`/admin/reports/thumbs/${img.id}`)).status, 404);
    // Closed, so the same person may report it again.
    await post(bob, `/images/${img.id}/report`, { reason: 'copyright' });
    assert.equal(await openReports('image_id', img.id), 1);
    assert.equal((await admin.request(`/admin/reports/thumbs/${img.id}`)).status, 200);
  });

  test('with TRASH_DAYS=0 a delete is for good, as its owner\'s own deletes are', async () => {
    const noTrash = await startTestApp({ TRASH_DAYS: '0' });
    try {
      const [root, owner, reporter] = [await newUser(noTrash, 'root'), await newUser(noTrash, 'owner'), await newUser(noTrash, 'reporter')];
      assert.equal((await owner.upload([{ name: 'gone.jpg', data: await jpeg(50, 30) }], 'public')).status, 200);
      const [{ id }] = await noTrash.sql<{ id: string }[]>`select id from images`;
      await reporter.postForm(`/images/${id}/report`, { reason: 'spam' });
      const res = await root.postForm(`/admin/reports/images/${id}/delete`, {});
      assert.equal(res.status, 303);
      assert.match(await (await root.request(res.headers.get('location')!)).text(), /Deleted the image for good/);
      assert.equal((await noTrash.sql`select 1 from images where id = ${id!}`).length, 0);
    } finally {
      await noTrash.close();
    }
  });

  test('albums: hide (owner told, cannot share it), unhide, delete (the album, not its images)', async () => {
    const img = await upload(alice, 'in-album.jpg');
    const album = await newAlbum(alice, { title: 'Reported album', visibility: 'public' });
    await post(alice, `/albums/${album}/images`, { ids: img.id, confirm: '1' });
    await post(bob, `/albums/${album}/report`, { reason: 'harassment', details: 'Mean captions' });
    assert.match(await (await admin.request('/admin/reports')).text(), new RegExp(`src="/admin/reports/thumbs/${img.id}"`), 'its cover');
    await follow(admin, await post(admin, `/admin/reports/albums/${album}/hide`, { reason: 'Harassment or hate' }));
    assert.equal((await visitor().request(`/albums/${album}`)).status, 404);
    assert.equal((await bob.request(`/albums/${album}`)).status, 404);
    assert.doesNotMatch(await (await visitor().request('/albums/public')).text(), new RegExp(album));
    assert.match(await (await alice.request(`/albums/${album}`)).text(), /Hidden by a moderator: Harassment or hate/);
    const refused = await post(alice, `/albums/${album}`, { title: 'Reported album', visibility: 'unlisted' });
    assert.equal(refused.status, 422);
    assert.match(await refused.text(), /cannot be made public or unlisted/);
    assert.equal((await post(alice, `/albums/${album}`, { title: 'Renamed', visibility: 'public' })).status, 303, 'other edits still save');
    await follow(admin, await post(admin, `/admin/reports/albums/${album}/unhide`));
    assert.equal((await visitor().request(`/albums/${album}`)).status, 200);
    await post(bob, `/albums/${album}/report`, { reason: 'spam' });
    await follow(admin, await post(admin, `/admin/reports/albums/${album}/delete`));
    assert.equal((await t.sql`select count(*)::int as n from albums where id = ${album}`)[0]!.n, 0);
    assert.equal((await visitor().request(`/images/${img.id}`)).status, 200, 'its image stays');
    const actions = await t.sql`select action from audit_log where target like ${'album ' + album + '%'} order by id`;
    assert.deepEqual(actions.map((a) => a.action), ['album.hide', 'album.unhide', 'album.delete']);
  });

  test('hide needs a reason its owner will read', async () => {
    const img = await upload(alice, 'no-reason.jpg');
    assert.equal((await post(admin, `/admin/reports/images/${img.id}/hide`, { reason: ' ' })).status, 422);
    assert.equal((await t.sql`select hidden_at from images where id = ${img.id}`)[0]!.hidden_at, null);
  });
});
