// Attacks on the HTTP API (issue 18): one person's token reaching another's images and albums,
// tokens that should no longer work, a read token writing, a browser's cookie driving the API
// (from this site or another), a token opening the HTML pages, CORS that lends credentials,
// running past the request limit, and the token or an internal error leaking.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createApp } from '../app.tsx';
import { loadConfig } from '../config.ts';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, PASSWORD, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { hashPassword } from '../auth/password.ts';
import { issueToken } from '../recovery/tokens.sql.ts';
import { SORTS } from '../images/list.sql.ts';
import { createToken, revokeToken, type Scope } from '../api/tokens.sql.ts';
import { createLogger } from '../ops/logging.ts';

let t: TestApp;
let root: TestClient; // the instance's admin
let alice: TestClient;
let aliceId: string;
let aliceWrite: string;
let aliceRead: string;
let aliceImage: string;
let aliceAlbum: string;
let bobWrite: string;
const bobs = { private: '', public: '', unlisted: '', hidden: '' };
let bobAlbum: string;

type Init = Omit<RequestInit, 'headers'> & { headers?: Record<string, string> };
/** A request to the API with `token` (none when undefined), from no browser: no cookie, no Origin. */
const api = (token: string | undefined, path: string, init: Init = {}, app = t.app) =>
  app.request(`http://localhost${path}`, { ...init, headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...init.headers } });
const json = (method: string, body: unknown): Init => ({ method, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });

const idOf = async (username: string) => (await t.sql<{ id: string }[]>`select id from users where username = ${username}`)[0]!.id;
async function tokenOf(username: string, scope: Scope = 'write') {
  return (await createToken(t.sql, { userId: await idOf(username), name: `${username} ${scope}`, scope })).token;
}

let sizes = 0;
/** A form of one new JPEG (a size of its own, so never a duplicate) and `fields`. */
async function imageForm(name: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  sizes += 1;
  form.append('images', new Blob([new Uint8Array(await jpeg(40 + sizes, 30))], { type: 'image/jpeg' }), name);
  return form;
}
async function uploadWith(token: string, name: string, visibility: string) {
  const res = await api(token, '/api/v1/images', { method: 'POST', body: await imageForm(name, { visibility }) });
  assert.equal(res.status, 201, await res.clone().text());
  return ((await res.json()) as { results: { id: string }[] }).results[0]!.id;
}

/** Everything a write through the API could change, of everyone. */
async function snapshot() {
  return JSON.stringify({
    images: await t.sql`select id, user_id, filename, title, caption, alt_text, visibility, share_token, deleted_at, hidden_at, epoch from images order by id`,
    albums: await t.sql`select id, user_id, title, description, visibility, share_token, image_count from albums order by id`,
    members: await t.sql`select album_id, image_id, trashed from album_images order by album_id, image_id`,
    tokens: await t.sql`select id, user_id, name, scope, expires_at, revoked_at from api_tokens order by id`,
  });
}

async function assertProblem(res: Response, status: number, what: string) {
  assert.equal(res.status, status, `${what}: ${await res.clone().text()}`);
  assert.equal(res.headers.get('Content-Type'), 'application/problem+json', what);
  const body = (await res.json()) as { status: number; title: string; detail: string };
  assert.equal(body.status, status, what);
  return body;
}

before(async () => {
  t = await startTestApp({ SIGNUPS_PER_HOUR: '1000', API_REQUESTS_PER_MINUTE: '100000' });
  root = await newUser(t, 'root');
  alice = await newUser(t, 'alice');
  await newUser(t, 'bob');
  aliceId = await idOf('alice');
  aliceWrite = await tokenOf('alice');
  aliceRead = await tokenOf('alice', 'read');
  bobWrite = await tokenOf('bob');
  aliceImage = await uploadWith(aliceWrite, 'alice-own.jpg', 'private');
  for (const v of ['private', 'public', 'unlisted', 'hidden'] as const) bobs[v] = await uploadWith(bobWrite, `bob-${v}.jpg`, v === 'hidden' ? 'public' : v);
  // A moderator hid it: withheld from everyone but its owner.
  await t.sql`update images set hidden_at = now(), hidden_reason = 'spam' where id = ${bobs.hidden}`;
  const album = async (token: string, title: string, visibility: string) =>
    ((await (await api(token, '/api/v1/albums', json('POST', { title, visibility }))).json()) as { id: string }).id;
  aliceAlbum = await album(aliceWrite, 'Alice private', 'private');
  bobAlbum = await album(bobWrite, 'Bob public', 'public');
  const added = await api(bobWrite, `/api/v1/albums/${bobAlbum}/images`, json('POST', { ids: [bobs.public, bobs.private], confirm: true }));
  assert.equal(added.status, 200);
});
after(() => t.close());

