import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { ORIGIN, TestClient, OwnAddressClient as Browser, PASSWORD } from '../test-support/client.ts';
import { SoftAuthenticator } from '../test-support/authenticator.ts';
import { totpAt } from '../two-factor/totp.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp({ TRUST_PROXY: '1' });
});
after(() => t.close());

const signUp = (username: string) => new Browser(t).signup(username);
const userId = async (username: string) => (await t.sql`select id from users where username = ${username}`)[0]!.id as string;
const signedIn = async (c: TestClient) => (await c.request('/dashboard')).status === 200;
const postJson = (c: TestClient, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  c.request(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body ?? {}) });

/** Adds a passkey the way static/passkeys.js does: options, the authenticator's answer, the answer posted. */
async function addPasskey(c: TestClient, authenticator = new SoftAuthenticator(), name = 'Laptop', code?: string) {
  const options = await (await postJson(c, '/settings/passkeys/options', { password: PASSWORD, code })).json();
  return postJson(c, '/settings/passkeys', { name, credential: authenticator.register(options, ORIGIN) });
}

/** Signs in with a passkey, no username or password typed. */
async function passkeySignIn(c: TestClient, authenticator: SoftAuthenticator, next?: string) {
  const options = await (await postJson(c, '/login/passkey/options')).json();
  return postJson(c, '/login/passkey', { credential: authenticator.authenticate(options, ORIGIN), next });
}

describe('POST /settings/passkeys', () => {
  test('registers the answer of an authenticator; settings list it by name', async () => {
    const c = await signUp('keyholder');
    const authenticator = new SoftAuthenticator();
    const res = await addPasskey(c, authenticator, 'Work laptop');
    assert.equal(res.status, 201);
    assert.deepEqual(await res.json(), { redirect: '/settings#security' });
    const rows = await t.sql`select id, user_id, name, counter::int from passkeys where user_id = ${await userId('keyholder')}`;
    assert.deepEqual(rows.map((r) => ({ ...r })), [{ id: authenticator.credentialId, user_id: await userId('keyholder'), name: 'Work laptop', counter: 0 }]);
    const html = await (await c.request('/settings')).text();
    assert.match(html, /<strong>Work laptop<\/strong>/);
    assert.match(html, /never used/);
    assert.match(html, /Passkeys<\/dt><dd>1<\/dd>/);
    assert.ok(html.includes(`/settings/passkeys/${encodeURIComponent(authenticator.credentialId)}/delete`));
  });

  test('the options exclude the passkeys already registered; an answer is taken once', async () => {
    const c = await signUp('twice');
    const authenticator = new SoftAuthenticator();
    const options = await (await postJson(c, '/settings/passkeys/options', { password: PASSWORD })).json();
    assert.deepEqual(options.excludeCredentials, []);
    const credential = authenticator.register(options, ORIGIN);
    assert.equal((await postJson(c, '/settings/passkeys', { name: 'Phone', credential })).status, 201);
    assert.equal((await postJson(c, '/settings/passkeys', { name: 'Phone again', credential })).status, 400);
    const again = await (await postJson(c, '/settings/passkeys/options', { password: PASSWORD })).json();
    assert.deepEqual(again.excludeCredentials.map((e: { id: string }) => e.id), [authenticator.credentialId]);
    assert.equal((await t.sql`select 1 from passkeys where user_id = ${await userId('twice')}`).length, 1);
  });

  test('refuses an answer that is not a passkey, with 400 JSON', async () => {
    const c = await signUp('garbage');
    const res = await postJson(c, '/settings/passkeys', { name: 'x', credential: { id: 'a', rawId: 'a', type: 'nope', response: {} } });
    assert.equal(res.status, 400);
    assert.ok((await res.json()).error);
  });
});

