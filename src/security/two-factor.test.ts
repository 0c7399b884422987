// Attacks on the second factor and on passkeys: guessing and replaying codes, fixation across
// the 2FA step, stale or foreign challenges, a reset that would skip the code, replayed or
// phished WebAuthn answers, other people's passkeys, cloned authenticators.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { verifyRegistrationResponse } from '@simplewebauthn/server';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { ORIGIN, TestClient, OwnAddressClient as Browser, PASSWORD } from '../test-support/client.ts';
import { SoftAuthenticator } from '../test-support/authenticator.ts';
import { LIMITS } from '../auth/throttle.ts';
import { insertPasskey } from '../passkeys/passkeys.sql.ts';
import { issueToken } from '../recovery/tokens.sql.ts';
import { hashRecoveryCode, totpAt } from '../two-factor/totp.ts';

let t: TestApp;
before(async () => {
  // Behind a proxy: each browser has an address of its own, so only the per-account limits apply.
  t = await startTestApp({ TRUST_PROXY: '1' });
});
after(() => t.close());

const signUp = (username: string) => new Browser(t).signup(username);
const userId = async (username: string) => (await t.sql`select id from users where username = ${username}`)[0]!.id as string;
const signedIn = async (c: TestClient) => (await c.request('/dashboard')).status === 200;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

// Two-factor login, played with the authenticator app's key.
const nextCode = (key: Uint8Array) => totpAt(key, Date.now() + 30_000);
const nearCodes = (key: Uint8Array) => [-60_000, -30_000, 0, 30_000, 60_000].map((d) => totpAt(key, Date.now() + d));
/** The `n`th six digits the app does not show near now. */
function wrongCode(key: Uint8Array, n = 0) {
  const near = nearCodes(key);
  const candidates = Array.from({ length: n + near.length + 1 }, (_, i) => String(i * 7919).padStart(6, '0'));
  return candidates.filter((code) => !near.includes(code))[n]!;
}
async function turnOn(c: TestClient) {
  const secret = (await (await c.request('/settings/2fa')).text()).match(/name="secret" value="([\w-]{27})"/)![1]!;
  const key = new Uint8Array(Buffer.from(secret, 'base64url'));
  const res = await c.postForm('/settings/2fa', { secret, code: totpAt(key), password: PASSWORD });
  assert.equal(res.status, 200);
  return { key, codes: (await res.text()).match(/<pre class="recovery-codes"[^>]*>([^<]*)<\/pre>/)![1]!.split('\n') };
}
async function passwordStep(username: string, c = new Browser(t), password = PASSWORD) {
  const res = await c.postForm('/login', { username, password });
  assert.equal(res.headers.get('location'), '/login/2fa');
  return c;
}
const sendCode = (c: TestClient, code: string, headers?: Record<string, string>) => c.postForm('/login/2fa', { code }, headers);

