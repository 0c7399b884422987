import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import yauzl from 'yauzl';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { objectKeys } from '../images/keys.ts';
import { variantUrl } from '../images/urls.ts';

let t: TestApp;
let owner: TestClient;
let other: TestClient;
const visitor = () => new TestClient(t);

before(async () => {
  t = await startTestApp();
  owner = await newUser(t, 'collector');
  other = await newUser(t, 'stranger');
});
after(() => t.close());

type Row = { id: string; epoch: number; thumb_hash: string; thumb2x_hash: string; display_hash: string; format: 'jpeg' };

async function byName(names: string[]) {
  const rows = await t.sql<(Row & { filename: string })[]>`
    select id, epoch, thumb_hash, thumb2x_hash, display_hash, format, filename from images where filename in ${t.sql(names)}`;
  return names.map((n) => rows.find((r) => r.filename === n)!);
}

async function createAlbum(who: TestClient, fields: Record<string, string>) {
  const res = await who.postForm('/albums', fields);
  assert.equal(res.status, 303, await res.text());
  return res.headers.get('location')!.split('/')[2]!;
}
const form = (fields: Record<string, string | string[]>) => {
  const f = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) f.append(k, x);
  return f;
};
const post = (who: TestClient, path: string, fields: Record<string, string | string[]>) => who.request(path, { method: 'POST', body: form(fields) });
const add = (who: TestClient, album: string, ids: string[], confirm = true) =>
  post(who, `/albums/${album}/images`, { ids, ...(confirm ? { confirm: '1' } : {}) });
