import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { TestClient, OwnAddressClient as Browser, PASSWORD } from '../test-support/client.ts';
import { hashRecoveryCode, totpAt } from './totp.ts';

let t: TestApp;
before(async () => {
  // Behind a proxy: each browser below has an address of its own, so the per-address limits on
  // sign-ups and guesses, which all these logins would add up to, stay out of the way.
  t = await startTestApp({ TRUST_PROXY: '1' });
});
after(() => t.close());

const signUp = (username: string) => new Browser(t).signup(username);
const userId = async (username: string) => (await t.sql`select id from users where username = ${username}`)[0]!.id as string;
const sessionsOf = async (id: string) => (await t.sql`select count(*)::int as n from sessions where user_id = ${id}`)[0]!.n as number;
const signedIn = async (c: TestClient) => (await c.request('/dashboard')).status === 200;

/** The code the app shows in the next 30 s step: never the one already used to turn it on. */
const nextCode = (key: Uint8Array) => totpAt(key, Date.now() + 30_000);
/** Six digits the app does not show in any step near now. */
function wrongCode(key: Uint8Array) {
  const near = [-60_000, -30_000, 0, 30_000, 60_000].map((d) => totpAt(key, Date.now() + d));
  for (let n = 0; ; n++) if (!near.includes(String(n).padStart(6, '0'))) return String(n).padStart(6, '0');
}

const secretOf = (html: string) => html.match(/name="secret" value="([\w-]{27})"/)![1]!;
const codesIn = (html: string) => html.match(/<pre class="recovery-codes"[^>]*>([^<]*)<\/pre>/)![1]!.split('\n');

/** Turns two-factor login on as a person does (the app scans the key); the key and the codes shown. */
async function turnOn(c: TestClient) {
  const secret = secretOf(await (await c.request('/settings/2fa')).text());
  const key = new Uint8Array(Buffer.from(secret, 'base64url'));
  const res = await c.postForm('/settings/2fa', { secret, code: totpAt(key), password: PASSWORD });
  assert.equal(res.status, 200);
  return { key, codes: codesIn(await res.text()) };
}

/** The password step of a log-in in a new browser, which must stop at the second factor. */
async function passwordStep(username: string, next?: string) {
  const c = new Browser(t);
  const res = await c.postForm('/login', { username, password: PASSWORD, ...(next ? { next } : {}) });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/login/2fa');
  return c;
}
const sendCode = (c: TestClient, code: string) => c.postForm('/login/2fa', { code });

/** Waits, if needed, until the current 30 s step has at least 10 s left, so codes computed now keep their meaning. */
async function clearOfStepEdge() {
  const left = 30_000 - (Date.now() % 30_000);
  if (left < 10_000) await sleep(left + 100);
}

describe('GET /settings/2fa', () => {
  test('shows the setup link, a QR code drawn as SVG and the key, a new key on each visit', async () => {
    const c = await signUp('scanner');
    const html = await (await c.request('/settings/2fa')).text();
    const secret = secretOf(html);
    assert.match(html, /otpauth:\/\/totp\/Image%20Repository:scanner\?/);
    assert.match(html, /<figure class="qr"[^>]*><svg /);
    const base32 = html.match(/[?&;]secret=([A-Z2-7]+)/)![1]!;
    assert.equal(base32.length, 32, '160 bits in base32');
    assert.equal(Buffer.from(secret, 'base64url').length, 20);
    assert.notEqual(secretOf(await (await c.request('/settings/2fa')).text()), secret);
    assert.equal((await t.sql`select totp_key from users where username = 'scanner'`)[0]!.totp_key, null, 'nothing stored yet');
  });

  test('signed out, it sends to the login page', async () => {
    const res = await new Browser(t).request('/settings/2fa');
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location')!, /^\/login\?next=/);
  });
});

