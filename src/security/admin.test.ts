// Attacks on running an instance: finding or using the admin pages without being an admin,
// stretching invites past their uses or their date, racing a sign-up against closed registration,
// getting back into a disabled account, granting yourself a role, and cross-site admin posts.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { OwnAddressClient as Browser, PASSWORD, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { needsServer } from '../test-support/locks.ts';
import { VARIANTS, type KeyParts, KEY_COLUMNS } from '../images/keys.ts';
import { variantUrl } from '../images/urls.ts';
import { ACCOUNT_DISABLED } from '../auth/sign-in.ts';
import { INVITE_DEAD, SIGNUP_CLOSED } from '../auth/registration.ts';
import { createChallenge } from '../auth/challenges.sql.ts';
import { issueToken } from '../recovery/tokens.sql.ts';
import { totpAt } from '../two-factor/totp.ts';
import { createAlbum } from '../albums/albums.sql.ts';

let t: TestApp;
let root: TestClient; // the admin
let mallory: TestClient; // signed in, not an admin
let victim: TestClient;
let inviteId: string;

before(async () => {
  // Behind a proxy: each browser has an address of its own, so no per-address limit trips.
  t = await startTestApp({ TRUST_PROXY: '1' });
  root = await new Browser(t).signup('root');
  mallory = await new Browser(t).signup('mallory');
  victim = await new Browser(t).signup('victim');
  await victim.upload([{ name: 'victim.jpg', data: await jpeg(60, 40) }], 'public');
  assert.equal((await root.postForm('/admin/invites', { uses: '3' })).status, 200);
  inviteId = (await t.sql<{ id: string }[]>`select id from invites`)[0]!.id;
});
after(() => t.close());

const idOf = async (username: string) => (await t.sql<{ id: string }[]>`select id from users where username = ${username}`)[0]!.id;
const usersNamed = async (prefix: string) => (await t.sql`select 1 from users where username like ${`${prefix}%`}`).length;
const signedIn = async (c: TestClient) => (await c.request('/dashboard')).status === 200;
const signupWith = (username: string, fields: Record<string, string> = {}) =>
  new Browser(t).postForm('/signup', { email: `${username}@example.com`, username, password: PASSWORD, ...fields });
const setRegistration = (registration: string) =>
  root.postForm('/admin/settings', { registration, default_quota_mb: '', gallery_public: '1' });