const tokenOf = async (album: string) => (await t.sql`select share_token from albums where id = ${album}`)[0]!.share_token as string | null;
const withShare = (path: string, token: string) => `${path}${path.includes('?') ? '&' : '?'}share=${token}`;
/** The owner's album of one new image, shared by a link that expires after a day. */
async function linkedAlbum(title: string, file: string) {
  const [img] = await byNameAfter(owner, [file]);
  const id = await createAlbum(owner, { title });
  await add(owner, id, [img!.id]);
  await post(owner, `/albums/${id}`, { visibility: 'unlisted', expires: '1', confirm: '1' });
  return { id, token: (await tokenOf(id))! };
}
/** Every URL of a member the album's audience may reach. */
const memberUrls = (album: string, r: Row) => [
  `/albums/${album}/images/${r.id}`, `/albums/${album}/images/${r.id}/original`,
  ...(['thumb', 'thumb2x', 'display'] as const).map((v) => variantUrl(r, v, { album })),
];
const tileIds = (html: string) => [...html.matchAll(/<li class="tile [^"]*" id="image-([\w-]+)"/g)].map((m) => m[1]);

describe('albums', () => {
  test('POST /albums creates one and redirects to it; a missing title is refused beside its field', async () => {
    const refused = await owner.postForm('/albums', { title: '  ', visibility: 'private' });
    assert.equal(refused.status, 422);
    assert.match(await refused.text(), /Give the album a title/);
    const id = await createAlbum(owner, { title: 'Summer', description: 'By the sea' });
    const page = await (await owner.request(`/albums/${id}`)).text();
    assert.match(page, /<h1>Summer<\/h1>/);
    assert.match(page, /By the sea/);
    assert.match(await (await owner.request('/albums')).text(), /Summer/);
    const [row] = await t.sql`select visibility, share_token from albums where id = ${id}`;
    assert.deepEqual({ ...row }, { visibility: 'private', share_token: null }, 'private by default');
  });

  test('adding takes only the owner\'s own live images, each once; removing keeps the image', async () => {
    const mine = await byNameAfter(owner, ['add-1.jpg', 'add-2.jpg']);
    const theirs = await byNameAfter(other, ['theirs.jpg']);
    const id = await createAlbum(owner, { title: 'Mixed' });
    // Any id that is not the owner's own live image refuses the whole request.
    assert.equal((await add(owner, id, [mine[0]!.id, theirs[0]!.id])).status, 404);
    assert.equal((await t.sql`select count(*)::int as n from album_images where album_id = ${id}`)[0]!.n, 0, 'nothing changed');
    // The owner's image in their trash (moved there in another tab): they are told so.
    const [binned] = await byNameAfter(owner, ['binned.jpg']);
    assert.equal((await post(owner, `/images/${binned!.id}/delete`, {})).status, 303);
    const inTrash = await add(owner, id, [mine[0]!.id, binned!.id]);
    assert.equal(inTrash.status, 409);
    assert.match(await inTrash.text(), /This image is in the trash\. Restore it from the trash to change it\./);
    assert.equal((await add(owner, id, [binned!.id, theirs[0]!.id])).status, 404, 'with another\'s image: as before');
    assert.equal((await t.sql`select count(*)::int as n from album_images where album_id = ${id}`)[0]!.n, 0, 'nothing changed');
    assert.equal((await add(owner, id, [mine[0]!.id, mine[0]!.id])).status, 303);
    assert.equal((await add(owner, id, [mine[1]!.id])).status, 303);
    const members = await t.sql`select image_id from album_images where album_id = ${id} order by position`;
    assert.deepEqual(members.map((m) => m.image_id), [mine[0]!.id, mine[1]!.id]);
    // Someone else's album: as if it did not exist, and nothing changes.
    assert.equal((await add(other, id, [theirs[0]!.id])).status, 404);
    assert.equal((await post(other, `/albums/${id}/images/remove`, { ids: mine[0]!.id })).status, 404);
    assert.equal((await post(owner, `/albums/${id}/images/remove`, { ids: mine[0]!.id })).status, 303);
    assert.deepEqual((await t.sql`select image_id from album_images where album_id = ${id}`).map((m) => m.image_id), [mine[1]!.id]);
    assert.equal((await owner.request(`/images/${mine[0]!.id}`)).status, 200, 'the image stays');
  });

  test('the order: newest, oldest, or arranged by ids and by moves; the cover is chosen or the first', async () => {
    const rows = await byNameAfter(owner, ['o-1.jpg', 'o-2.jpg', 'o-3.jpg']);
    const ids = rows.map((r) => r.id);
    const id = await createAlbum(owner, { title: 'Ordered' });
    await add(owner, id, ids);
    const created = (await t.sql`select id from images where id in ${t.sql(ids)} order by created_at desc, id desc`).map((r) => r.id);
    assert.deepEqual(tileIds(await (await owner.request(`/albums/${id}`)).text()), created, 'newest first by default');
    await post(owner, `/albums/${id}`, { sort: 'oldest' });
    assert.deepEqual(tileIds(await (await owner.request(`/albums/${id}`)).text()), [...created].reverse());
    assert.equal((await post(owner, `/albums/${id}/order`, { ids: [ids[2]!, ids[0]!, ids[1]!] })).status, 303);
    assert.deepEqual(tileIds(await (await owner.request(`/albums/${id}`)).text()), [ids[2], ids[0], ids[1]], 'arranged');
    await post(owner, `/albums/${id}/order`, { move: ids[1]!, direction: 'up' });
    assert.deepEqual(tileIds(await (await owner.request(`/albums/${id}`)).text()), [ids[2], ids[1], ids[0]]);
    assert.equal((await post(other, `/albums/${id}/order`, { ids })).status, 404);
    // Cover: the first image, until one is chosen (only a member can be).
    const cover = async () => (await (await owner.request('/albums')).text()).match(new RegExp(`/albums/${id}/images/([\\w-]+)/thumb/`))?.[1];
    assert.equal(await cover(), ids[2]);
    await post(owner, `/albums/${id}`, { cover: ids[0]! });
    assert.equal(await cover(), ids[0]);
    const [stranger] = await byNameAfter(other, ['not-a-member.jpg']);
    await post(owner, `/albums/${id}`, { cover: stranger!.id });
    assert.equal(await cover(), ids[0], 'a non-member is never the cover');
  });

  test('who sees what: owner, other user, visitor, link holder, expired and revoked link', async () => {
    const [priv, pub] = await byNameAfter(owner, ['who-private.jpg', 'who-public.jpg'], ['private', 'public']);
    const id = await createAlbum(owner, { title: 'Shared', visibility: 'unlisted' });
    await add(owner, id, [priv!.id, pub!.id]);
    const token = (await tokenOf(id))!;
    assert.ok(token.length >= 27, 'at least 160 bits');
    const urls = [`/albums/${id}`, `/albums/${id}/download`, ...memberUrls(id, priv!)];
    for (const path of urls) {
      assert.equal((await owner.request(path)).status, 200, `owner: ${path}`);
      assert.equal((await visitor().request(withShare(path, token))).status, 200, `link holder: ${path}`);
      assert.equal((await other.request(withShare(path, token))).status, 200, `other user with the link: ${path}`);
      assert.equal((await visitor().request(path)).status, 404, `visitor without the link: ${path}`);
      assert.equal((await other.request(path)).status, 404, `other user without the link: ${path}`);
      assert.equal((await visitor().request(withShare(path, `${token.slice(0, -2)}xx`))).status, 404, `wrong token: ${path}`);
    }
    // The private member is reached only through the album.
    assert.equal((await visitor().request(withShare(`/images/${priv!.id}`, token))).status, 404);
    assert.equal((await visitor().request(`/images/${priv!.id}/original`)).status, 404);
    // A member of another album, or no member, is not reached through this one.
    const [outside] = await byNameAfter(owner, ['outside.jpg']);
    for (const path of memberUrls(id, outside!)) assert.equal((await visitor().request(withShare(path, token))).status, 404, path);
    // The page of a member in the album: previous / next stay in the album, with the link.
    const page = await (await visitor().request(withShare(`/albums/${id}/images/${priv!.id}`, token))).text();
    assert.match(page, new RegExp(`href="/albums/${id}/images/${pub!.id}\\?share=${token}" rel="(prev|next)"`));
    assert.doesNotMatch(page, /Save visibility|id="albums"/, 'no owner controls');
    // Link holders get the clean copy; the owner the original bytes.
    const sent = Buffer.from(await (await visitor().request(withShare(`/albums/${id}/images/${priv!.id}/original`, token))).arrayBuffer());
    assert.notDeepEqual(sent, await bytesOf(objectKeys(priv!).original), 'not the original');
    assert.deepEqual(sent, await bytesOf(objectKeys(priv!).clean));
    // An expired link: like a missing album.
    await t.sql`update albums set share_expires_at = now() - interval '1 second' where id = ${id}`;
    for (const path of urls) assert.equal((await visitor().request(withShare(path, token))).status, 404, `expired: ${path}`);
    await t.sql`update albums set share_expires_at = null where id = ${id}`;
    // Revoked: 404, and the album is private.
    assert.equal((await post(other, `/albums/${id}/share/revoke`, {})).status, 404);
    assert.equal((await post(owner, `/albums/${id}/share/revoke`, {})).status, 303);
    for (const path of urls) assert.equal((await visitor().request(withShare(path, token))).status, 404, `revoked: ${path}`);
    assert.equal(await tokenOf(id), null);
  });

  test('requests for an album at once share its read, and each is judged on its own', async () => {
    const { id, token } = await linkedAlbum('At once', 'at-once.jpg');
    const page = `/albums/${id}`;
    const asks: [TestClient, string, number][] = [
      [owner, page, 200], [visitor(), withShare(page, token), 200], [other, page, 404], [visitor(), page, 404],
      [other, withShare(page, token), 200], [visitor(), withShare(page, 'not-the-token'), 404], [owner, page, 200],
    ];
    for (let round = 0; round < 3; round++) {
      const statuses = await Promise.all(asks.map(async ([who, path]) => (await who.request(path)).status));
      assert.deepEqual(statuses, asks.map(([, , status]) => status));
    }
    // Requests made after a change see it, however many come at once.
    assert.equal((await post(owner, `${page}/share/revoke`, {})).status, 303);
    const after = await Promise.all([visitor(), other, visitor()].map(async (who) => (await who.request(withShare(page, token))).status));
    assert.deepEqual(after, [404, 404, 404]);
  });

  test('an unlisted album keeps its link when saved again, with an expiry when chosen; private drops it', async () => {
    const id = await createAlbum(owner, { title: 'Linked', visibility: 'unlisted' });
    const first = (await tokenOf(id))!;
    await post(owner, `/albums/${id}`, { title: 'Linked again', visibility: 'unlisted', expires: '7' });
    assert.equal(await tokenOf(id), first);
    const [row] = await t.sql`select share_expires_at > now() + interval '6 days' as later from albums where id = ${id}`;
    assert.equal(row!.later, true);
    await post(owner, `/albums/${id}`, { visibility: 'private' });
    assert.equal(await tokenOf(id), null);
    await post(owner, `/albums/${id}`, { visibility: 'unlisted' });
    assert.notEqual(await tokenOf(id), first, 'a new link, never the old one again');
    assert.equal((await visitor().request(withShare(`/albums/${id}`, first))).status, 404, 'the old link is dead');
    assert.equal((await visitor().request(withShare(`/albums/${id}`, (await tokenOf(id))!))).status, 200);
  });

  test('a rename keeps an expired link expired; only a wider audience is asked about', async () => {
    const { id, token } = await linkedAlbum('Lapsed', 'kept-expired.jpg');
    await t.sql`update albums set share_expires_at = now() - interval '1 minute' where id = ${id}`;
    // The settings form as the owner sends it to rename: the audience unchanged, the expiry kept.
    assert.equal((await post(owner, `/albums/${id}`, { title: 'Lapsed, renamed', visibility: 'unlisted', expires: 'keep' })).status, 303);
    assert.equal(await tokenOf(id), token, 'no new link');
    assert.equal((await visitor().request(withShare(`/albums/${id}`, token))).status, 404, 'still expired');
    assert.match(await (await owner.request(`/albums/${id}`)).text(), /Share link, expired/);
    // Public asks (more people); back to unlisted does not (fewer).
    assert.equal((await post(owner, `/albums/${id}`, { visibility: 'public' })).status, 200);
    assert.equal((await post(owner, `/albums/${id}`, { visibility: 'public', confirm: '1' })).status, 303);
    assert.equal((await post(owner, `/albums/${id}`, { visibility: 'unlisted', expires: 'never' })).status, 303);
  });

  test('the trash, a restore, a purge and a deleted account keep every album right', async () => {
    const [a, b] = await byNameAfter(owner, ['life-1.jpg', 'life-2.jpg']);
    const id = await createAlbum(owner, { title: 'Lifecycle', visibility: 'public' });
    await add(owner, id, [a!.id, b!.id]);
    const count = async () => (await t.sql`select image_count from albums where id = ${id}`)[0]?.image_count as number | undefined;
    assert.equal(await count(), 2);
    assert.equal((await owner.request(`/images/${a!.id}`, { method: 'DELETE' })).status, 200);
    assert.equal(await count(), 1, 'in the trash: not counted');
    assert.equal((await visitor().request(`/albums/${id}/images/${a!.id}`)).status, 404);
    assert.deepEqual(tileIds(await (await visitor().request(`/albums/${id}`)).text()), [b!.id]);
    assert.equal((await post(owner, '/trash/restore', { ids: a!.id })).status, 303);
    assert.equal(await count(), 2, 'restored: back in the album');
    assert.equal((await visitor().request(`/albums/${id}/images/${a!.id}`)).status, 200);
    await owner.request(`/images/${a!.id}`, { method: 'DELETE' });
    assert.equal((await post(owner, '/trash/empty', { ids: a!.id, selected: '1', confirm: '1' })).status, 303);
    assert.equal(await count(), 1, 'purged');
    assert.equal((await t.sql`select count(*)::int as n from album_images where image_id = ${a!.id}`)[0]!.n, 0);
    const gone = await newUser(t, 'leaving');
    await gone.upload([{ name: 'leaving.jpg', data: await jpeg(90, 60) }], 'private');
    const leavingId = (await t.sql`select id from images where filename = 'leaving.jpg'`)[0]!.id as string;
    const theirs = await createAlbum(gone, { title: 'Leaving' });
    await add(gone, theirs, [leavingId]);
    assert.equal((await post(gone, '/settings/delete-account', { password: 'correct horse battery' })).status, 303);
    assert.equal((await t.sql`select count(*)::int as n from albums where id = ${theirs}`)[0]!.n, 0, 'their albums go with them');
    assert.equal(await count(), 1, 'others are untouched');
  });

  test('private images joining a shared album are asked about first', async () => {
    const [a, b, c] = await byNameAfter(owner, ['ask-1.jpg', 'ask-2.jpg', 'ask-3.jpg'], ['private', 'private', 'public']);
    const id = await createAlbum(owner, { title: 'Public one', visibility: 'public' });
    const asked = await add(owner, id, [a!.id, b!.id, c!.id], false);
    assert.equal(asked.status, 200);
    assert.match(await asked.text(), /2 private images will be visible to everyone/);
    assert.equal((await t.sql`select count(*)::int as n from album_images where album_id = ${id}`)[0]!.n, 0, 'nothing added yet');
    assert.equal((await add(owner, id, [c!.id], false)).status, 303, 'a public image needs no confirmation');
    assert.equal((await add(owner, id, [a!.id, b!.id], true)).status, 303);
    assert.equal((await t.sql`select count(*)::int as n from album_images where album_id = ${id}`)[0]!.n, 3);
    // Sharing an album that holds private images asks too, then does what was sent.
    const quiet = await createAlbum(owner, { title: 'Quiet one' });
    await add(owner, quiet, [a!.id]);
    const share = await post(owner, `/albums/${quiet}`, { visibility: 'unlisted', title: 'Quiet one, shared' });
    assert.equal(share.status, 200);
    const page = await share.text();
    assert.match(page, /1 private image in this album will be visible to everyone with the link/);
    assert.match(page, /name="title" value="Quiet one, shared"/);
    assert.equal((await t.sql`select visibility from albums where id = ${quiet}`)[0]!.visibility, 'private', 'not yet');
    assert.equal((await post(owner, `/albums/${quiet}`, { visibility: 'unlisted', title: 'Quiet one, shared', confirm: '1' })).status, 303);
    assert.equal((await t.sql`select visibility from albums where id = ${quiet}`)[0]!.visibility, 'unlisted');
    // An upload into a shared album: its private images wait for the confirmation in the results.
    const upload = new FormData();
    upload.set('visibility', 'private');
    upload.set('album', id);
    upload.append('images', new Blob([await jpeg(99, 48)], { type: 'image/jpeg' }), 'ask-upload.jpg');
    const uploaded = await (await owner.request('/upload', { method: 'POST', body: upload })).text();
    assert.match(uploaded, /1 private image will be visible to everyone who sees this album/);
    assert.match(uploaded, new RegExp(`action="/albums/${id}/images"`));
    assert.equal((await t.sql`select count(*)::int as n from album_images where album_id = ${id}`)[0]!.n, 3, 'not added yet');
    // The image page's form (htmx): the confirmation in place of its section.
    const [d] = await byNameAfter(owner, ['ask-4.jpg']);
    const inPlace = await owner.request('/albums/add', { method: 'POST', body: form({ album: id, ids: d!.id }), headers: { 'HX-Request': 'true' } });
    assert.match(await inPlace.text(), /This private image will be visible to everyone who sees/);
  });

  test('public albums are listed on /albums/public and the owner\'s page; private and unlisted ones never', async () => {
    const [img] = await byNameAfter(owner, ['listed.jpg']);
    const pub = await createAlbum(owner, { title: 'Listed album', visibility: 'public' });
    await createAlbum(owner, { title: 'Hidden album', visibility: 'unlisted' });
    await add(owner, pub, [img!.id]);
    for (const path of ['/albums/public', '/u/collector', '/u/collector/albums']) {
      const html = await (await visitor().request(path)).text();
      assert.match(html, /Listed album/, path);
      assert.doesNotMatch(html, /Hidden album/, path);
    }
    // The private member is not listed as an image anywhere (only as the album's cover, through the album).
    for (const path of ['/gallery', '/u/collector']) assert.doesNotMatch(await (await visitor().request(path)).text(), new RegExp(`"/images/${img!.id}[/?"]`), path);
    // Made private: gone from every list at once (the page cache included), and its page 404s.
    await post(owner, `/albums/${pub}`, { visibility: 'private' });
    for (const path of ['/albums/public', '/u/collector']) assert.doesNotMatch(await (await visitor().request(path)).text(), /Listed album/, path);
    assert.equal((await visitor().request(`/albums/${pub}`)).status, 404);
  });

  test('removing a member or deleting the album ends access to its bytes; nothing is cached as public', async () => {
    const [img, kept] = await byNameAfter(owner, ['end-1.jpg', 'end-2.jpg']);
    const id = await createAlbum(owner, { title: 'Ending', visibility: 'public' });
    await add(owner, id, [img!.id, kept!.id]);
    for (const [who, path] of memberUrls(id, img!).flatMap((p) => [[visitor(), p], [owner, p]] as const)) {
      const res = await who.request(path);
      assert.equal(res.status, 200, path);
      const cc = res.headers.get('cache-control') ?? '';
      assert.doesNotMatch(cc, /public|s-maxage|immutable/, `${path}: ${cc}`);
      assert.match(cc, /private/, path);
    }
    assert.equal((await post(owner, `/albums/${id}/images/remove`, { ids: img!.id })).status, 303);
    for (const path of memberUrls(id, img!)) assert.equal((await visitor().request(path)).status, 404, `removed: ${path}`);
    assert.equal((await visitor().request(memberUrls(id, kept!)[2]!)).status, 200);
    // Trashed: gone from the album too.
    await owner.request(`/images/${kept!.id}`, { method: 'DELETE' });
    assert.equal((await visitor().request(memberUrls(id, kept!)[2]!)).status, 404, 'in the trash');
    assert.equal((await post(other, `/albums/${id}/delete`, {})).status, 404);
    assert.equal((await post(owner, `/albums/${id}/delete`, {})).status, 303);
    assert.equal((await visitor().request(`/albums/${id}`)).status, 404);
    assert.equal((await owner.request(`/images/${img!.id}`)).status, 200, 'its images stay');
  });

  test('images join from the upload form, the dashboard\'s bulk bar and an image\'s page', async () => {
    const id = await createAlbum(owner, { title: 'Gathered' });
    const members = async () => (await t.sql`select i.filename from album_images ai join images i on i.id = ai.image_id
      where ai.album_id = ${id} order by ai.position`).map((r) => r.filename);
    // Upload: the images it kept, new or already in the library, join the album.
    const upload = new FormData();
    upload.set('visibility', 'private');
    upload.set('album', id);
    upload.append('images', new Blob([await jpeg(71, 48)], { type: 'image/jpeg' }), 'from-upload.jpg');
    upload.append('images', new Blob([Buffer.from('not an image')], { type: 'image/jpeg' }), 'broken.jpg');
    const uploaded = await owner.request('/upload', { method: 'POST', body: upload });
    assert.equal(uploaded.status, 200);
    assert.match(await uploaded.text(), new RegExp(`href="/albums/${id}"`), 'a link to the album');
    assert.deepEqual(await members(), ['from-upload.jpg']);
    // Bulk bar: action=album with the album chosen (a private album asks nothing).
    const [a, b] = await byNameAfter(owner, ['from-bulk-1.jpg', 'from-bulk-2.jpg']);
    const bulk = await post(owner, '/images/bulk', { ids: [a!.id, b!.id], action: 'album', album: id, sort: 'newest' });
    assert.equal(bulk.status, 303);
    assert.equal(bulk.headers.get('location'), '/dashboard');
    assert.equal((await post(owner, '/images/bulk', { ids: a!.id, action: 'album' })).status, 422, 'no album chosen');
    // The image page's form, without JavaScript: back to the page it was sent from.
    const [c] = await byNameAfter(owner, ['from-page.jpg']);
    const res = await post(owner, '/albums/add', { album: id, ids: c!.id, back: `/images/${c!.id}?in=dashboard` });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `/images/${c!.id}?in=dashboard`);
    assert.equal((await post(owner, '/albums/add', { album: id, ids: c!.id, back: '//evil.example/' })).headers.get('location'), `/albums/${id}`);
    assert.deepEqual(await members(), ['from-upload.jpg', 'from-bulk-1.jpg', 'from-bulk-2.jpg', 'from-page.jpg']);
    // Sent without an album: the form again with its message, never a bare JSON error.
    const none = await owner.request('/albums/add', { method: 'POST', body: form({ album: '', ids: c!.id }), headers: { 'HX-Request': 'true' } });
    assert.equal(none.status, 422);
    assert.match(await none.text(), /<section id="albums"[\s\S]*Choose an album to add the image to/);
    const plain = await post(owner, `/albums/${id}/order`, { direction: 'sideways' });
    assert.equal(plain.status, 422);
    assert.match(plain.headers.get('content-type')!, /text\/html/);
    // The image's page names the albums it is in, for its owner only.
    assert.match(await (await owner.request(`/images/${c!.id}`)).text(), new RegExp(`<a href="/albums/${id}">.*Gathered</a>`));
  });

  test('the album page\'s own markup, kept between requests, follows every change to what it shows', async () => {
    const who = await newUser(t, 'framer');
    const [a, b] = await byNameAfter(who, ['frame-1.jpg', 'frame-2.jpg'], ['public', 'public']);
    const id = await createAlbum(who, { title: 'Framed', visibility: 'public' });
    await add(who, id, [a!.id]);
    const seen = async () => (await visitor().request(`/albums/${id}`)).text();
    const banner = (html: string) => html.match(/class="album-banner" src="([^"]+)"/)?.[1];
    const ogImage = (html: string) => html.match(/property="og:image" content="([^"]+)"/)?.[1];
    assert.match(await seen(), /<h1>Framed<\/h1>[\s\S]*1 image · by <a href="\/u\/framer">/);
    // Its row: title, description and count.
    await post(who, `/albums/${id}`, { title: 'Reframed', description: 'New words' });
    let page = await seen();
    assert.match(page, /<h1>Reframed<\/h1>/);
    assert.match(page, /<p class="caption">New words<\/p>/);
    assert.match(page, /property="og:title" content="Reframed"/);
    await add(who, id, [b!.id]);
    assert.match(await seen(), /2 images · by/);
    // Its cover: the first image (the newest), whose display is made again; then a chosen one, likewise.
    const display = (r: Row) => variantUrl(r, 'display', { album: id });
    assert.equal(banner(await seen()), display(b!));
    await t.sql`update images set epoch = epoch + 1 where id = ${b!.id}`;
    page = await seen();
    assert.equal(banner(page), display({ ...b!, epoch: b!.epoch + 1 }));
    assert.equal(ogImage(page), `http://localhost${display({ ...b!, epoch: b!.epoch + 1 })}`);
    await post(who, `/albums/${id}`, { cover: a!.id });
    assert.equal(banner(await seen()), display(a!));
    await t.sql`update images set display_hash = 'remade' where id = ${a!.id}`;
    page = await seen();
    assert.equal(banner(page), display({ ...a!, display_hash: 'remade' }));
    assert.match(page, new RegExp(`/albums/${id}/images/${a!.id}/display\\.webp`), 'the embed codes\' direct link');
    // The viewer's part and link: the owner's controls, and a share token sent along, stay theirs.
    assert.match(await (await who.request(`/albums/${id}`)).text(), /Album settings/);
    assert.match(await (await visitor().request(`/albums/${id}?share=sent-along`)).text(), new RegExp(`/albums/${id}/download\\?share=sent-along`));
    page = await seen();
    assert.doesNotMatch(page, /Album settings|Delete album/, 'no owner controls');
    assert.doesNotMatch(page, /share=sent-along/);
    // The origin it is reached at, when PUBLIC_URL is not set.
    const elsewhere = await (await t.app.request(`http://pictures.example/albums/${id}`)).text();
    assert.match(elsewhere, new RegExp(`property="og:url" content="http://pictures\\.example/albums/${id}"`));
    assert.match(await seen(), new RegExp(`property="og:url" content="http://localhost/albums/${id}"`));
  });

  test('the owner\'s markup is kept for the owner alone, and a link\'s expiry shows once it passes', async () => {
    const { id, token } = await linkedAlbum('Mine alone', 'frame-own.jpg');
    const mine = await (await owner.request(`/albums/${id}`)).text();
    assert.match(mine, /Album settings/);
    assert.match(mine, /Share link, expires/);
    for (const [name, client] of [['visitor', visitor()], ['other user', other]] as const) {
      const page = await (await client.request(withShare(`/albums/${id}`, token))).text();
      assert.match(page, /<h1>Mine alone<\/h1>/, name);
      assert.doesNotMatch(page, /Album settings|Revoke link|Delete album|Upload to album/, `${name}: no owner controls`);
      assert.match(page, new RegExp(`/albums/${id}/download\\?share=${token}`), `${name}: links carry the share`);
      assert.equal(page.includes('class="report"'), name === 'other user', `${name}: the report form is for people signed in`);
    }
    assert.match(await (await owner.request(`/albums/${id}`)).text(), /Album settings/, 'the owner\'s page is still theirs');
    // The link expires with nothing written to the album's row.
    const [{ at }] = await t.sql<[{ at: Date }]>`update albums set share_expires_at = now() + interval '300 milliseconds'
      where id = ${id} returning share_expires_at as at`;
    assert.match(await (await owner.request(`/albums/${id}`)).text(), /Share link, expires/);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, at.getTime() - Date.now()) + 20));
    assert.match(await (await owner.request(`/albums/${id}`)).text(), /Share link, expired/);
    assert.equal((await visitor().request(withShare(`/albums/${id}`, token))).status, 404);
  });

  test('the album page paginates 48 at a time with rel=next, in the album\'s order', async () => {
    const id = await createAlbum(owner, { title: 'Many' });
    const [img] = await byNameAfter(owner, ['many-0.jpg']);
    // Rows only: the page lists rows, it does not read the objects.
    const copies = Array.from({ length: 60 }, (_, i) => `many-copy-${i}`);
    await t.sql`insert into images (id, user_id, filename, visibility, format, bytes, sha256, width, height, placeholder,
        thumb_hash, thumb2x_hash, display_hash, clean_bytes, stored_bytes, created_at)
      select c, user_id, c || '.jpg', 'private', format, bytes, c, width, height, placeholder, thumb_hash, thumb2x_hash, display_hash,
        clean_bytes, stored_bytes, now() - (row_number() over ()) * interval '1 second'
      from images, unnest(${copies}::text[]) c where id = ${img!.id}`;
    await add(owner, id, copies);
    const first = await (await owner.request(`/albums/${id}`)).text();
    assert.equal(tileIds(first).length, 48);
    const next = first.match(/href="([^"]+)" rel="next"/)![1]!.replaceAll('&amp;', '&');
    const second = await (await owner.request(next)).text();
    assert.deepEqual([...tileIds(first), ...tileIds(second)], copies);
    assert.doesNotMatch(second, /rel="next"/);
    // The next page as infinite scroll asks for it: the tiles alone, with the owner's controls.
    const more = await (await owner.request(next, { headers: { 'HX-Request': 'true' } })).text();
    assert.doesNotMatch(more, /<html/);
    assert.equal(tileIds(more).length, 12);
    assert.match(more, /Remove many-copy-59\.jpg from the album/);
    // Without JavaScript, a form on page 2 returns to page 2; a foreign or other Referer does not count.
    const from = (referer: string) => owner.request(`/albums/${id}/order`, { method: 'POST', body: form({ move: copies[50]!, direction: 'up' }), headers: { Referer: referer } });
    assert.equal((await from(`http://localhost${next}`)).headers.get('location'), `${next}#image-${copies[50]}`);
    assert.equal((await from(`https://evil.example${next}`)).headers.get('location'), `/albums/${id}#image-${copies[50]}`);
    assert.equal((await from('http://localhost/dashboard')).headers.get('location'), `/albums/${id}#image-${copies[50]}`);
    // A chosen cover on a later page is still the album's banner.
    await post(owner, `/albums/${id}`, { cover: copies[59]! });
    assert.match(await (await owner.request(`/albums/${id}`)).text(), new RegExp(`class="album-banner" src="/albums/${id}/images/many-copy-59/display/`));
    assert.equal((await owner.request(`/albums/${id}?cursor=${Buffer.from('99999999999|x').toString('base64url')}`)).status, 400);
    // A page link of the order before the owner changed it: the first page again, not an error.
    await post(owner, `/albums/${id}`, { sort: 'oldest' });
    const stale = await owner.request(`/albums/${id}?cursor=${Buffer.from('12|many-copy-3').toString('base64url')}`);
    assert.equal(stale.status, 200);
    assert.equal(tileIds(await stale.text())[0], copies[59]);
    assert.equal((await owner.request(`/albums/${id}?share=${'x'.repeat(300)}`)).status, 400);
  });
});