// Passkeys, played with a software authenticator.
const postJson = (c: TestClient, path: string, body: unknown = {}) =>
  c.request(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
const registrationOptions = async (c: TestClient) => (await postJson(c, '/settings/passkeys/options', { password: PASSWORD })).json();
const signInOptions = async (c: TestClient) => (await postJson(c, '/login/passkey/options')).json();
async function addPasskey(c: TestClient, authenticator = new SoftAuthenticator()) {
  const res = await postJson(c, '/settings/passkeys', { name: 'Key', credential: authenticator.register(await registrationOptions(c), ORIGIN) });
  assert.equal(res.status, 201);
  return authenticator;
}
const answer = (c: TestClient, credential: unknown) => postJson(c, '/login/passkey', { credential });

describe('second factor: guessing and replaying codes', () => {
  test(`past ${LIMITS.account} wrong codes: 429 with Retry-After, even for the right code and after a new password login`, async () => {
    const { key } = await turnOn(await signUp('guessed'));
    const c = await passwordStep('guessed');
    // From many addresses: the count is the account's.
    for (let i = 0; i < LIMITS.account; i++) {
      assert.equal((await sendCode(c, wrongCode(key, i), { 'X-Forwarded-For': `10.40.0.${i}` })).status, 401);
    }
    const blocked = await sendCode(c, nextCode(key));
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    assert.match(await blocked.text(), /Too many codes tried/);
    // The right password (which starts the password count again) gives no fresh allowance.
    await passwordStep('guessed', c);
    assert.equal((await sendCode(c, nextCode(key))).status, 429);
    assert.equal(await signedIn(c), false);
    // Never locked out for good: after the window the owner gets in.
    await t.sql`update rate_limits set window_ends = now() - interval '1 second' where key = ${`2fa:account:${await userId('guessed')}`}`;
    assert.equal((await sendCode(c, nextCode(key))).status, 303);
  });

  test('a TOTP code once accepted is refused at the next login', async () => {
    const { key } = await turnOn(await signUp('replayed'));
    const code = nextCode(key);
    assert.equal((await sendCode(await passwordStep('replayed'), code)).status, 303);
    const thief = await passwordStep('replayed');
    assert.equal((await sendCode(thief, code)).status, 401);
    assert.equal(await signedIn(thief), false);
  });

  test('two logins sending the same TOTP code at once: exactly one gets in', async () => {
    const { key } = await turnOn(await signUp('raced'));
    const [a, b] = [await passwordStep('raced'), await passwordStep('raced')];
    const code = nextCode(key);
    const statuses = (await Promise.all([sendCode(a, code), sendCode(b, code)])).map((r) => r.status);
    assert.deepEqual(statuses.sort(), [303, 401]);
    assert.deepEqual([await signedIn(a), await signedIn(b)].sort(), [false, true]);
  });

  test('two right codes sent at once on one waiting sign-in complete it once', async () => {
    const { key, codes } = await turnOn(await signUp('doubled'));
    const c = await passwordStep('doubled');
    const count = async () => (await t.sql`select count(*)::int as n from sessions where user_id = ${await userId('doubled')}`)[0]!.n as number;
    const before = await count();
    const res = await Promise.all([sendCode(c, nextCode(key)), sendCode(c, codes[0]!)]);
    assert.deepEqual(res.map((r) => r.headers.get('location')).sort(), ['/dashboard', '/login']);
    assert.equal(await count(), before + 1);
  });

  test('a recovery code logs in once, even when sent twice at once', async () => {
    const { codes } = await turnOn(await signUp('reused'));
    const [a, b] = [await passwordStep('reused'), await passwordStep('reused')];
    const statuses = (await Promise.all([sendCode(a, codes[0]!), sendCode(b, codes[0]!)])).map((r) => r.status);
    assert.deepEqual(statuses.sort(), [303, 401]);
    assert.equal((await sendCode(await passwordStep('reused'), codes[0]!)).status, 401);
  });
});

describe('turning two-factor login on', () => {
  test('the form sent twice at once turns it on once: the codes shown are the codes kept', async () => {
    const c = await signUp('doubleclick');
    const secret = (await (await c.request('/settings/2fa')).text()).match(/name="secret" value="([\w-]{27})"/)![1]!;
    const code = totpAt(new Uint8Array(Buffer.from(secret, 'base64url')));
    const answers = await Promise.all([0, 1].map(() => c.postForm('/settings/2fa', { secret, code, password: PASSWORD })));
    const shown = await Promise.all(answers.filter((r) => r.status === 200).map(async (r) => (await r.text()).match(/<pre class="recovery-codes"[^>]*>([^<]*)<\/pre>/)?.[1]));
    const pages = shown.filter(Boolean) as string[];
    assert.equal(pages.length, 1, 'one answer shows codes; the other sends back to the settings');
    const id = await userId('doubleclick');
    const kept = (await t.sql`select hash from recovery_codes where user_id = ${id}`).map((r) => r.hash as string).sort();
    assert.deepEqual(pages[0]!.split('\n').map(hashRecoveryCode).sort(), kept);
  });
});

describe('second factor: the waiting sign-in', () => {
  test('fixation: no cookie seen before the code is the session after it; the waiting token is no session', async () => {
    const { key } = await turnOn(await signUp('fixated'));
    // Mallory plants her own, valid session cookie in the victim's browser.
    const planted = (await signUp('mallory'))!.cookies.get('session')!;
    const victim = new Browser(t);
    victim.cookies.set('session', planted);
    await passwordStep('fixated', victim);
    const waiting = victim.cookies.get('login2fa')!;
    assert.equal(victim.cookies.get('session'), planted, 'the password alone sets no session');
    const seen = new Set(victim.cookies.values());

    const thief = new Browser(t);
    thief.cookies.set('session', waiting);
    assert.equal(await signedIn(thief), false, 'the waiting token is not a session');

    assert.equal((await sendCode(victim, nextCode(key))).status, 303);
    const session = victim.cookies.get('session')!;
    assert.ok(!seen.has(session), 'a session never seen before');
    const [row] = await t.sql`select user_id from sessions where id = ${sha256(session)}`;
    assert.equal(row!.user_id, await userId('fixated'));
    assert.equal((await t.sql`select 1 from sessions where id = ${sha256(planted)}`).length, 0, 'the planted session is ended');
    assert.equal(await signedIn(thief), false);
    const stale = new Browser(t);
    stale.cookies.set('login2fa', waiting);
    assert.equal((await stale.request('/login/2fa')).headers.get('location'), '/login', 'the waiting token is used up');
  });

  test('it expires: then even the right code goes back to /login', async () => {
    const { key } = await turnOn(await signUp('slowpoke'));
    const c = await passwordStep('slowpoke');
    await t.sql`update login_challenges set expires_at = now() - interval '1 second' where user_id = ${await userId('slowpoke')}`;
    const res = await sendCode(c, nextCode(key));
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/login');
    assert.equal(await signedIn(c), false);
  });

  test("A's waiting sign-in cannot be completed with B's code or recovery code", async () => {
    const a = await turnOn(await signUp('alice'));
    const b = await turnOn(await signUp('bob'));
    const bob = await userId('bob');
    const stepOf = async () => (await t.sql`select totp_last_step::text as step from users where id = ${bob}`)[0]!.step as string;
    const before = await stepOf();
    const c = await passwordStep('alice');
    const bCode = nextCode(b.key);
    // (Two random keys showing the same six digits now: about one chance in 300,000.)
    if (!nearCodes(a.key).includes(bCode)) assert.equal((await sendCode(c, bCode)).status, 401);
    assert.equal((await sendCode(c, b.codes[0]!)).status, 401);
    assert.equal(await signedIn(c), false);
    assert.equal((await t.sql`select 1 from recovery_codes where user_id = ${bob}`).length, 10, "B's codes are not used up");
    assert.equal(await stepOf(), before, "B's step is not used up");
  });

  test('a password reset with two-factor login on still asks for the code before any session', async () => {
    const owner = await signUp('resetter');
    const { key } = await turnOn(owner);
    const id = await userId('resetter');
    const token = await issueToken(t.sql, id, 'reset', 'resetter@example.com');
    const c = new Browser(t);
    const res = await c.postForm(`/password/reset/${token}`, { password: 'a brand new passphrase' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/login/2fa');
    assert.equal(c.cookies.get('session'), undefined);
    assert.equal(await signedIn(c), false);
    assert.equal(await signedIn(owner), false, 'the old sessions are ended');
    assert.equal((await t.sql`select 1 from sessions where user_id = ${id}`).length, 0);
    const done = await sendCode(c, nextCode(key));
    assert.equal(done.headers.get('location'), '/dashboard');
    assert.ok(await signedIn(c));
  });
});

describe('passkeys', () => {
  test('a sign-in challenge is used once: the same answer replayed is refused', async () => {
    const authenticator = await addPasskey(await signUp('replayer'));
    const credential = authenticator.authenticate(await signInOptions(new Browser(t)), ORIGIN);
    assert.equal((await answer(new Browser(t), credential)).status, 200);
    // Synced passkeys report no counter (0), so the counter cannot be what stops a replay.
    await t.sql`update passkeys set counter = 0 where id = ${authenticator.credentialId}`;
    const thief = new Browser(t);
    assert.equal((await answer(thief, credential)).status, 401);
    assert.equal(await signedIn(thief), false);
  });

  test('a registration challenge is not a sign-in challenge', async () => {
    const c = await signUp('mixer');
    const authenticator = await addPasskey(c);
    const credential = authenticator.authenticate(await registrationOptions(c), ORIGIN);
    assert.equal((await answer(new Browser(t), credential)).status, 401);
  });

  test('an answer made for another origin or another RP ID (a phishing site) is refused', async () => {
    const authenticator = await addPasskey(await signUp('phished'));
    const c = new Browser(t);
    const foreignOrigin = authenticator.authenticate(await signInOptions(c), 'https://evil.example');
    assert.equal((await answer(c, foreignOrigin)).status, 401);
    const foreignRp = authenticator.authenticate({ ...(await signInOptions(c)), rpId: 'evil.example' }, ORIGIN);
    assert.equal((await answer(c, foreignRp)).status, 401);
    assert.equal(await signedIn(c), false);
    assert.equal((await answer(c, authenticator.authenticate(await signInOptions(c), ORIGIN))).status, 200);
  });

  test('an authenticator that did not verify its user is refused, when added and when signing in', async () => {
    const c = await signUp('lazy');
    const lazy = new SoftAuthenticator({ userVerified: false });
    const options = await registrationOptions(c);
    const response = lazy.register(options, ORIGIN);
    assert.equal((await postJson(c, '/settings/passkeys', { name: 'Lazy', credential: response })).status, 400);
    assert.equal((await t.sql`select 1 from passkeys where user_id = ${await userId('lazy')}`).length, 0);
    // Stored anyway (as an older version that did not ask might have), it still cannot sign in.
    const { registrationInfo: info } = await verifyRegistrationResponse({
      response, expectedChallenge: options.challenge, expectedOrigin: ORIGIN, expectedRPID: 'localhost', requireUserVerification: false,
    });
    await insertPasskey(t.sql, { id: info!.credential.id, user_id: await userId('lazy'), public_key: info!.credential.publicKey, counter: 0, transports: '', name: 'Lazy' });
    const browser = new Browser(t);
    assert.equal((await answer(browser, lazy.authenticate(await signInOptions(browser), ORIGIN))).status, 401);
    assert.equal(await signedIn(browser), false);
  });

  test("a registration answer sent with another account's session is refused", async () => {
    const victim = await signUp('victimkey');
    const attacker = await signUp('attackerkey');
    const authenticator = new SoftAuthenticator();
    const credential = authenticator.register(await registrationOptions(victim), ORIGIN);
    assert.equal((await postJson(attacker, '/settings/passkeys', { name: 'Stolen', credential })).status, 400);
    assert.equal((await t.sql`select 1 from passkeys where user_id = ${await userId('attackerkey')}`).length, 0);
    // The challenge was the victim's, and still is.
    assert.equal((await postJson(victim, '/settings/passkeys', { name: 'Mine', credential })).status, 201);
  });

  test("user A cannot remove user B's passkey", async () => {
    const b = await addPasskey(await signUp('keyowner'));
    const a = await signUp('keyremover');
    const res = await a.postForm(`/settings/passkeys/${encodeURIComponent(b.credentialId)}/delete`, {});
    assert.equal(res.status, 303);
    assert.equal((await t.sql`select 1 from passkeys where id = ${b.credentialId}`).length, 1);
    assert.equal((await answer(new Browser(t), b.authenticate(await signInOptions(a), ORIGIN))).status, 200);
  });

  test('a cloned authenticator (its signature counter behind the stored one) is refused', async () => {
    const authenticator = await addPasskey(await signUp('cloned'));
    const first = new Browser(t);
    assert.equal((await answer(first, authenticator.authenticate(await signInOptions(first), ORIGIN))).status, 200);
    // The original went on to count to 100; this copy is at 2.
    await t.sql`update passkeys set counter = 100 where id = ${authenticator.credentialId}`;
    const clone = new Browser(t);
    assert.equal((await answer(clone, authenticator.authenticate(await signInOptions(clone), ORIGIN))).status, 401);
    assert.equal(await signedIn(clone), false);
  });
});