const newInvite = async (fields: Record<string, string>) => {
  const html = await (await root.postForm('/admin/invites', fields)).text();
  const token = html.match(/signup\?invite=([\w-]{43})"/)![1]!;
  const [{ id }] = await t.sql<{ id: string }[]>`select id from invites order by created_at desc, id desc limit 1`;
  return { token, id: id! };
};
/** A client that sends `cookie` as its session on every request, even after being told to drop it. */
const holding = (cookie: string) => ({
  request(path: string, init: Parameters<TestClient['request']>[1] = {}) {
    const c = new TestClient(t);
    c.cookies.set('session', cookie);
    return c.request(path, init);
  },
  postForm(path: string, fields: Record<string, string>) {
    return this.request(path, { method: 'POST', body: new URLSearchParams(fields) });
  },
});

/** Everything an admin action could change (last_seen_at aside, which any visit moves). */
async function snapshot() {
  return JSON.stringify({
    users: await t.sql`select id, username, email, role, disabled_at, quota_bytes from users order by id`,
    settings: await t.sql`select * from instance_settings`,
    invites: await t.sql`select id, uses, max_uses, revoked_at, expires_at from invites order by id`,
    audit: await t.sql`select id from audit_log order by id`,
    images: await t.sql`select id, visibility, withheld, deleted_at from images order by id`,
    sessions: await t.sql`select id, user_id from sessions order by id`,
  });
}

describe('the admin pages, to a visitor and to a signed-in non-admin', () => {
  const GETS = [
    '/admin', '/admin/', '/admin/settings', '/admin/audit', '/admin/audit?before=9999', '/admin/users', '/admin/users?q=vic',
    '/admin/users/victim', '/admin/users/root', '/admin/users/mallory', '/admin/users/victim/delete', '/admin/users/nobody',
    '/admin/invites', '/admin/nothing-at-all',
  ];
  const POSTS: [string, Record<string, string>][] = [
    ['/admin/settings', { registration: 'closed', default_quota_mb: '1' }],
    ['/admin/settings', { registration: 'open', default_quota_mb: '', gallery_public: '1' }],
    ['/admin/users/victim', { disabled: '1' }],
    ['/admin/users/victim', { quota_mb: '1' }],
    ['/admin/users/mallory', { role: 'admin' }],
    ['/admin/users/root', { role: 'user', disabled: '1' }],
    ['/admin/users/victim/delete', { confirm: 'victim' }],
    ['/admin/users/root/delete', { confirm: 'root' }],
    ['/admin/invites', { uses: '1000', days: '' }],
    ['/admin', {}],
    ['/admin/audit', {}],
  ];

  /** Status, headers and body, with the path asked for named the same way in every answer. */
  const answer = async (res: Response) => ({
    status: res.status,
    type: res.headers.get('content-type'),
    cookies: res.headers.getSetCookie(),
    body: await res.text(),
  });

  test('every GET and POST answers exactly as an unknown URL does, and nothing changes', async () => {
    const before = await snapshot();
    for (const who of [new TestClient(t), mallory]) {
      const missing = await answer(await who.request('/no-such-page'));
      const missingPost = await answer(await who.postForm('/no-such-page', {}));
      assert.equal(missing.status, 404);
      assert.equal(missingPost.status, 404);
      for (const path of GETS) assert.deepEqual(await answer(await who.request(path)), missing, `GET ${path}`);
      for (const [path, fields] of [...POSTS, [`/admin/invites/${inviteId}/revoke`, {}] as [string, Record<string, string>]]) {
        assert.deepEqual(await answer(await who.postForm(path, fields)), missingPost, `POST ${path}`);
      }
      // htmx asking for a fragment gets the unknown URL's fragment too.
      const fragment = { 'HX-Request': 'true' };
      assert.deepEqual(await answer(await who.request('/admin/users', { headers: fragment })), await answer(await who.request('/no-such-page', { headers: fragment })));
    }
    assert.equal(await snapshot(), before);
    assert.equal((await t.sql`select role from users where username = 'mallory'`)[0]!.role, 'user');
  });

  test('nor does any other method reach them', async () => {
    const before = await snapshot();
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      for (const path of ['/admin/users/victim', '/admin/settings', `/admin/invites/${inviteId}`]) {
        assert.equal((await mallory.request(path, { method })).status, 404, `${method} ${path}`);
      }
    }
    assert.equal(await snapshot(), before);
  });
});

describe('a non-admin giving themselves a role', () => {
  test('a role field posted to their settings, sign-up or anywhere else is ignored', async () => {
    const forged = { role: 'admin', disabled: '0', quota_bytes: '999999999999', quota_mb: '999999' };
    await mallory.postForm('/settings', forged);
    await mallory.postForm('/settings/email', { email: 'mallory2@example.com', current: PASSWORD, ...forged });
    await mallory.postForm('/settings/password', { current: PASSWORD, password: 'another long one', ...forged });
    await mallory.postForm('/albums', { title: 'x', ...forged });
    const [row] = await t.sql`select role, quota_bytes from users where username = 'mallory'`;
    assert.deepEqual({ ...row }, { role: 'user', quota_bytes: null });
    assert.equal((await mallory.request('/admin')).status, 404);

    assert.equal((await signupWith('sneaky', forged)).status, 303);
    const [sneaky] = await t.sql`select role, quota_bytes from users where username = 'sneaky'`;
    assert.deepEqual({ ...sneaky }, { role: 'user', quota_bytes: null });
  });
});

describe('CSRF on admin actions', () => {
  test('an admin POST from another site, or with no Origin at all, is refused and changes nothing', async () => {
    const before = await snapshot();
    for (const headers of [{ Origin: 'https://evil.example' }, { Origin: 'null' }, { Origin: 'http://localhost.evil.example' },
      { Origin: undefined as unknown as string }, { Origin: undefined as unknown as string, 'Sec-Fetch-Site': 'cross-site' }] as Record<string, string>[]) {
      for (const [path, fields] of [
        ['/admin/settings', { registration: 'closed', gallery_public: '1' }],
        ['/admin/users/victim', { disabled: '1' }],
        ['/admin/users/mallory', { role: 'admin' }],
        ['/admin/users/victim/delete', { confirm: 'victim' }],
        ['/admin/invites', { uses: '5' }],
        [`/admin/invites/${inviteId}/revoke`, {}],
      ] as const) {
        const res = await root.postForm(path, fields, headers);
        assert.equal(res.status, 403, `${path} ${JSON.stringify(headers)}`);
      }
    }
    assert.equal(await snapshot(), before);
    // The same request from our own origin works: the refusal was about where it came from.
    assert.equal((await root.postForm('/admin/users/victim', { quota_mb: '64' })).status, 303);
  });
});