describe('POST /login/passkey', () => {
  test('signs in without a password, to a fresh session and on to `next`', async () => {
    const authenticator = new SoftAuthenticator();
    assert.equal((await addPasskey(await signUp('passwordless'), authenticator)).status, 201);
    const c = new Browser(t);
    c.cookies.set('session', 'planted-by-an-attacker');
    const res = await passkeySignIn(c, authenticator, '/upload');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { redirect: '/upload' });
    assert.notEqual(c.cookies.get('session'), 'planted-by-an-attacker');
    assert.ok(await signedIn(c));
    const [row] = await t.sql`select counter::int, last_used_at from passkeys where id = ${authenticator.credentialId}`;
    assert.equal(row!.counter, 1);
    assert.ok(row!.last_used_at);
    assert.match(await (await c.request('/settings')).text(), /last used/);
  });

  test('only to paths of this site', async () => {
    const authenticator = new SoftAuthenticator();
    await addPasskey(await signUp('nexter'), authenticator);
    const res = await passkeySignIn(new Browser(t), authenticator, '//evil.example/x');
    assert.deepEqual(await res.json(), { redirect: '/dashboard' });
  });

  test('a removed passkey no longer signs in: 401 JSON', async () => {
    const c = await signUp('remover');
    const authenticator = new SoftAuthenticator();
    await addPasskey(c, authenticator);
    const res = await c.postForm(`/settings/passkeys/${encodeURIComponent(authenticator.credentialId)}/delete`, {});
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/settings#security');
    assert.equal((await t.sql`select 1 from passkeys where id = ${authenticator.credentialId}`).length, 0);
    assert.match(await (await c.request('/settings')).text(), /No passkeys yet/);

    const other = new Browser(t);
    const refused = await passkeySignIn(other, authenticator);
    assert.equal(refused.status, 401);
    assert.match((await refused.json()).error, /not registered/);
    assert.equal(await signedIn(other), false);
  });

  test('completes a sign-in waiting for its second factor', async () => {
    const c = await signUp('bothways');
    const secret = (await (await c.request('/settings/2fa')).text()).match(/name="secret" value="([\w-]{27})"/)![1]!;
    const key = new Uint8Array(Buffer.from(secret, 'base64url'));
    assert.equal((await c.postForm('/settings/2fa', { secret, code: totpAt(key), password: PASSWORD })).status, 200);
    const authenticator = new SoftAuthenticator();
    // With two-factor login on, adding a passkey takes what a sign-in takes: a code too.
    const withoutCode = await postJson(c, '/settings/passkeys/options', { password: PASSWORD });
    assert.equal(withoutCode.status, 401);
    assert.match((await withoutCode.json()).error, /current code/);
    assert.equal((await addPasskey(c, authenticator, 'Laptop', totpAt(key, Date.now() + 30_000))).status, 201);

    const browser = new Browser(t);
    const pw = await browser.postForm('/login', { username: 'bothways', password: PASSWORD });
    assert.equal(pw.headers.get('location'), '/login/2fa');
    assert.equal(await signedIn(browser), false);
    const id = await userId('bothways');
    assert.equal((await t.sql`select 1 from login_challenges where user_id = ${id}`).length, 1);

    const res = await passkeySignIn(browser, authenticator);
    assert.equal(res.status, 200);
    assert.ok(await signedIn(browser));
    assert.equal((await t.sql`select 1 from login_challenges where user_id = ${id}`).length, 0, 'the challenge is gone');
    assert.equal(browser.cookies.get('login2fa'), undefined);
  });
});

describe('passkey options', () => {
  test('registration options need a signed-in user', async () => {
    const challenges = async () => (await t.sql`select count(*)::int as n from webauthn_challenges`)[0]!.n as number;
    const before = await challenges();
    const res = await postJson(new Browser(t), '/settings/passkeys/options', { password: PASSWORD });
    assert.ok([401, 303].includes(res.status), String(res.status));
    assert.equal(await challenges(), before, 'no challenge stored');
    const signedOut = await postJson(new Browser(t), '/settings/passkeys', { name: 'x', credential: {} });
    assert.ok([401, 303].includes(signedOut.status));
  });

  test('registration options need the password: a session alone adds no passkey', async () => {
    const c = await signUp('borrowed');
    const challenges = async () => (await t.sql`select count(*)::int as n from webauthn_challenges`)[0]!.n as number;
    const before = await challenges();
    const wrong = await postJson(c, '/settings/passkeys/options', { password: 'not my password' });
    assert.equal(wrong.status, 401);
    assert.match((await wrong.json()).error, /password is not right/);
    assert.equal((await postJson(c, '/settings/passkeys/options')).status, 400);
    assert.equal(await challenges(), before, 'no challenge stored');
  });

  test('sign-in options are counted per address (each keeps a challenge for a while)', async () => {
    const b = new Browser(t);
    let last: Response | undefined;
    for (let i = 0; i <= t.config.loginAttemptsPerAddress; i++) last = await postJson(b, '/login/passkey/options');
    assert.equal(last!.status, 429);
    assert.ok(Number(last!.headers.get('retry-after')) > 0);
    assert.equal((await postJson(new Browser(t), '/login/passkey/options')).status, 200, 'another address is not affected');
  });

  test('ask for user verification and a discoverable credential on this site', async () => {
    const c = await signUp('optionist');
    const reg = await (await postJson(c, '/settings/passkeys/options', { password: PASSWORD })).json();
    assert.equal(reg.rp.id, 'localhost');
    assert.equal(reg.authenticatorSelection.userVerification, 'required');
    assert.equal(reg.authenticatorSelection.residentKey, 'required');
    const login = await (await postJson(new Browser(t), '/login/passkey/options')).json();
    assert.equal(login.rpId, 'localhost');
    assert.equal(login.userVerification, 'required');
  });

  test('a foreign Origin is refused with 403 everywhere', async () => {
    const c = await signUp('csrfkeys');
    const evil = { Origin: 'https://evil.example' };
    for (const path of ['/settings/passkeys/options', '/settings/passkeys', '/login/passkey/options', '/login/passkey']) {
      assert.equal((await postJson(c, path, {}, evil)).status, 403, path);
    }
    const authenticator = new SoftAuthenticator();
    await addPasskey(c, authenticator);
    const del = await c.request(`/settings/passkeys/${encodeURIComponent(authenticator.credentialId)}/delete`, { method: 'POST', headers: evil });
    assert.equal(del.status, 403);
    assert.equal((await t.sql`select 1 from passkeys where id = ${authenticator.credentialId}`).length, 1);
  });
});