describe("a token and another person's images and albums", () => {
  test("GET, PATCH and DELETE of another's image: the 404 of a missing id, to the byte; nothing changes", async () => {
    const before = await snapshot();
    const asks: [string, Init][] = [['GET', {}], ['PATCH', json('PATCH', { title: 'pwned', visibility: 'public' })],
      ['PATCH', json('PATCH', { visibility: 'unlisted' })], ['DELETE', { method: 'DELETE' }]];
    for (const [what, init] of asks) {
      const missing = await api(aliceWrite, '/api/v1/images/no-such-image', init);
      const missingBody = await missing.text();
      for (const [kind, id] of Object.entries(bobs)) {
        const res = await api(aliceWrite, `/api/v1/images/${id}`, init);
        assert.equal(res.status, 404, `${what} ${kind}`);
        assert.equal(res.headers.get('Content-Type'), missing.headers.get('Content-Type'));
        assert.equal(await res.text(), missingBody, `${what} ${kind}: the same body as a missing image's`);
      }
    }
    assert.equal(await snapshot(), before);
  });

  test("another's image never joins an album; another's album answers as a missing one", async () => {
    const before = await snapshot();
    const add = (album: string, ids: string[]) => api(aliceWrite, `/api/v1/albums/${album}/images`, json('POST', { ids, confirm: true }));
    for (const ids of [[bobs.private], [bobs.public], [aliceImage, bobs.unlisted], [bobs.hidden, aliceImage]]) {
      await assertProblem(await add(aliceAlbum, ids), 404, `adding ${ids}`);
    }
    const same = async (path: string, init: Init, missingPath: string) => {
      const res = await api(aliceWrite, path, init);
      const missing = await api(aliceWrite, missingPath, init);
      assert.equal(res.status, 404, path);
      assert.equal(await res.text(), await missing.text(), `${init.method ?? 'GET'} ${path}`);
    };
    await same(`/api/v1/albums/${bobAlbum}`, {}, '/api/v1/albums/no-such-album');
    await same(`/api/v1/albums/${bobAlbum}/images`, json('POST', { ids: [aliceImage], confirm: true }), '/api/v1/albums/no-such-album/images');
    await same(`/api/v1/albums/${bobAlbum}/images/${bobs.public}`, { method: 'DELETE' }, `/api/v1/albums/no-such-album/images/${bobs.public}`);
    assert.equal(await snapshot(), before);

    const albums = (await (await api(aliceWrite, '/api/v1/albums?limit=100')).json()) as { albums: { id: string }[] };
    assert.deepEqual(albums.albums.map((a) => a.id), [aliceAlbum]);

    // An upload sent to another's album: refused as one to a missing album, and nothing is kept.
    const uploadInto = async (album: string) => api(aliceWrite, '/api/v1/images',
      { method: 'POST', body: await imageForm('into-bobs.jpg', { visibility: 'private', album, confirm: '1' }) });
    const upload = await uploadInto(bobAlbum);
    const refused = await assertProblem(upload.clone(), 422, 'upload into another\'s album');
    assert.equal(JSON.stringify(refused), await (await uploadInto('no-such-album')).text());
    assert.equal(await snapshot(), before);
  });

  test("a token's list holds its owner's images only, on every page and in every search", async () => {
    const mine = (await t.sql<{ id: string }[]>`select id from images where user_id = ${aliceId} and deleted_at is null`).map((r) => r.id).sort();
    for (const sort of SORTS) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query = new URLSearchParams({ limit: '1', sort, ...(cursor ? { cursor } : {}) });
        const page = (await (await api(aliceRead, `/api/v1/images?${query}`)).json()) as { images: { id: string }[]; next_cursor: string | null };
        seen.push(...page.images.map((i) => i.id));
        cursor = page.next_cursor;
      } while (cursor);
      assert.deepEqual(seen.sort(), mine, sort);
    }
    for (const q of ['bob', 'bob-private', 'bob-hidden.jpg']) {
      const page = (await (await api(aliceRead, `/api/v1/images?q=${q}`)).json()) as { images: unknown[] };
      assert.deepEqual(page.images, [], q);
    }
    // Bob's own token does list them.
    const bobList = (await (await api(bobWrite, '/api/v1/images?limit=100')).json()) as { images: { id: string }[] };
    assert.deepEqual(bobList.images.map((i) => i.id).sort(), Object.values(bobs).sort());
  });

  test('the gallery shows public images only: never private, unlisted or withheld ones', async () => {
    for (const token of [undefined, aliceRead, bobWrite]) {
      for (const sort of SORTS) {
        for (const q of ['', 'bob']) {
          const res = await api(token, `/api/v1/gallery?limit=100&sort=${sort}${q && `&q=${q}`}`);
          assert.equal(res.status, 200);
          const { images } = (await res.json()) as { images: { id: string; image_url: string; share_url?: unknown }[] };
          assert.deepEqual(images.map((i) => i.id), [bobs.public], `${sort} ${q} ${token ? 'token' : 'none'}`);
          assert.doesNotMatch(images[0]!.image_url, /share=/);
          assert.equal(images[0]!.share_url, undefined);
        }
      }
    }
  });
});