describe('POST /settings/2fa', () => {
  test('a wrong code re-renders the page with 422 and the same key, and turns nothing on', async () => {
    const c = await signUp('mistyper');
    const secret = secretOf(await (await c.request('/settings/2fa')).text());
    const res = await c.postForm('/settings/2fa', { secret, code: wrongCode(new Uint8Array(Buffer.from(secret, 'base64url'))), password: PASSWORD });
    assert.equal(res.status, 422);
    const html = await res.text();
    assert.match(html, /That code is not right/);
    assert.equal(secretOf(html), secret, 'the key the app already scanned');
    assert.equal((await t.sql`select totp_key from users where username = 'mistyper'`)[0]!.totp_key, null);
  });

  test('the right code with a wrong or missing password turns nothing on (a session alone may not), keeping the key', async () => {
    const c = await signUp('borrower');
    const secret = secretOf(await (await c.request('/settings/2fa')).text());
    const code = totpAt(new Uint8Array(Buffer.from(secret, 'base64url')));
    for (const password of ['not my password', undefined]) {
      const res = await c.postForm('/settings/2fa', { secret, code, ...(password ? { password } : {}) });
      assert.equal(res.status, 422);
      const html = await res.text();
      assert.match(html, password ? /That password is not right/ : /Enter your password/);
      assert.equal(secretOf(html), secret);
    }
    assert.equal((await t.sql`select totp_key from users where username = 'borrower'`)[0]!.totp_key, null);
  });

  test('the right code turns it on and shows ten recovery codes once, one per line, stored only as hashes', async () => {
    const c = await signUp('enabler');
    const { key, codes } = await turnOn(c);
    assert.equal(codes.length, 10);
    for (const code of codes) assert.match(code, /^[a-z2-9]{5}-[a-z2-9]{5}$/);
    assert.equal(new Set(codes).size, 10);
    const id = await userId('enabler');
    const [user] = await t.sql`select totp_key from users where id = ${id}`;
    assert.deepEqual(new Uint8Array(user!.totp_key), key);
    const stored = (await t.sql`select hash from recovery_codes where user_id = ${id}`).map((r) => r.hash as string);
    assert.equal(stored.length, 10);
    for (const code of codes) {
      assert.ok(!stored.includes(code) && !stored.includes(code.replace('-', '')), 'no code stored as text');
      assert.ok(stored.includes(hashRecoveryCode(code)));
    }
    const page = await (await c.request('/settings/2fa')).text();
    assert.match(page, /Two-factor login is <strong>on<\/strong>\. You have <strong>10<\/strong> recovery codes left/);
    assert.doesNotMatch(page, /recovery-codes"/, 'the codes are not shown again');
  });
});

describe('POST /login with two-factor login on', () => {
  test('the password alone gives no session; the code gives a fresh one and goes on to `next`', async () => {
    const { key } = await turnOn(await signUp('twostep'));
    const id = await userId('twostep');
    const before = await sessionsOf(id);
    const c = await passwordStep('twostep', '/upload');
    assert.ok(c.cookies.get('login2fa'));
    assert.equal(c.cookies.get('session'), undefined);
    const dash = await c.request('/dashboard');
    assert.equal(dash.status, 303);
    assert.match(dash.headers.get('location')!, /^\/login/);
    assert.equal(await sessionsOf(id), before, 'no session row for the password alone');
    assert.equal((await c.request('/login/2fa')).status, 200);

    const res = await sendCode(c, nextCode(key));
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/upload');
    assert.ok(c.cookies.get('session'));
    assert.equal(c.cookies.get('login2fa'), undefined, 'the waiting sign-in is over');
    assert.ok(await signedIn(c));
    assert.equal(await sessionsOf(id), before + 1);
    assert.equal((await t.sql`select 1 from login_challenges where user_id = ${id}`).length, 0);
  });

  test('a recovery code logs in once, typed with or without its dash', async () => {
    const { codes } = await turnOn(await signUp('recoverer'));
    const first = await passwordStep('recoverer');
    assert.equal((await sendCode(first, codes[0]!.toUpperCase().replace('-', ''))).status, 303);
    assert.ok(await signedIn(first));
    const again = await passwordStep('recoverer');
    assert.equal((await sendCode(again, codes[0]!)).status, 401);
    assert.equal(await signedIn(again), false);
    assert.equal((await sendCode(again, codes[1]!)).status, 303);
    assert.equal((await t.sql`select count(*)::int as n from recovery_codes where user_id = ${await userId('recoverer')}`)[0]!.n, 8);
  });

  test('accepts a code from the step before or after (a phone clock 30 s off), not two steps off', async () => {
    const { key } = await turnOn(await signUp('drifter'));
    await clearOfStepEdge();
    // As if it had been turned on long ago: no recent step used up yet.
    await t.sql`update users set totp_last_step = 0 where username = 'drifter'`;
    const c = await passwordStep('drifter');
    assert.equal((await sendCode(c, totpAt(key, Date.now() - 60_000))).status, 401);
    assert.equal((await sendCode(c, totpAt(key, Date.now() + 60_000))).status, 401);
    assert.equal(await signedIn(c), false);
    assert.equal((await sendCode(c, totpAt(key, Date.now() - 30_000))).status, 303);
    const later = await passwordStep('drifter');
    assert.equal((await sendCode(later, totpAt(key, Date.now() + 30_000))).status, 303);
  });

  test('GET and POST /login/2fa without a waiting sign-in go back to /login', async () => {
    for (const res of [await new Browser(t).request('/login/2fa'), await new Browser(t).postForm('/login/2fa', { code: '123456' })]) {
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), '/login');
    }
  });
});