describe('album zips', () => {
  test('GET /albums/:id/download: the owner gets the originals, others the clean copies, byte for byte, under unique names', async () => {
    const rows = await byNameAfter(owner, ['zip-a.jpg', 'photo.jpeg', 'zip-c.jpg', 'notes.html']);
    // Names that clash (without case, as on Windows and macOS) are told apart in the zip; a name
    // that lies about its format gets the real extension.
    await t.sql`update images set filename = 'photo.jpg' where id = ${rows[0]!.id}`;
    await t.sql`update images set filename = 'Photo.JPG' where id = ${rows[2]!.id}`;
    const id = await createAlbum(owner, { title: 'Zipped', visibility: 'public' });
    await add(owner, id, rows.map((r) => r.id));
    await post(owner, `/albums/${id}/order`, { ids: rows.map((r) => r.id) });
    const own = await unzip(await owner.request(`/albums/${id}/download`));
    assert.deepEqual(own.map((e) => e.name), ['photo.jpg', 'photo.jpeg', 'Photo (2).JPG', 'notes.jpg']);
    for (const [i, e] of own.entries()) assert.deepEqual(e.data, await bytesOf(objectKeys(rows[i]!).original), e.name);
    const theirs = await unzip(await visitor().request(`/albums/${id}/download`));
    for (const [i, e] of theirs.entries()) assert.deepEqual(e.data, await bytesOf(objectKeys(rows[i]!).clean), e.name);
    const [created] = await t.sql<{ created_at: Date }[]>`select created_at from images where id = ${rows[0]!.id}`;
    assert.ok(Math.abs(own[0]!.modified.getTime() - created!.created_at.getTime()) <= 2000, 'modified: the upload time (zip keeps 2 s steps)');
  });

  test('a zip past ZIP_MAX_MB is refused with a clear message, and the dashboard zips selected images', async () => {
    const small = await startTestApp({ ZIP_MAX_MB: '0.01' });
    try {
      const user = await newUser(small, 'zipper');
      await user.upload([{ name: 'big.jpg', data: await jpeg(400, 300) }], 'private');
      const [img] = await small.sql`select id from images`;
      const refused = await user.request('/images/bulk', { method: 'POST', body: form({ ids: img!.id, action: 'zip' }) });
      assert.equal(refused.status, 413);
      assert.match(await refused.text(), /more than the 10\.2 KB a zip may hold here/);
    } finally {
      await small.close();
    }
    const rows = await byNameAfter(owner, ['bulk-zip-1.jpg', 'bulk-zip-2.jpg']);
    const res = await owner.request('/images/bulk', { method: 'POST', body: form({ ids: [...rows.map((r) => r.id), 'not-mine'], action: 'zip' }) });
    assert.equal(res.headers.get('content-type'), 'application/zip');
    assert.deepEqual((await unzip(res)).map((e) => e.name).sort(), ['bulk-zip-1.jpg', 'bulk-zip-2.jpg']);
  });
});