describe('tokens that do not authenticate', () => {
  test('revoked, expired, mistyped, without its prefix, Basic, or Bearer alone: 401 problem with a Bearer challenge', async () => {
    const made = await alice.postForm('/settings/tokens', { name: 'to revoke', scope: 'write', expires: 'never', current: PASSWORD });
    const revokedOnPage = (await made.text()).match(/id="new-token"[^>]*value="([^"]*)"/)![1]!;
    const [{ id: pageId }] = await t.sql<{ id: string }[]>`select id from api_tokens where name = 'to revoke'`;
    assert.equal((await alice.postForm(`/settings/tokens/${pageId}/revoke`, {})).status, 303);
    const revoked = await createToken(t.sql, { userId: aliceId, name: 'revoked in code', scope: 'write' });
    assert.equal(await revokeToken(t.sql, aliceId, revoked.id), 'revoked in code');
    const expired = await createToken(t.sql, { userId: aliceId, name: 'expired', scope: 'write', expiresInDays: 7 });
    await t.sql`update api_tokens set expires_at = now() - interval '1 second' where id = ${expired.id}`;
    const live = await tokenOf('alice');
    const last = live.at(-1) === 'A' ? 'B' : 'A';

    const headers = [
      `Bearer ${revokedOnPage}`, `Bearer ${revoked.token}`, `Bearer ${expired.token}`,
      `Bearer ${live.slice(0, -1)}${last}`, `Bearer ${live.slice(0, -1)}`, `Bearer ${live}x`, `Bearer ${live.slice(4)}`,
      `Bearer cir_${'A'.repeat(43)}`, `Basic ${btoa(`alice:${PASSWORD}`)}`, `Basic ${btoa(`alice:${live}`)}`,
      'Bearer', 'Bearer ', `Token ${live}`, `Bearer ${live} ${live}`, `Bearer${live}`,
    ];
    const asks: [string, Init][] = [['/api/v1/me', {}], ['/api/v1/images', {}], ['/api/v1/gallery', {}],
      ['/api/v1/albums', json('POST', { title: 'x' })], [`/api/v1/images/${aliceImage}`, { method: 'DELETE' }]];
    const before = await snapshot();
    for (const authorization of headers) {
      for (const [path, init] of asks) {
        const res = await api(undefined, path, { ...init, headers: { ...init.headers, Authorization: authorization } });
        await assertProblem(res, 401, `${authorization.slice(0, 20)}… ${path}`);
        assert.match(res.headers.get('WWW-Authenticate') ?? '', /^Bearer\b/, authorization);
      }
    }
    assert.equal(await snapshot(), before);
    // None at all, or one in the query string (which would end up in logs): asked for.
    for (const path of ['/api/v1/me', `/api/v1/me?access_token=${live}`, `/api/v1/images?token=${live}`]) {
      const res = await api(undefined, path);
      await assertProblem(res, 401, path);
      assert.equal(res.headers.get('WWW-Authenticate'), 'Bearer realm="api"');
    }
    assert.equal((await api(live, '/api/v1/me')).status, 200, 'the token they were made from works');
  });

  test('a read token changes nothing: every write is a 403', async () => {
    const before = await snapshot();
    const writes: [string, () => Promise<Init>][] = [
      ['/api/v1/images', async () => ({ method: 'POST', body: await imageForm('read-upload.jpg', { visibility: 'public' }) })],
      [`/api/v1/images/${aliceImage}`, async () => json('PATCH', { title: 'changed', visibility: 'public' })],
      [`/api/v1/images/${aliceImage}`, async () => ({ method: 'DELETE' })],
      ['/api/v1/albums', async () => json('POST', { title: 'new album' })],
      [`/api/v1/albums/${aliceAlbum}/images`, async () => json('POST', { ids: [aliceImage], confirm: true })],
      [`/api/v1/albums/${aliceAlbum}/images/${aliceImage}`, async () => ({ method: 'DELETE' })],
    ];
    for (const [path, init] of writes) {
      const ask = await init();
      await assertProblem(await api(aliceRead, path, ask), 403, `${ask.method} ${path}`);
    }
    assert.equal(await snapshot(), before);
    assert.equal((await api(aliceRead, `/api/v1/images/${aliceImage}`)).status, 200, 'it may read');
  });
});

