import assert from 'node:assert/strict';
import { variantUrl } from './urls.ts';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { needsServer, whileLocked } from '../test-support/locks.ts';

let t: TestApp;
let owner: TestClient;
let other: TestClient;
const visitor = () => new TestClient(t);

before(async () => {
  t = await startTestApp();
  owner = await newUser(t, 'sharer');
  other = await newUser(t, 'someone');
});
after(() => t.close());

async function upload(name: string, visibility = 'private') {
  await owner.upload([{ name, data: await jpeg(64, 48) }], visibility);
  const [row] = await t.sql<{ id: string }[]>`select id from images where filename = ${name}`;
  return { id: row!.id };
}

/** The display URL the image's page uses now (it changes with the visibility). */
async function displayUrl(id: string) {
  const [row] = await t.sql<{ id: string; display_hash: string; epoch: number }[]>`select id, display_hash, epoch from images where id = ${id}`;
  return variantUrl(row!, 'display');
}
const setVisibility = (id: string, visibility: string, expires = 'never') =>
  owner.postForm(`/images/${id}/visibility`, { visibility, expires });
const tokenOf = async (id: string) => ((await t.sql`select share_token from images where id = ${id}`)[0]!.share_token as string | null);
const withShare = (path: string, token: string) => `${path}${path.includes('?') ? '&' : '?'}share=${token}`;

