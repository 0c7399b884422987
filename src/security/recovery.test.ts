// Attacks on password reset and email verification: reusing, swapping or reading tokens, telling
// which addresses have accounts, flooding mailboxes, and links that outlived their address.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createApp } from '../app.tsx';
import { createMail } from '../deps.ts';
import { insertMail } from '../mail/outbox.sql.ts';
import { createTransport } from '../mail/transport.ts';
import { MAIL_LIMITS } from '../recovery/limits.ts';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { TestClient, type Target, PASSWORD } from '../test-support/client.ts';
import { linkIn, startTestSmtp, type Delivered, type TestSmtp } from '../test-support/smtp-server.ts';

const RESET = /^\/password\/reset\/[\w-]{43}$/;
const VERIFY = /^\/email\/verify\/[\w-]{43}$/;

let smtp: TestSmtp;
let t: TestApp;
before(async () => {
  smtp = await startTestSmtp();
  // Behind a proxy: the tests choose each client's address with X-Forwarded-For.
  t = await startTestApp({ SMTP_URL: smtp.url, PUBLIC_URL: 'http://localhost', TRUST_PROXY: '1', SIGNUPS_PER_HOUR: '1000' });
});
after(async () => {
  await t.close();
  await smtp.stop();
});

let clients = 0;
const newIp = () => `10.2.${Math.floor(++clients / 250)}.${clients % 250}`;
const forgot = (email: string, ip = newIp(), target: Target = t) =>
  new TestClient(target).postForm('/password/forgot', { email }, { 'X-Forwarded-For': ip });
const login = (username: string, password = PASSWORD) => new TestClient(t).postForm('/login', { username, password });
const mailsTo = (to: string, subject: RegExp) => smtp.inbox.filter((m) => m.to.includes(to) && subject.test(m.subject)).length;
const verified = async (username: string) =>
  (await t.sql`select email_verified_at is not null as v from users where username = ${username}`)[0]!.v as boolean;

/** The path of the link in the first mail to `to` (subject matching) that arrives after `action` began. */
async function linkAfter(action: () => Promise<unknown>, to: string, subject: RegExp, path: RegExp) {
  const seen = new Set<Delivered>(smtp.inbox);
  await action();
  const mail = await smtp.waitFor((m) => !seen.has(m) && m.to.includes(to) && subject.test(m.subject));
  return new URL(linkIn(mail, path)).pathname;
}
const resetLink = (email: string) => linkAfter(() => forgot(email), email, /Reset your password/, RESET);

/** A new account, signed in, and the confirmation link of its signup mail. */
async function signup(username: string) {
  const client = new TestClient(t);
  const verify = await linkAfter(() => client.signup(username, PASSWORD), `${username}@example.com`, /Confirm your email/, VERIFY);
  return { client, verify };
}

/**
 * Another instance of the app over the same database whose sender is held in the middle of a
 * first mail: what its requests queue stays in the outbox, unread, until `release`.
 */
async function holdMail() {
  await t.mail.idle();
  let open!: () => void;
  let sending!: () => void;
  const [gate, held] = [new Promise<void>((r) => (open = r)), new Promise<void>((r) => (sending = r))];
  const smtpTransport = createTransport(t.config.mail, (line) => t.log.info(line));
  const mail = createMail(t.sql, t.config, t.log, { async send(m) { sending(); await gate; await smtpTransport.send(m); } });
  await insertMail(t.sql, { kind: 'email-change-notice', recipient: 'first@example.com', data: { username: 'x', newEmail: 'y@example.com' }, origin: 'http://localhost' });
  const first = mail.deliverDue();
  await held;
  return { target: { app: createApp({ ...t, mail }) }, release: async () => (open(), await first, await mail.idle()) };
}