describe('what ends a token', () => {
  const me = async (token: string) => (await api(token, '/api/v1/me')).status;

  test("a new password set in settings ends every one of the user's tokens", async () => {
    const carol = await newUser(t, 'carol');
    const tokens = [await tokenOf('carol'), await tokenOf('carol', 'read')];
    const others = await tokenOf('bob');
    for (const token of tokens) assert.equal(await me(token), 200);
    assert.equal((await carol.postForm('/settings/password', { current: PASSWORD, password: 'a brand new password' })).status, 303);
    for (const token of tokens) assert.equal(await me(token), 401);
    assert.equal(await me(others), 200, "another user's token lives on");
    assert.equal(await me(await tokenOf('carol')), 200, 'a token made afterwards works');
  });

  test('a password reset ends them', async () => {
    await newUser(t, 'dave');
    const token = await tokenOf('dave');
    const link = await issueToken(t.sql, await idOf('dave'), 'reset', 'dave@example.com');
    assert.equal((await new TestClient(t).postForm(`/password/reset/${link}`, { password: 'reset to something' })).status, 303);
    assert.equal(await me(token), 401);
  });

  test('so does any change of the password hash, such as an admin tool in SQL', async () => {
    await newUser(t, 'erin');
    const token = await tokenOf('erin');
    await t.sql`update users set email = 'erin2@example.com' where username = 'erin'`;
    assert.equal(await me(token), 200, 'other changes leave it');
    await t.sql`update users set password_hash = ${await hashPassword('set by a tool')} where username = 'erin'`;
    assert.equal(await me(token), 401);
  });

  test('deleting the account deletes its tokens', async () => {
    const frank = await newUser(t, 'frank');
    const id = await idOf('frank');
    const token = await tokenOf('frank');
    assert.equal((await frank.postForm('/settings/delete-account', { password: PASSWORD })).status, 303);
    assert.equal((await t.sql`select 1 from api_tokens where user_id = ${id}`).length, 0);
    assert.equal(await me(token), 401);
  });

  test('an admin disabling the account ends its tokens and withholds its images; enabling brings the images back, not the tokens', async () => {
    await newUser(t, 'gina');
    const token = await tokenOf('gina');
    const image = await uploadWith(token, 'gina.jpg', 'public');
    const inGallery = async () => ((await (await api(undefined, '/api/v1/gallery?limit=100')).json()) as { images: { id: string }[] })
      .images.some((i) => i.id === image);
    assert.ok(await inGallery());
    assert.equal((await root.postForm('/admin/users/gina', { disabled: '1' })).status, 303);
    const res = await api(token, '/api/v1/me');
    await assertProblem(res, 401, 'disabled');
    assert.match(res.headers.get('WWW-Authenticate')!, /^Bearer/);
    assert.equal((await api(token, '/api/v1/images', { method: 'POST', body: await imageForm('while-disabled.jpg') })).status, 401);
    assert.equal(await inGallery(), false);
    assert.equal((await root.postForm('/admin/users/gina', { disabled: '0' })).status, 303);
    // A token may have been why the account was disabled: it stays ended.
    assert.equal(await me(token), 401);
    assert.ok(await inGallery());
    assert.equal(await me(await tokenOf('gina')), 200);
  });
});