describe('invites', () => {
  before(async () => assert.equal((await setRegistration('invite')).status, 303));
  after(async () => assert.equal((await setRegistration('open')).status, 303));

  test('a link works its number of uses and no more', async () => {
    const { token, id } = await newInvite({ uses: '2' });
    assert.equal((await signupWith('twice-1', { invite: token })).status, 303);
    assert.equal((await signupWith('twice-2', { invite: token })).status, 303);
    for (const n of [3, 4]) {
      const res = await signupWith(`twice-${n}`, { invite: token });
      assert.equal(res.status, 403);
      assert.ok((await res.text()).includes(INVITE_DEAD));
    }
    assert.equal(await usersNamed('twice-'), 2);
    assert.equal((await t.sql`select uses from invites where id = ${id}`)[0]!.uses, 2);
  });

  test('two sign-ups racing for a single-use link: exactly one account is made', async () => {
    for (let round = 0; round < 3; round++) {
      const { token, id } = await newInvite({ uses: '1' });
      const answers = await Promise.all(['a', 'b', 'c', 'd'].map((x) => signupWith(`race${round}${x}`, { invite: token })));
      assert.deepEqual(answers.map((r) => r.status).sort(), [303, 403, 403, 403]);
      assert.equal(await usersNamed(`race${round}`), 1);
      assert.equal((await t.sql`select uses from invites where id = ${id}`)[0]!.uses, 1);
    }
  });

  test('an expired link, or a revoked one, lets nobody in', async () => {
    const expired = await newInvite({ uses: '5', days: '3' });
    await t.sql`update invites set expires_at = now() - interval '1 second' where id = ${expired.id}`;
    assert.ok((await (await new TestClient(t).request(`/signup?invite=${expired.token}`)).text()).includes(INVITE_DEAD));
    assert.equal((await signupWith('late-guest', { invite: expired.token })).status, 403);

    const revoked = await newInvite({ uses: '5' });
    assert.equal((await root.postForm(`/admin/invites/${revoked.id}/revoke`, {})).status, 303);
    assert.equal((await signupWith('late-guest', { invite: revoked.token })).status, 403);
    // A made-up token, and one that is almost right.
    assert.equal((await signupWith('late-guest', { invite: randomBytes(32).toString('base64url') })).status, 403);
    assert.equal((await signupWith('late-guest', { invite: `${revoked.token.slice(0, -1)}${revoked.token.endsWith('A') ? 'B' : 'A'}` })).status, 403);
    assert.equal(await usersNamed('late-guest'), 0);
    assert.equal((await t.sql`select uses from invites where id in ${t.sql([expired.id, revoked.id])}`).every((r) => r.uses === 0), true);
  });
});

describe('closed registration', () => {
  test('once closed, concurrent sign-ups all get 403 and no row', async () => {
    assert.equal((await setRegistration('closed')).status, 303);
    try {
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => signupWith(`closed${i}`)));
      for (const res of answers) {
        assert.equal(res.status, 403);
        assert.ok((await res.text()).includes(SIGNUP_CLOSED));
      }
      assert.equal(await usersNamed('closed'), 0);
    } finally {
      assert.equal((await setRegistration('open')).status, 303);
    }
  });

  test('closing while sign-ups run: each made account answered 303, and every sign-up begun after the close is refused', async () => {
    try {
      const early = Array.from({ length: 8 }, (_, i) => signupWith(`rush${i}`));
      const close = await setRegistration('closed');
      assert.equal(close.status, 303);
      const late = await Promise.all(Array.from({ length: 4 }, (_, i) => signupWith(`rushlate${i}`)));
      const answered = await Promise.all(early);
      for (const res of late) assert.equal(res.status, 403);
      assert.equal(await usersNamed('rushlate'), 0);
      // A sign-up either made its account and said so, or was refused and made none.
      for (const [i, res] of answered.entries()) {
        assert.ok([303, 403].includes(res.status), String(res.status));
        assert.equal((await t.sql`select 1 from users where username = ${`rush${i}`}`).length, res.status === 303 ? 1 : 0, `rush${i}`);
      }
      // After the close, no sign-up still in flight adds an account.
      assert.equal(await usersNamed('rush'), answered.filter((r) => r.status === 303).length);
    } finally {
      assert.equal((await setRegistration('open')).status, 303);
    }
  });

  test('sign-ups already past every check and waiting to commit are refused when the close commits first', { skip: needsServer }, async () => {
    const waiting = async () => (await t.sql<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)[0]!.n;
    let answers!: Promise<Response[]>;
    await t.sql.begin(async (tx) => {
      // The admin's change holds the settings row, as POST /admin/settings does while it saves.
      await tx`select registration from instance_settings for update`;
      answers = Promise.all(Array.from({ length: 4 }, (_, i) => signupWith(`held${i}`)));
      while ((await waiting()) < 4) await new Promise((r) => setTimeout(r, 5));
      await tx`update instance_settings set registration = 'closed'`;
    });
    try {
      for (const res of await answers) assert.equal(res.status, 403);
      assert.equal(await usersNamed('held'), 0);
    } finally {
      assert.equal((await setRegistration('open')).status, 303);
    }
  });
});