describe('reset and verification links', () => {
  test('a reset link works once: a second POST, or one racing the first, finds it gone', async () => {
    await signup('reuser');
    const link = await resetLink('reuser@example.com');
    assert.equal((await new TestClient(t).postForm(link, { password: 'first new password' })).status, 303);
    assert.equal((await new TestClient(t).postForm(link, { password: 'second new password' })).status, 404);
    assert.equal((await login('reuser', 'second new password')).status, 401);

    const raced = await resetLink('reuser@example.com');
    const answers = await Promise.all(['racer one pw', 'racer two pw'].map((password) => new TestClient(t).postForm(raced, { password })));
    assert.deepEqual(answers.map((r) => r.status).sort(), [303, 404], 'exactly one succeeds');
    const winner = answers[0]!.status === 303 ? 'racer one pw' : 'racer two pw';
    assert.equal((await login('reuser', winner)).status, 303);
  });

  test('expired links do nothing', async () => {
    const { verify } = await signup('expired');
    const reset = await resetLink('expired@example.com');
    await t.sql`update account_tokens set expires_at = now() - interval '1 second' where user_id = (select id from users where username = 'expired')`;
    assert.equal((await new TestClient(t).request(reset)).status, 404);
    assert.equal((await new TestClient(t).postForm(reset, { password: 'taken over now' })).status, 404);
    assert.equal((await new TestClient(t).request(verify, { method: 'POST' })).status, 404);
    assert.equal((await login('expired')).status, 303, 'the password is unchanged');
    assert.equal(await verified('expired'), false);
  });

  test('a verification token is no reset token, nor the other way round', async () => {
    const { verify } = await signup('swapper');
    const reset = await resetLink('swapper@example.com');
    const [verifyToken, resetToken] = [verify, reset].map((p) => p.split('/').pop()!);
    assert.equal((await new TestClient(t).request(`/password/reset/${verifyToken}`)).status, 404);
    assert.equal((await new TestClient(t).postForm(`/password/reset/${verifyToken}`, { password: 'taken over now' })).status, 404);
    assert.equal((await new TestClient(t).request(`/email/verify/${resetToken}`)).status, 404);
    assert.equal((await new TestClient(t).request(`/email/verify/${resetToken}`, { method: 'POST' })).status, 404);
    assert.equal((await login('swapper')).status, 303);
    assert.equal(await verified('swapper'), false);
    // Tried in the wrong place, neither was used up.
    assert.equal((await new TestClient(t).request(verify, { method: 'POST' })).status, 303);
    assert.equal((await new TestClient(t).postForm(reset, { password: 'the owner new pw' })).status, 303);
  });

  test('only a hash of each token is stored', async () => {
    const { verify } = await signup('hashed');
    const reset = await resetLink('hashed@example.com');
    const rows = await t.sql<{ purpose: string; hash: string; row: string }[]>`
      select purpose, hash, t::text as row from account_tokens t where user_id = (select id from users where username = 'hashed') order by purpose`;
    assert.deepEqual(rows.map((r) => r.purpose), ['reset', 'verify']);
    for (const [row, path] of [[rows[0]!, reset], [rows[1]!, verify]] as const) {
      const token = path.split('/').pop()!;
      assert.ok(!row.row.includes(token), 'the token itself is nowhere in the row');
      assert.equal(row.hash, createHash('sha256').update(token).digest('hex'));
    }
  });
});

describe('account enumeration through "Forgot password"', () => {
  test('the answer is the same, byte for byte, before and after the address has an account', async () => {
    const answer = async () => {
      const res = await forgot('ghost@example.com');
      return { status: res.status, cookies: res.headers.getSetCookie(), headers: [...res.headers.keys()], body: await res.text() };
    };
    const unknown = await answer();
    await signup('ghost');
    const known = await answer();
    assert.equal(unknown.status, 200);
    assert.deepEqual(unknown.cookies, []);
    assert.deepEqual(known, unknown);
  });

  test('a known and an unknown address cost the same work; the reset token is made only when the mail is', async () => {
    await signup('worker');
    const held = await holdMail();
    const resets = async () => (await t.sql`select 1 from account_tokens where purpose = 'reset'`).length;
    const tokensBefore = await resets();
    /** The rows a forgot request for `email` from `ip` wrote to the outbox and the limits. */
    async function work(email: string, ip: string) {
      assert.equal((await forgot(email, ip, held.target)).status, 200);
      const queued = await t.sql`select kind, data, origin, attempts from mail_outbox where recipient = ${email}`;
      const limits = await t.sql`select key, hits from rate_limits where key in ${t.sql([`reset:address:${email}`, `reset:client:${ip}`])} order by key`;
      return { queued: queued.map((r) => ({ ...r })), limits: limits.map((r) => ({ ...r, key: r.key.replace(email, 'EMAIL').replace(ip, 'IP') })) };
    }
    const known = await work('worker@example.com', '10.3.0.1');
    const unknown = await work('nobody-at-all@example.com', '10.3.0.2');
    assert.deepEqual(known, unknown);
    assert.deepEqual(known.queued, [{ kind: 'password-reset', data: {}, origin: 'http://localhost', attempts: 0 }]);
    assert.deepEqual(known.limits, [{ key: 'reset:address:EMAIL', hits: 1 }, { key: 'reset:client:IP', hits: 1 }]);
    assert.equal(await resets(), tokensBefore, 'no token yet: the requests never looked the address up');

    await held.release();
    assert.equal(mailsTo('worker@example.com', /Reset your password/), 1);
    assert.equal(await resets(), tokensBefore + 1, 'the token was made with the mail');
    assert.equal((await t.sql`select 1 from mail_outbox`).length, 0, 'the unknown address was dropped quietly');
  });
});