describe('cookies never authenticate under /api/', () => {
  test("a signed-in browser's writes are 401 problems, from this site or another, and change nothing", async () => {
    assert.equal((await alice.request('/dashboard')).status, 200, 'signed in');
    const before = await snapshot();
    const writes: [string, () => Promise<Init>][] = [
      ['/api/v1/images', async () => ({ method: 'POST', body: await imageForm('cookie.jpg', { visibility: 'public' }) })],
      [`/api/v1/images/${aliceImage}`, async () => json('PATCH', { visibility: 'public' })],
      [`/api/v1/images/${aliceImage}`, async () => ({ method: 'DELETE' })],
      ['/api/v1/albums', async () => json('POST', { title: 'by cookie' })],
      // What a page of another site can send without a preflight.
      ['/api/v1/albums', async () => ({ method: 'POST', body: '{"title":"simple"}', headers: { 'Content-Type': 'text/plain' } })],
      ['/api/v1/albums', async () => ({ method: 'POST', body: 'title=form', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })],
    ];
    for (const origin of ['http://localhost', 'https://evil.example']) {
      for (const [path, init] of writes) {
        const ask = await init();
        const site = origin === 'http://localhost' ? 'same-origin' : 'cross-site';
        const res = await alice.request(path, { ...ask, headers: { ...ask.headers, Origin: origin, 'Sec-Fetch-Site': site } });
        await assertProblem(res, 401, `${ask.method} ${path} from ${origin}`);
        assert.match(res.headers.get('WWW-Authenticate')!, /^Bearer/);
      }
    }
    assert.equal(await snapshot(), before);
    assert.equal((await alice.request('/dashboard')).status, 200, 'and the session is untouched');
  });

  test('reads with only a cookie are 401 too', async () => {
    for (const path of ['/api/v1/me', '/api/v1/images', `/api/v1/images/${aliceImage}`, '/api/v1/albums']) {
      const res = await alice.request(path);
      await assertProblem(res, 401, path);
      assert.doesNotMatch(await (await alice.request(path)).text(), /alice/);
    }
  });
});

describe('a token never authenticates a page', () => {
  test('with only a valid token, the pages treat the request as signed out and nothing changes', async () => {
    const visitor = new TestClient(t);
    const auth = { Authorization: `Bearer ${aliceWrite}` };
    for (const path of ['/dashboard', '/settings', '/settings/tokens', '/trash']) {
      const res = await visitor.request(path, { headers: auth });
      assert.equal(res.status, 303, path);
      assert.match(res.headers.get('Location')!, /^\/login\?next=/, path);
    }
    const before = await snapshot();
    const upload = await visitor.request('/upload', { method: 'POST', body: await imageForm('page.jpg', { visibility: 'public' }), headers: auth });
    assert.equal(upload.status, 401);
    assert.equal((await visitor.postForm(`/images/${aliceImage}/delete`, {}, auth)).status, 401);
    assert.equal((await visitor.postForm('/settings/tokens', { name: 'more', scope: 'write' }, auth)).status, 401);
    assert.equal((await visitor.request(`/images/${aliceImage}`, { headers: auth })).status, 404, 'a private image stays hidden');
    assert.equal(await snapshot(), before);
  });
});