describe('a disabled account', () => {
  test('an upload under way as the account is disabled, and an album made then, are withheld with the rest', async () => {
    const owner = await new Browser(t).signup('latecomer');
    // The body arrives in two parts; the account is disabled between them.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const boundary = 'disable-me-in-the-middle';
    const text = (s: string) => new TextEncoder().encode(s);
    const file = await jpeg(64, 48);
    const body = new ReadableStream<Uint8Array>({
      async start(stream) {
        stream.enqueue(text(`--${boundary}\r\nContent-Disposition: form-data; name="visibility"\r\n\r\npublic\r\n`));
        stream.enqueue(text(`--${boundary}\r\nContent-Disposition: form-data; name="images"; filename="late.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`));
        stream.enqueue(file.subarray(0, 100));
        await gate;
        stream.enqueue(file.subarray(100));
        stream.enqueue(text(`\r\n--${boundary}--\r\n`));
        stream.close();
      },
    });
    const answer = owner.request('/upload', {
      method: 'POST', body, duplex: 'half', headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
    } as RequestInit & { headers: Record<string, string> });
    assert.equal((await root.postForm('/admin/users/latecomer', { disabled: '1' })).status, 303);
    release();
    assert.equal((await answer).status, 200);
    const [row] = await t.sql<{ id: string; withheld: boolean; visibility: string }[]>`select id, withheld, visibility from images where filename = 'late.jpg'`;
    assert.deepEqual({ withheld: row!.withheld, visibility: row!.visibility }, { withheld: true, visibility: 'public' });
    assert.equal((await new TestClient(t).request(`/images/${row!.id}`)).status, 404);
    assert.doesNotMatch(await (await new TestClient(t).request('/gallery')).text(), new RegExp(row!.id));

    // An album written as the account is disabled (its request got past the session check before).
    await createAlbum(t.sql, { id: 'late-album', user_id: await idOf('latecomer'), title: 'Late', description: '', visibility: 'public', share_token: null });
    assert.equal((await t.sql`select withheld from albums where id = 'late-album'`)[0]!.withheld, true);
    assert.equal((await new TestClient(t).request('/albums/late-album')).status, 404);
  });

  async function disabledWithImage(username: string) {
    const owner = await new Browser(t).signup(username);
    await owner.upload([{ name: `${username}.jpg`, data: await jpeg(70, 50) }], 'private');
    const [row] = await t.sql<(KeyParts & { epoch: number })[]>`select ${t.sql(KEY_COLUMNS)}, epoch from images where filename = ${`${username}.jpg`}`;
    const cookie = owner.cookies.get('session')!;
    assert.equal((await holding(cookie).request(`/images/${row!.id}/original`)).status, 200, 'the owner reads it while enabled');
    assert.equal((await root.postForm(`/admin/users/${username}`, { disabled: '1' })).status, 303);
    return { owner, cookie, image: row! };
  }

  test('its old session cookie gets nothing: pages go to log in, POSTs are refused, its private image is 404', async () => {
    const { cookie, image } = await disabledWithImage('sleeper');
    const old = holding(cookie);
    for (const path of ['/dashboard', '/settings', '/upload', '/albums', '/trash', '/settings/2fa']) {
      const res = await old.request(path);
      assert.equal(res.status, 303, path);
      assert.match(res.headers.get('location')!, /^\/login\?next=/, path);
    }
    const byteUrls = [`/images/${image.id}`, `/images/${image.id}/original`, `/images/${image.id}/original?download=1`,
      `/images/${image.id}/display.webp`, ...VARIANTS.map((v) => variantUrl(image, v))];
    for (const url of byteUrls) assert.equal((await old.request(url)).status, 404, url);
    for (const [path, fields] of [
      [`/images/${image.id}/delete`, {}], [`/images/${image.id}/visibility`, { visibility: 'public' }], ['/albums', { title: 'Back' }],
      ['/settings/password', { current: PASSWORD, password: 'a new long password' }], ['/settings/delete-account', { password: PASSWORD }],
      ['/settings/sessions/sign-out-others', {}],
    ] as const) {
      assert.equal((await old.postForm(path, fields)).status, 401, path);
    }
    const upload = new FormData();
    upload.append('images', new Blob([await jpeg(30, 30)]), 'more.jpg');
    assert.equal((await old.request('/upload', { method: 'POST', body: upload })).status, 401);
    const [row] = await t.sql`select visibility, deleted_at from images where id = ${image.id}`;
    assert.deepEqual({ ...row }, { visibility: 'private', deleted_at: null });
    assert.equal((await t.sql`select 1 from albums where user_id = ${await idOf('sleeper')}`).length, 0);
    assert.equal((await t.sql`select 1 from sessions where user_id = ${await idOf('sleeper')}`).length, 0);

    // Enabled again, the old session stays ended: only a new login gets in.
    assert.equal((await root.postForm('/admin/users/sleeper', { disabled: '0' })).status, 303);
    assert.equal((await old.request('/dashboard')).status, 303);
  });

  test('a password reset link does not get it back in', async () => {
    const { owner } = await disabledWithImage('resetter');
    const token = await issueToken(t.sql, await idOf('resetter'), 'reset', 'resetter@example.com');
    const c = new Browser(t);
    const res = await c.postForm(`/password/reset/${token}`, { password: 'a brand new passphrase' });
    assert.equal(res.status, 403);
    assert.ok((await res.text()).includes(ACCOUNT_DISABLED));
    assert.equal(c.cookies.get('session'), undefined);
    assert.equal(await signedIn(c), false);
    assert.equal(await signedIn(owner), false);
    assert.equal((await t.sql`select 1 from sessions where user_id = ${await idOf('resetter')}`).length, 0);
    // Nothing changed: the new password is simply wrong, the old one still meets the disabled account, and the link is unused.
    assert.equal((await c.postForm('/login', { username: 'resetter', password: 'a brand new passphrase' })).status, 401);
    assert.equal((await c.postForm('/login', { username: 'resetter', password: PASSWORD })).status, 403);
  });

  test('a second-factor step that was waiting does not complete, nor one left over from a racing sign-in', async () => {
    const owner = await new Browser(t).signup('twostep');
    const secret = (await (await owner.request('/settings/2fa')).text()).match(/name="secret" value="([\w-]{27})"/)![1]!;
    const key = new Uint8Array(Buffer.from(secret, 'base64url'));
    assert.equal((await owner.postForm('/settings/2fa', { secret, code: totpAt(key), password: PASSWORD })).status, 200);
    const c = new Browser(t);
    assert.equal((await c.postForm('/login', { username: 'twostep', password: PASSWORD })).headers.get('location'), '/login/2fa');

    assert.equal((await root.postForm('/admin/users/twostep', { disabled: '1' })).status, 303);
    const code = totpAt(key, Date.now() + 30_000);
    const res = await c.postForm('/login/2fa', { code });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/login');
    assert.equal(await signedIn(c), false);
    // The password step itself now stops before any second step.
    const again = await new Browser(t).postForm('/login', { username: 'twostep', password: PASSWORD });
    assert.equal(again.status, 403);
    assert.ok((await again.text()).includes(ACCOUNT_DISABLED));

    // A waiting sign-in written just after the disable (a login racing it): the code is right, still no session.
    const token = randomBytes(32).toString('base64url');
    await createChallenge(t.sql, token, await idOf('twostep'), '/dashboard');
    const racer = new Browser(t);
    racer.cookies.set('login2fa', token);
    const raced = await racer.postForm('/login/2fa', { code });
    assert.equal(raced.status, 403);
    assert.ok((await raced.text()).includes(ACCOUNT_DISABLED));
    assert.equal(racer.cookies.get('session'), undefined);
    assert.equal(await signedIn(racer), false);
    assert.equal((await t.sql`select 1 from sessions where user_id = ${await idOf('twostep')}`).length, 0);
  });
});
