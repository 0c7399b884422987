// Password reset, email verification and email change, through the mail a real SMTP server receives.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { TestClient, PASSWORD } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { linkIn, startTestSmtp, type Delivered, type TestSmtp } from '../test-support/smtp-server.ts';
import { totpAt } from '../two-factor/totp.ts';
import { VERIFY_TO_SHARE } from './sharing.ts';

const NEW_PASSWORD = 'a brand new passphrase';
const GONE = /This link no longer works/;
const RESET = /^\/password\/reset\/[\w-]{43}$/;
const VERIFY = /^\/email\/verify\/[\w-]{43}$/;

let smtp: TestSmtp;
let t: TestApp;
before(async () => {
  smtp = await startTestSmtp();
  // Behind a proxy, so each "Forgot password" comes from an address of its own (and its own limit).
  t = await startTestApp({ SMTP_URL: smtp.url, PUBLIC_URL: 'http://localhost', TRUST_PROXY: '1', SIGNUPS_PER_HOUR: '1000' });
});
after(async () => {
  await t.close();
  await smtp.stop();
});

let clients = 0;
const fromNewClient = () => ({ 'X-Forwarded-For': `10.1.${Math.floor(++clients / 250)}.${clients % 250}` });

/** The path of the link in the first mail to `to` (subject matching) that arrives after `action` began. */
async function linkAfter(action: () => Promise<unknown>, to: string, subject: RegExp, path: RegExp) {
  const seen = new Set<Delivered>(smtp.inbox);
  await action();
  const mail = await smtp.waitFor((m) => !seen.has(m) && m.to.includes(to.toLowerCase()) && subject.test(m.subject));
  return new URL(linkIn(mail, path)).pathname;
}

const forgot = (email: string, app: Pick<TestApp, 'app'> = t) => new TestClient(app).postForm('/password/forgot', { email }, fromNewClient());
const resetLink = (email: string) => linkAfter(() => forgot(email), email, /Reset your password/, RESET);

/** A new account signed in (its confirmation link, from the signup mail, with it). */
async function signup(username: string, app: TestApp = t, email = `${username}@example.com`) {
  const client = new TestClient(app);
  const verify = await linkAfter(async () => {
    const res = await client.postForm('/signup', { email, username, password: PASSWORD });
    assert.equal(res.status, 303);
  }, email, /Confirm your email address/, VERIFY);
  return { client, verify };
}

const login = (username: string, password = PASSWORD) => new TestClient(t).postForm('/login', { username, password });
const isVerified = async (username: string, sql = t.sql) =>
  (await sql`select email_verified_at is not null as v from users where username = ${username}`)[0]!.v as boolean;
const outboxTo = async (recipient: string) => (await t.sql`select 1 from mail_outbox where recipient = ${recipient}`).length;

describe('GET /login', () => {
  test('links "Forgot password?"', async () => {
    assert.match(await (await new TestClient(t).request('/login')).text(), /<a href="\/password\/forgot">Forgot password\?<\/a>/);
  });
});