describe('CORS', () => {
  test('any origin may call the API with a token, never with credentials', async () => {
    const preflight = await t.app.request('http://localhost/api/v1/images', {
      method: 'OPTIONS',
      headers: { Origin: 'https://tool.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('Access-Control-Allow-Origin'), '*');
    assert.match(preflight.headers.get('Access-Control-Allow-Headers')!, /(^|,\s*)Authorization(,|$)/i);
    assert.match(preflight.headers.get('Access-Control-Allow-Methods')!, /POST/);
    assert.equal(preflight.headers.get('Access-Control-Allow-Credentials'), null);

    const res = await api(aliceRead, '/api/v1/images', { headers: { Origin: 'https://tool.example' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('Access-Control-Allow-Origin'), '*');
    assert.equal(res.headers.get('Access-Control-Allow-Credentials'), null);
    // A refusal can be read by the tool too, with its challenge.
    const refused = await api('cir_nope', '/api/v1/images', { headers: { Origin: 'https://tool.example' } });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('Access-Control-Allow-Origin'), '*');
    assert.match(refused.headers.get('Access-Control-Expose-Headers')!, /WWW-Authenticate/i);
  });

  test('the pages allow no other origin', async () => {
    for (const [method, path] of [['GET', '/dashboard'], ['GET', '/gallery'], ['OPTIONS', '/upload'], ['OPTIONS', '/settings/tokens']]) {
      const res = await alice.request(path!, { method, headers: { Origin: 'https://tool.example', 'Access-Control-Request-Method': 'POST' } });
      assert.equal(res.headers.get('Access-Control-Allow-Origin'), null, `${method} ${path}`);
      assert.equal(res.headers.get('Access-Control-Allow-Credentials'), null, `${method} ${path}`);
    }
  });
});

describe('the request limit (API_REQUESTS_PER_MINUTE=5), counted in PostgreSQL', () => {
  // Two more instances of the app over the same database, as behind a load balancer.
  let one: ReturnType<typeof createApp>;
  let two: ReturnType<typeof createApp>;
  before(() => {
    const config = loadConfig({ DATA_DIR: t.config.dataDir, API_REQUESTS_PER_MINUTE: '5', TRUST_PROXY: '1' });
    one = createApp({ ...t, config });
    two = createApp({ ...t, config });
  });
  const from = (address: string, token?: string) => ({ headers: { 'X-Forwarded-For': address, ...(token ? { Authorization: `Bearer ${token}` } : {}) } });

  async function assertLimited(res: Response, what: string) {
    await assertProblem(res, 429, what);
    const retry = res.headers.get('Retry-After')!;
    assert.match(retry, /^[1-9]\d*$/, `Retry-After: ${retry}`);
    assert.ok(Number(retry) <= 60);
  }

  test("the 6th request of a token in a minute is a 429 with Retry-After; another token of the user counts on its own", async () => {
    const first = await tokenOf('alice', 'read');
    const second = await tokenOf('alice', 'read');
    for (let i = 0; i < 5; i += 1) assert.equal((await api(undefined, '/api/v1/me', from('10.1.0.1', first), one)).status, 200, `request ${i + 1}`);
    await assertLimited(await api(undefined, '/api/v1/me', from('10.1.0.1', first), one), 'the 6th');
    // From another address it is the same token.
    await assertLimited(await api(undefined, '/api/v1/images', from('10.1.0.2', first), one), 'elsewhere');
    assert.equal((await api(undefined, '/api/v1/me', from('10.1.0.1', second), one)).status, 200);
  });

  test('requests without a token count per address', async () => {
    for (let i = 0; i < 5; i += 1) assert.equal((await api(undefined, '/api/v1/gallery', from('10.2.0.1'), one)).status, 200);
    await assertLimited(await api(undefined, '/api/v1/gallery', from('10.2.0.1'), one), 'the 6th from one address');
    assert.equal((await api(undefined, '/api/v1/gallery', from('10.2.0.2'), one)).status, 200, 'another address');
    assert.equal((await api(undefined, '/api/v1/me', from('10.2.0.1', await tokenOf('alice')), one)).status, 200, 'a token there');
  });

  test('tokens that do not authenticate count against the address: guessing costs requests', async () => {
    for (let i = 0; i < 5; i += 1) {
      assert.equal((await api(undefined, '/api/v1/me', from('10.3.0.1', `cir_guess${i}`), one)).status, 401);
    }
    await assertLimited(await api(undefined, '/api/v1/me', from('10.3.0.1', 'cir_guess5'), one), 'the 6th guess');
    await assertLimited(await api(undefined, '/api/v1/gallery', from('10.3.0.1'), one), 'and without a token');
  });

  test('two instances share the count', async () => {
    const token = await tokenOf('alice', 'read');
    for (const app of [one, two, one, two, two]) assert.equal((await api(undefined, '/api/v1/me', from('10.4.0.1', token), app)).status, 200);
    await assertLimited(await api(undefined, '/api/v1/me', from('10.4.0.1', token), one), 'on the first');
    await assertLimited(await api(undefined, '/api/v1/me', from('10.4.0.1', token), two), 'on the second');
    for (const app of [two, one, two, one, one]) assert.equal((await api(undefined, '/api/v1/gallery', from('10.4.0.2'), app)).status, 200);
    await assertLimited(await api(undefined, '/api/v1/gallery', from('10.4.0.2'), two), 'an address, on the second');
  });
});

describe('the token at rest', () => {
  test('no table holds the token, only its SHA-256', async () => {
    const made = await (await alice.postForm('/settings/tokens', { name: 'at rest', scope: 'write', expires: '30', current: PASSWORD })).text();
    const token = made.match(/id="new-token"[^>]*value="([^"]*)"/)![1]!;
    assert.equal((await api(token, '/api/v1/me')).status, 200, 'used once, so whatever use stores is stored');
    const [row] = await t.sql<{ token_hash: string }[]>`select token_hash from api_tokens where name = 'at rest'`;
    assert.equal(row!.token_hash, createHash('sha256').update(token).digest('hex'));
    const secret = token.slice(4);
    const tables = await t.sql<{ name: string }[]>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`;
    assert.ok(tables.some((r) => r.name === 'api_tokens'));
    for (const { name } of tables) {
      const rows = await t.sql<{ row: string }[]>`select row_to_json(x)::text as row from ${t.sql(name)} x`;
      assert.ok(!rows.some((r) => r.row.includes(secret) || r.row.includes(secret.slice(0, 16))), `${name} holds the token`);
    }
  });
});

describe('unexpected errors', () => {
  test('a 500 is a problem with a generic detail; what went wrong goes to the log only', async () => {
    const leak = 'connect ECONNREFUSED 10.9.8.7:5432 password=hunter2';
    /** The app's database, failing every query that has `marker` in it. */
    const failingOn = (marker: string) => new Proxy(t.sql, {
      apply(target, self, args: unknown[]) {
        const strings = args[0] as readonly string[] | undefined;
        if (Array.isArray(strings) && strings.join('').includes(marker)) return Promise.reject(new Error(leak));
        return Reflect.apply(target, self, args);
      },
    });
    const logged: string[] = [];
    const log = createLogger('error', { write: (line: string) => void logged.push(line) });
    // In the token check (middleware) and in a route's own query.
    for (const marker of ['from api_tokens t join users u', 'from images i join users u']) {
      const app = createApp({ ...t, sql: failingOn(marker), log });
      const res = await api(aliceRead, `/api/v1/images/${aliceImage}`, {}, app);
      const body = await assertProblem(res, 500, marker);
      assert.equal(body.detail, 'Something went wrong on our side. Please try again.');
      const text = JSON.stringify(body);
      assert.doesNotMatch(text, /hunter2|ECONNREFUSED|10\.9\.8\.7|at .*\.ts/);
    }
    assert.equal(logged.filter((line) => line.includes('hunter2')).length, 2, 'each error is logged, once');
  });
});