describe('mail throttles', () => {
  test(`past ${MAIL_LIMITS.address} reset mails for one address in the window: 429 with Retry-After, and nothing queued`, async () => {
    await signup('popular');
    for (let i = 0; i < MAIL_LIMITS.address; i++) assert.equal((await forgot('popular@example.com')).status, 200);
    const refused = await forgot('POPULAR@example.com');
    assert.equal(refused.status, 429);
    const wait = Number(refused.headers.get('retry-after'));
    assert.ok(wait > 0 && wait <= 15 * 60, `Retry-After ${wait}`);
    assert.match(await refused.text(), /Too many mails asked for/);
    await t.mail.idle();
    assert.equal(mailsTo('popular@example.com', /Reset your password/), MAIL_LIMITS.address);
    assert.equal((await forgot('someone-else@example.com')).status, 200, 'other addresses are unaffected');
  });

  test(`past ${MAIL_LIMITS.client} reset mails from one client in the window: 429, whatever the address`, async () => {
    const ip = newIp();
    for (let i = 0; i < MAIL_LIMITS.client; i++) assert.equal((await forgot(`spray${i}@example.com`, ip)).status, 200);
    const refused = await forgot('spray-last@example.com', ip);
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    await t.mail.idle();
    assert.equal((await forgot('spray-last@example.com')).status, 200, 'other clients are unaffected');
  });

  test('a client over its limit uses up no address\'s allowance (the client is counted first)', async () => {
    await signup('bystander');
    const ip = newIp();
    for (let i = 0; i < MAIL_LIMITS.client; i++) assert.equal((await forgot(`filler${i}@example.com`, ip)).status, 200);
    for (let i = 0; i < MAIL_LIMITS.address + 2; i++) assert.equal((await forgot('bystander@example.com', ip)).status, 429);
    assert.equal((await forgot('bystander@example.com')).status, 200, 'the owner, elsewhere, still gets a link');
  });

  test(`email changes mail two addresses each: ${MAIL_LIMITS.resend} per window per account, then 429 and no mail`, async () => {
    const { client } = await signup('relay');
    const change = (i: number) => client.postForm('/settings/email', { email: `target${i}@example.com`, current: PASSWORD });
    for (let i = 0; i < MAIL_LIMITS.resend; i++) assert.equal((await change(i)).status, 303);
    assert.equal((await change(99)).status, 429);
    await t.mail.idle();
    assert.equal(mailsTo('target99@example.com', /Confirm your email/), 0);
    assert.equal((await t.sql`select pending_email from users where username = 'relay'`)[0]!.pending_email, `target${MAIL_LIMITS.resend - 1}@example.com`);
  });

  test(`"send the confirmation again": ${MAIL_LIMITS.resend} per window per account, then 429 and no mail`, async () => {
    const { client } = await signup('impatient');
    const resend = () => client.request('/settings/email/verify', { method: 'POST' });
    for (let i = 0; i < MAIL_LIMITS.resend; i++) assert.equal((await resend()).status, 303);
    const refused = await resend();
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    await t.mail.idle();
    assert.equal(mailsTo('impatient@example.com', /Confirm your email/), 1 + MAIL_LIMITS.resend, 'the signup mail and the resends');
  });
});

describe('a reset link after the address changed', () => {
  test('a link sent to the address the account used before does not work any more', async () => {
    const { client } = await signup('switcher');
    const reset = await resetLink('switcher@example.com');
    const confirm = await linkAfter(() => client.postForm('/settings/email', { email: 'switched@example.com', current: PASSWORD }),
      'switched@example.com', /Confirm your email/, VERIFY);
    assert.equal((await new TestClient(t).request(reset)).status, 200, 'while the change waits, the address is still the account’s');
    assert.equal((await client.request(confirm, { method: 'POST' })).status, 303);
    assert.equal((await t.sql`select email from users where username = 'switcher'`)[0]!.email, 'switched@example.com');

    // Whoever still reads the old mailbox must not take the account over.
    assert.equal((await new TestClient(t).request(reset)).status, 404);
    assert.equal((await new TestClient(t).postForm(reset, { password: 'taken over now' })).status, 404);
    assert.equal((await login('switched@example.com')).status, 303, 'the password is unchanged');
    assert.equal((await client.request('/dashboard')).status, 200, 'the owner is still signed in');
  });
});