describe('POST /password/forgot', () => {
  test('answers a known and an unknown address alike, and mails only the known one', async () => {
    await signup('known');
    const [known, unknown] = [await forgot('known@example.com'), await forgot('nobody@example.com')];
    assert.equal(known.status, 200);
    assert.equal(unknown.status, 200);
    const [a, b] = [await known.text(), await unknown.text()];
    assert.match(a, /If an account uses <strong>known@example\.com<\/strong>, a link to choose a new password is on its way/);
    assert.equal(a.replaceAll('known@example.com', 'X'), b.replaceAll('nobody@example.com', 'X'));
    await smtp.waitFor((m) => m.to.includes('known@example.com') && /Reset your password/.test(m.subject));
    await t.mail.idle();
    assert.equal(smtp.inbox.filter((m) => m.to.includes('nobody@example.com')).length, 0);
    assert.equal(await outboxTo('nobody@example.com'), 0, 'nothing left waiting for it either');
  });

  test('refuses a malformed address with 422, counting and queueing nothing', async () => {
    const res = await forgot('not-an-address');
    assert.equal(res.status, 422);
    const html = await res.text();
    assert.match(html, /Enter a valid email address/);
    assert.match(html, /value="not-an-address"/);
    assert.equal((await t.sql`select 1 from rate_limits where key like '%not-an-address%'`).length, 0);
    assert.equal(await outboxTo('not-an-address'), 0);
  });

  test("mails the account's own address, whatever letter case was typed", async () => {
    await signup('mixed', t, 'Mixed.Case@Example.com');
    const seen = new Set(smtp.inbox);
    assert.equal((await forgot('MIXED.CASE@EXAMPLE.COM')).status, 200);
    const mail = await smtp.waitFor((m) => !seen.has(m) && /Reset your password/.test(m.subject) && m.to.includes('mixed.case@example.com'));
    // The stored address, not the typed one (nodemailer writes the domain part in lower case).
    assert.match(mail.raw, /^To: Mixed\.Case@example\.com\r?$/m);
    assert.match(mail.text, /reset the password of mixed\./);
  });
});

describe('/password/reset/:token', () => {
  test('GET shows the form; too short a password is 422 and keeps the link; a good one resets, signs out everyone, signs this browser in', async () => {
    const { client: first } = await signup('resetter');
    const second = await new TestClient(t).login('resetter', PASSWORD);
    const link = await resetLink('resetter@example.com');

    const form = await new TestClient(t).request(link);
    assert.equal(form.status, 200);
    assert.match(await form.text(), /Choose a new password[\s\S]*For <strong>resetter<\/strong>/);

    const browser = new TestClient(t);
    const short = await browser.postForm(link, { password: 'short' });
    assert.equal(short.status, 422);
    assert.match(await short.text(), /Password must be at least 8 characters/);
    assert.equal((await browser.request(link)).status, 200, 'the link still works');

    assert.equal(await isVerified('resetter'), false);
    const saved = await browser.postForm(link, { password: NEW_PASSWORD });
    assert.equal(saved.status, 303);
    assert.equal(saved.headers.get('location'), '/dashboard');
    const session = browser.cookies.get('session');
    assert.ok(session && session !== first.cookies.get('session') && session !== second.cookies.get('session'), 'a fresh session');
    assert.equal((await browser.request('/dashboard')).status, 200);
    for (const old of [first, second]) {
      const res = await old.request('/dashboard');
      assert.equal(res.status, 303, 'every earlier session is signed out');
      assert.match(res.headers.get('location')!, /^\/login/);
    }
    assert.equal((await login('resetter')).status, 401);
    assert.equal((await login('resetter', NEW_PASSWORD)).status, 303);
    assert.equal(await isVerified('resetter'), true, 'following a link to the address proves it');
    assert.match(await (await browser.postForm(link, { password: 'yet another passphrase' })).text(), GONE, 'once only');
  });

  test('a newer reset mail makes the older link stop working', async () => {
    await signup('twice');
    const older = await resetLink('twice@example.com');
    const newer = await resetLink('twice@example.com');
    assert.equal((await new TestClient(t).request(older)).status, 404);
    assert.equal((await new TestClient(t).request(newer)).status, 200);
  });

  test('an expired link is the 404 "This link no longer works" page, with a way to ask again', async () => {
    await signup('late');
    const link = await resetLink('late@example.com');
    await t.sql`update account_tokens set expires_at = now() - interval '1 second'
                where user_id = (select id from users where username = 'late')`;
    const res = await new TestClient(t).request(link);
    assert.equal(res.status, 404);
    const html = await res.text();
    assert.match(html, GONE);
    assert.match(html, /<a class="button" href="\/password\/forgot">Send me a new link<\/a>/);
    assert.equal((await new TestClient(t).postForm(link, { password: NEW_PASSWORD })).status, 404);
    assert.equal((await login('late')).status, 303, 'the password is unchanged');
  });
});