describe('POST /settings/2fa/disable', () => {
  test('needs the right password and a right code', async () => {
    const c = await signUp('switcher');
    const { key } = await turnOn(c);
    const id = await userId('switcher');
    const isOn = async () => (await t.sql`select totp_key is not null as on from users where id = ${id}`)[0]!.on as boolean;

    const wrongPassword = await c.postForm('/settings/2fa/disable', { password: 'not my password', code: nextCode(key) });
    assert.equal(wrongPassword.status, 422);
    assert.match(await wrongPassword.text(), /That password is not right/);
    assert.ok(await isOn());
    const wrong = await c.postForm('/settings/2fa/disable', { password: PASSWORD, code: wrongCode(key) });
    assert.equal(wrong.status, 422);
    assert.match(await wrong.text(), /That code is not right/);
    assert.ok(await isOn());

    const res = await c.postForm('/settings/2fa/disable', { password: PASSWORD, code: nextCode(key) });
    assert.equal(res.status, 303);
    assert.equal(await isOn(), false);
    assert.equal((await t.sql`select 1 from recovery_codes where user_id = ${id}`).length, 0);
    // The password alone signs in again.
    assert.ok(await signedIn(await new Browser(t).login('switcher', PASSWORD)));
  });
});

describe('POST /settings/2fa/recovery-codes', () => {
  test('after the password and a code, ten new codes replace the old ones', async () => {
    const c = await signUp('renewer');
    const { key, codes: old } = await turnOn(c);
    assert.equal((await c.postForm('/settings/2fa/recovery-codes', { password: 'wrong password', code: nextCode(key) })).status, 422);
    assert.equal((await c.postForm('/settings/2fa/recovery-codes', { password: PASSWORD, code: wrongCode(key) })).status, 422);
    assert.equal((await c.postForm('/settings/2fa/recovery-codes', { password: PASSWORD })).status, 422);
    const res = await c.postForm('/settings/2fa/recovery-codes', { password: PASSWORD, code: nextCode(key) });
    assert.equal(res.status, 200);
    const fresh = codesIn(await res.text());
    assert.equal(fresh.length, 10);
    assert.equal(fresh.filter((code) => old.includes(code)).length, 0);

    const login = await passwordStep('renewer');
    assert.equal((await sendCode(login, old[0]!)).status, 401, 'an old code no longer works');
    assert.equal((await sendCode(login, fresh[0]!)).status, 303);
  });
});

describe('GET /settings security summary', () => {
  test('reflects two-factor login and the recovery codes left', async () => {
    const c = await signUp('summary');
    const summary = async () => (await (await c.request('/settings')).text()).match(/<dl class="facts security">.*?<\/dl>/s)![0];
    assert.match(await summary(), /Two-factor login<\/dt><dd>Off/);
    assert.match(await summary(), /Recovery codes<\/dt><dd>None/);
    assert.match(await summary(), /Passkeys<\/dt><dd>None/);

    const { codes } = await turnOn(c);
    assert.match(await summary(), /Two-factor login<\/dt><dd>On \(authenticator app\)/);
    assert.match(await summary(), /Recovery codes<\/dt><dd>10 left/);

    assert.equal((await sendCode(await passwordStep('summary'), codes[3]!)).status, 303);
    assert.match(await summary(), /Recovery codes<\/dt><dd>9 left/);
  });
});