/** Uploads `names` for `who` (each its own visibility, private by default) and returns their rows in that order. */
async function byNameAfter(who: TestClient, names: string[], visibilities: string[] = []) {
  for (const [i, name] of names.entries()) {
    const res = await who.upload([{ name, data: await jpeg(64 + (nextShade++ % 200), 48) }], visibilities[i] ?? 'private');
    assert.equal(res.status, 200, name);
  }
  return byName(names);
}
let nextShade = 0;

async function bytesOf(key: string) {
  const stream = await t.storage.get(key);
  const chunks: Buffer[] = [];
  for await (const c of stream!) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The entries of a zip response, in order, read by a zip library of its own. */
async function unzip(res: Response) {
  assert.equal(res.status, 200);
  const zip = Buffer.from(await res.arrayBuffer());
  const file = await new Promise<yauzl.ZipFile>((ok, fail) => yauzl.fromBuffer(zip, { lazyEntries: true }, (e, z) => (e ? fail(e) : ok(z!))));
  const out: { name: string; data: Buffer; modified: Date }[] = [];
  await new Promise<void>((ok, fail) => {
    file.on('entry', (entry: yauzl.Entry) => {
      file.openReadStream(entry, async (e, s) => {
        if (e) return fail(e);
        const chunks: Buffer[] = [];
        for await (const c of s!) chunks.push(c as Buffer);
        out.push({ name: entry.fileName, data: Buffer.concat(chunks), modified: entry.getLastModDate() });
        file.readEntry();
      });
    });
    file.on('end', ok);
    file.on('error', fail);
    file.readEntry();
  });
  return out;
}