describe('/email/verify/:token', () => {
  test('signup mails a link; opening it changes nothing, confirming verifies', async () => {
    const { verify } = await signup('newcomer');
    const page = await new TestClient(t).request(verify);
    assert.equal(page.status, 200);
    assert.match(await page.text(), new RegExp(`<form method="post" action="${verify}"><button type="submit">Confirm newcomer@example\\.com`));
    assert.equal(await isVerified('newcomer'), false, 'a GET (a mail scanner, say) changes nothing');
    const res = await new TestClient(t).request(verify, { method: 'POST' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/login', 'signed out, on to log in');
    assert.equal(await isVerified('newcomer'), true);
    assert.equal((await new TestClient(t).request(verify)).status, 404, 'used up');
  });

  test('settings show the state; "send again" mails a new link and the older one stops working', async () => {
    const { client, verify: older } = await signup('resender');
    assert.match(await (await client.request('/settings')).text(), /<span class="state warn">not verified<\/span>/);
    const newer = await linkAfter(async () => {
      const res = await client.request('/settings/email/verify', { method: 'POST' });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), '/settings?done=verify#email');
    }, 'resender@example.com', /Confirm your email address/, VERIFY);
    assert.notEqual(newer, older);
    assert.equal((await client.request(older)).status, 404);
    assert.equal((await client.request(older, { method: 'POST' })).status, 404);
    assert.equal(await isVerified('resender'), false);
    const res = await client.request(newer, { method: 'POST' });
    assert.equal(res.headers.get('location'), '/settings');
    const settings = await (await client.request('/settings')).text();
    assert.match(settings, /<span class="state ok">verified<\/span>/);
    assert.doesNotMatch(settings, /Send the confirmation link again/);
  });
});