describe('visibility and share links', () => {
  test('unlisted: reachable signed out through the share link only, never listed', async () => {
    const img = await upload('unlisted.jpg');
    assert.equal((await setVisibility(img.id, 'unlisted')).status, 303);
    const token = (await tokenOf(img.id))!;
    assert.ok(token.length >= 27, 'at least 160 bits');
    const display = await displayUrl(img.id);
    for (const path of [`/images/${img.id}`, `/images/${img.id}/original`, display]) {
      assert.equal((await visitor().request(withShare(path, token))).status, 200, path);
      assert.equal((await visitor().request(path)).status, 404, `${path} without the token`);
      assert.equal((await other.request(withShare(path, token.slice(0, -1) + 'x'))).status, 404, `${path} with a wrong token`);
      assert.equal((await other.request(withShare(path, encodeURIComponent(`${token.slice(0, -1)}é`)))).status, 404, 'non-ASCII token');
    }
    const page = await (await visitor().request(withShare(`/images/${img.id}`, token))).text();
    assert.ok(page.includes(`share=${token}`), 'the page links its bytes with the token');
    assert.doesNotMatch(page, /Save visibility/, 'no owner controls for link holders');
    const shared = await visitor().request(withShare(display, token));
    assert.match(shared.headers.get('cache-control')!, /^private/);
    assert.doesNotMatch(await (await visitor().request('/gallery')).text(), /unlisted\.jpg/);
    assert.doesNotMatch(await (await visitor().request('/u/sharer')).text(), /unlisted\.jpg/);
    assert.match(await (await owner.request(`/images/${img.id}`)).text(), new RegExp(`value="http://localhost/images/${img.id}\\?share=${token}"`));
  });

  test('revoking, or changing the visibility, makes the old link 404; sharing again makes a new one', async () => {
    const img = await upload('revoke.jpg');
    await setVisibility(img.id, 'unlisted');
    const first = (await tokenOf(img.id))!;
    assert.equal((await owner.request(`/images/${img.id}/share/revoke`, { method: 'POST' })).status, 303);
    assert.equal((await visitor().request(withShare(`/images/${img.id}`, first))).status, 404);
    await setVisibility(img.id, 'unlisted');
    const second = (await tokenOf(img.id))!;
    assert.notEqual(second, first);
    assert.equal((await visitor().request(withShare(`/images/${img.id}`, first))).status, 404);
    await setVisibility(img.id, 'public');
    assert.equal(await tokenOf(img.id), null);
    assert.equal((await visitor().request(`/images/${img.id}`)).status, 200);
    await setVisibility(img.id, 'private');
    assert.equal((await visitor().request(`/images/${img.id}`)).status, 404);
    assert.equal((await visitor().request(withShare(`/images/${img.id}`, second))).status, 404);
  });

  test('an expiring link works until it expires', async () => {
    const img = await upload('expiring.jpg');
    await setVisibility(img.id, 'unlisted', '1');
    const token = (await tokenOf(img.id))!;
    assert.equal((await visitor().request(withShare(`/images/${img.id}`, token))).status, 200);
    await t.sql`update images set share_expires_at = now() - interval '1 second' where id = ${img.id}`;
    assert.equal((await visitor().request(withShare(`/images/${img.id}`, token))).status, 404);
  });

  test('saving "unlisted" again keeps a live link and its expiry; an expired one is replaced, and says so', async () => {
    const img = await upload('resave.jpg');
    await setVisibility(img.id, 'unlisted', '7');
    const first = (await tokenOf(img.id))!;
    const [{ share_expires_at: expiry }] = await t.sql`select share_expires_at from images where id = ${img.id}`;
    const again = await setVisibility(img.id, 'unlisted', 'keep');
    assert.equal(await tokenOf(img.id), first);
    assert.deepEqual((await t.sql`select share_expires_at from images where id = ${img.id}`)[0]!.share_expires_at, expiry);
    assert.match(await (await owner.request(again.headers.get('location')!)).text(), /Saved; the share link is unchanged\./);

    await t.sql`update images set share_expires_at = now() - interval '1 second' where id = ${img.id}`;
    const renewed = await setVisibility(img.id, 'unlisted', 'keep');
    const second = (await tokenOf(img.id))!;
    assert.notEqual(second, first);
    assert.equal((await t.sql`select share_expires_at from images where id = ${img.id}`)[0]!.share_expires_at, null, 'a new link keeps no old expiry');
    assert.match(await (await owner.request(renewed.headers.get('location')!)).text(), /A share link was made/);
    assert.equal((await visitor().request(withShare(`/images/${img.id}`, second))).status, 200);
  });

  test('a revoke from another tab that lands while "unlisted" is being saved is not undone', { skip: needsServer }, async () => {
    const img = await upload('two-tabs.jpg');
    await setVisibility(img.id, 'unlisted');
    const revoked = (await tokenOf(img.id))!;
    const res = await whileLocked(t.sql,
      (tx) => tx`update images set visibility = 'private', share_token = null, share_expires_at = null where id = ${img.id}`,
      () => setVisibility(img.id, 'unlisted', 'keep'));
    assert.equal(res.status, 303);
    const token = (await tokenOf(img.id))!;
    assert.ok(token && token !== revoked, 'a new link, not the revoked one');
    assert.equal((await visitor().request(withShare(`/images/${img.id}`, revoked))).status, 404);
    assert.match(await (await owner.request(res.headers.get('location')!)).text(), /A share link was made/);
  });

  test('public images appear on the owner\'s page /u/:username; unknown users 404', async () => {
    await upload('on-my-page.jpg', 'public');
    const page = await (await visitor().request('/u/SHARER')).text();
    assert.match(page, /on-my-page\.jpg/);
    assert.doesNotMatch(page, /revoke\.jpg|expiring\.jpg/);
    assert.equal((await visitor().request('/u/nobody-here')).status, 404);
  });

  test('only the owner can change visibility or details', async () => {
    const img = await upload('mine-only.jpg');
    assert.equal((await other.postForm(`/images/${img.id}/visibility`, { visibility: 'public' })).status, 404);
    assert.equal((await other.postForm(`/images/${img.id}/details`, { title: 'hacked' })).status, 404);
    assert.equal((await other.request(`/images/${img.id}/share/revoke`, { method: 'POST' })).status, 404);
    assert.equal((await visitor().postForm(`/images/${img.id}/visibility`, { visibility: 'public' })).status, 401);
    const [row] = await t.sql`select visibility, title from images where id = ${img.id}`;
    assert.deepEqual({ ...row }, { visibility: 'private', title: '' });
  });
});

describe('details', () => {
  test('title, caption and alt text are saved, shown, and used as the alt of every <img>', async () => {
    const img = await upload('IMG_0042.jpg', 'public');
    const res = await owner.postForm(`/images/${img.id}/details`, { title: 'Sunset at the pier', caption: 'Taken <b>late</b>', alt_text: 'Orange sky over a wooden pier' });
    assert.equal(res.status, 303);
    const page = await (await visitor().request(`/images/${img.id}`)).text();
    assert.match(page, /<h1 class="filename">Sunset at the pier<\/h1>/);
    assert.match(page, /Taken &lt;b&gt;late&lt;\/b&gt;/);
    assert.match(page, /alt="Orange sky over a wooden pier"/);
    const gallery = await (await visitor().request('/gallery')).text();
    assert.match(gallery, /alt="Orange sky over a wooden pier"/);
    assert.match(gallery, />Sunset at the pier</);
    const tooLong = await owner.postForm(`/images/${img.id}/details`, { title: 'x'.repeat(201) });
    assert.equal(tooLong.status, 422);
  });
});