describe('POST /settings/email', () => {
  test('the old address keeps working and is told; the new one gets the link and, once confirmed, is the address', async () => {
    const { client } = await signup('mover');
    const notice = smtp.waitFor((m) => m.to.includes('mover@example.com') && /is being changed/.test(m.subject));
    const link = await linkAfter(async () => {
      const res = await client.postForm('/settings/email', { email: 'moved@example.com', current: PASSWORD });
      assert.equal(res.status, 303);
    }, 'moved@example.com', /Confirm your email address/, VERIFY);
    assert.match((await notice).text, /change the account's email address to moved@example\.com/);
    assert.equal((await login('mover@example.com')).status, 303, 'the old address still logs in');
    assert.equal((await login('moved@example.com')).status, 401, 'the new one not yet');

    assert.equal((await client.request(link, { method: 'POST' })).status, 303);
    const [row] = await t.sql`select email, pending_email, email_verified_at is not null as verified from users where username = 'mover'`;
    assert.deepEqual({ ...row }, { email: 'moved@example.com', pending_email: null, verified: true });
    assert.equal((await login('moved@example.com')).status, 303);
    assert.equal((await login('mover@example.com')).status, 401);
  });
});

describe('security notices', () => {
  test('a new password, two-factor login on and off, and a passkey each mail the owner, with a way to take the account back', async () => {
    const { client } = await signup('watched');
    const notice = async (what: RegExp, action: () => Promise<Response>) => {
      const seen = new Set<Delivered>(smtp.inbox);
      assert.ok([200, 303].includes((await action()).status));
      const mail = await smtp.waitFor((m) => !seen.has(m) && m.to.includes('watched@example.com') && what.test(m.subject));
      assert.match(mail.text, /If not, someone else can sign in: reset your password now/);
      assert.match(linkIn(mail, /^\/password\/forgot$/), /^http:\/\/localhost\/password\/forgot$/);
    };
    await notice(/The password was changed/, () => client.postForm('/settings/password', { current: PASSWORD, password: NEW_PASSWORD }));
    const secret = (await (await client.request('/settings/2fa')).text()).match(/name="secret" value="([\w-]{27})"/)![1]!;
    const key = new Uint8Array(Buffer.from(secret, 'base64url'));
    await notice(/Two-factor login was turned on/, () => client.postForm('/settings/2fa', { secret, code: totpAt(key), password: NEW_PASSWORD }));
    await notice(/Two-factor login was turned off/, () =>
      client.postForm('/settings/2fa/disable', { password: NEW_PASSWORD, code: totpAt(key, Date.now() + 30_000) }));
  });

  test('a password change ends sign-ins waiting for their second factor and live reset links', async () => {
    const { client } = await signup('rotator');
    const reset = await resetLink('rotator@example.com');
    assert.equal((await client.postForm('/settings/password', { current: PASSWORD, password: NEW_PASSWORD })).status, 303);
    assert.equal((await new TestClient(t).request(reset)).status, 404, 'a link asked for before the change no longer works');
  });
});

describe('REQUIRE_VERIFIED_EMAIL', () => {
  let strict: TestApp;
  before(async () => {
    strict = await startTestApp({ SMTP_URL: smtp.url, PUBLIC_URL: 'http://localhost', REQUIRE_VERIFIED_EMAIL: '1' });
  });
  after(() => strict.close());

  /** A refusal that gives the reason, or else the status. */
  const answer = async (res: Response) => (res.status === 422 && (await res.text()).includes(VERIFY_TO_SHARE) ? 'refused, saying why' : res.status);

  /** Everything that shares beyond the owner, each with its answer. */
  async function share(c: TestClient, app: TestApp, name: string) {
    const upload = await c.upload([{ name, data: await jpeg(64, 48) }], 'private');
    assert.equal(upload.status, 200, 'private uploads always work');
    const [{ id }] = await app.sql<{ id: string }[]>`select id from images where filename = ${name}` as unknown as [{ id: string }];
    return {
      upload: await answer(await c.upload([{ name: `public-${name}`, data: await jpeg(66, 48) }], 'public')),
      unlisted: await answer(await c.postForm(`/images/${id}/visibility`, { visibility: 'unlisted', expires: 'never' })),
      public: await answer(await c.postForm(`/images/${id}/visibility`, { visibility: 'public', expires: 'never' })),
      albumPublic: await answer(await c.postForm('/albums', { title: 'Out there', visibility: 'public' })),
      albumUnlisted: await answer(await c.postForm('/albums', { title: 'By link', visibility: 'unlisted' })),
      bulk: await answer(await c.request('/images/bulk', { method: 'POST', body: new URLSearchParams({ ids: id, action: 'public' }) })),
    };
  }
  const REFUSED = Object.fromEntries(['upload', 'unlisted', 'public', 'albumPublic', 'albumUnlisted', 'bulk'].map((k) => [k, 'refused, saying why']));
  const ALLOWED = { upload: 200, unlisted: 303, public: 303, albumPublic: 303, albumUnlisted: 303, bulk: 303 };

  test('an unverified account may keep things private, and nothing more, with the reason', async () => {
    const { client } = await signup('unproven', strict);
    assert.deepEqual(await share(client, strict, 'mine.jpg'), REFUSED);
    const [{ n, shared }] = await strict.sql`select count(*)::int as n, count(*) filter (where visibility <> 'private' or share_token is not null)::int as shared
                                        from images` as unknown as [{ n: number; shared: number }];
    assert.deepEqual({ n, shared }, { n: 1, shared: 0 }, 'only the private upload was stored, and it is still private');
    assert.equal((await strict.sql`select 1 from albums`).length, 0);
    assert.equal((await client.postForm('/albums', { title: 'Just me', visibility: 'private' })).status, 303);
  });

  test('once the address is confirmed, all of it works', async () => {
    const { client, verify } = await signup('proven', strict);
    assert.equal((await client.request(verify, { method: 'POST' })).status, 303);
    assert.deepEqual(await share(client, strict, 'ours.jpg'), ALLOWED);
  });

  test('unset (the default), an unverified account shares as before', async () => {
    const { client } = await signup('relaxed');
    assert.equal(await isVerified('relaxed'), false);
    assert.deepEqual(await share(client, t, 'relaxed.jpg'), ALLOWED);
  });
});
