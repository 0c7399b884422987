// Personal API tokens (issue 18): the settings page that makes, lists and revokes them, and the
// ShareX uploader and curl command it hands out with a new one.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, PASSWORD, TestClient } from '../test-support/client.ts';
import { startTestSmtp } from '../test-support/smtp-server.ts';
import { curlCommand, sharexUploader } from './sharex.ts';

let t: TestApp;
let alice: TestClient;
let bob: TestClient;

before(async () => {
  t = await startTestApp({ SIGNUPS_PER_HOUR: '1000' });
  alice = await newUser(t, 'alice');
  bob = await newUser(t, 'bob');
});
after(() => t.close());

const unescape = (s: string) => s.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
/** The token a page shows once. */
const shownToken = (html: string) => html.match(/id="new-token"[^>]*value="([^"]*)"/)?.[1];
const curlOf = (html: string) => {
  const m = html.match(/<textarea id="curl-command"[^>]*>([^<]*)<\/textarea>/);
  return m && unescape(m[1]!);
};

async function create(who: TestClient, fields: Record<string, string>) {
  const res = await who.postForm('/settings/tokens', { scope: 'write', expires: 'never', current: PASSWORD, ...fields });
  const html = await res.text();
  return { res, html, token: shownToken(html) };
}
const tokenRow = (name: string) => t.sql<{ id: string; scope: string; expires_at: Date | null; revoked_at: Date | null; last_used_at: Date | null }[]>`
  select id, scope, expires_at, revoked_at, last_used_at from api_tokens where name = ${name}`.then((r) => r[0]);
const sharex = (who: TestClient, token: string) => who.postForm('/settings/tokens/sharex', { token });

describe('GET /settings/tokens', () => {
  test('needs a signed-in user', async () => {
    const res = await new TestClient(t).request('/settings/tokens');
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('Location'), '/login?next=%2Fsettings%2Ftokens');
    assert.equal((await new TestClient(t).postForm('/settings/tokens', { name: 'x', scope: 'write' })).status, 401);
  });

  test('the settings page links to it; it links to the API docs', async () => {
    assert.match(await (await alice.request('/settings')).text(), /<a href="\/settings\/tokens">Manage API tokens<\/a>/);
    const page = await (await alice.request('/settings/tokens')).text();
    assert.match(page, /href="\/api\/docs"/);
    assert.match(page, /<input type="radio" name="scope" value="write" checked=""/);
  });
});

describe('POST /settings/tokens', () => {
  test('shows a new token once; the database keeps only its hash', async () => {
    const { res, html, token } = await create(alice, { name: 'ShareX on my laptop' });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('Cache-Control')!, /no-store/);
    assert.match(html, /Copy this token now; it will not be shown again/);
    assert.match(token!, /^cir_[\w-]{4,}$/);
    assert.ok(!res.headers.getSetCookie().some((c) => c.includes(token!)), 'the token is in no cookie');

    const row = await tokenRow('ShareX on my laptop');
    assert.equal(row?.scope, 'write');
    assert.equal(row?.expires_at, null);
    const stored = (await t.sql<{ row: string }[]>`select row_to_json(a)::text as row from api_tokens a`).map((r) => r.row).join('\n');
    assert.ok(!stored.includes(token!.slice(4)), 'the token itself is not stored');

    const list = await (await alice.request('/settings/tokens')).text();
    assert.ok(!list.includes(token!), 'the list does not show it again');
    assert.match(list, /<td class="token-name">ShareX on my laptop<\/td><td>Read and write<\/td>/);
    assert.match(list, /Never<\/td><td>Never<\/td><td><span class="state ok">Live<\/span>/);
  });

  test('a write token comes with an upload command for curl with the token and the origin, and a ShareX download', async () => {
    const { html, token } = await create(alice, { name: 'curl' });
    const curl = curlOf(html);
    assert.equal(curl, `curl -H "Authorization: Bearer ${token}" -F "images=@screenshot.png" -F "visibility=private" http://localhost/api/v1/images`);
    assert.equal(curl, curlCommand('http://localhost', token!, 'write'));
    assert.match(html, new RegExp(`<form method="post" action="/settings/tokens/sharex"[^>]*><input type="hidden" name="token" value="${token}"`));
    assert.match(html, /Download ShareX uploader \(\.sxcu\)/);
  });

  test('a read token comes with a curl command that lists images, and no upload', async () => {
    const { html, token } = await create(alice, { name: 'reader', scope: 'read', expires: '30' });
    assert.equal(curlOf(html), `curl -H "Authorization: Bearer ${token}" http://localhost/api/v1/images`);
    assert.doesNotMatch(html, /\/settings\/tokens\/sharex|images=@/);
    const row = await tokenRow('reader');
    assert.equal(row?.scope, 'read');
    const days = (row!.expires_at!.getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, `expires in ${days} days`);
    assert.match(await (await alice.request('/settings/tokens')).text(), /<td class="token-name">reader<\/td><td>Read<\/td>/);
  });

  test('a refused form: 422, the message beside its field, the values kept, no token made', async () => {
    const before = (await t.sql`select 1 from api_tokens`).length;
    const blank = await create(alice, { name: '   ', scope: 'read', expires: '90' });
    assert.equal(blank.res.status, 422);
    assert.match(blank.html, /<p class="field-error" id="token-name-error">Give the token a name<\/p>/);
    assert.match(blank.html, /<input type="radio" name="scope" value="read" checked=""/);
    assert.match(blank.html, /<option value="90" selected="">/);
    assert.equal(blank.token, undefined);

    const long = await create(alice, { name: 'n'.repeat(101) });
    assert.equal(long.res.status, 422);
    assert.match(long.html, /A name is at most 100 characters/);
    assert.match(long.html, new RegExp(`value="${'n'.repeat(101)}"`));

    const scope = await create(alice, { name: 'too much', scope: 'admin' });
    assert.equal(scope.res.status, 422);
    assert.match(scope.html, /id="token-scope-error">Choose what the token may do/);
    assert.equal((await create(alice, { name: 'soon', expires: '1' })).res.status, 422);
    assert.equal((await create(alice, { name: 'line\nbreak' })).res.status, 422);
    assert.equal((await t.sql`select 1 from api_tokens`).length, before);
  });

  test('needs the current password, as a new password or passkey does; the owner is told of a new token', async () => {
    const before = (await t.sql`select 1 from api_tokens`).length;
    const wrong = await create(alice, { name: 'stolen session', current: 'not the password' });
    assert.equal(wrong.res.status, 422);
    assert.match(wrong.html, /id="token-current-password-error">Your current password is not right/);
    assert.match(wrong.html, /value="stolen session"/);
    assert.equal(wrong.token, undefined);
    const none = await create(alice, { name: 'stolen session', current: '' });
    assert.equal(none.res.status, 422);
    assert.match(none.html, /Enter your current password/);
    assert.equal((await t.sql`select 1 from api_tokens`).length, before);
  });

  test('tells the owner by mail that a token was made, with a way to take the account back', async () => {
    const smtp = await startTestSmtp();
    const mailing = await startTestApp({ SMTP_URL: smtp.url, PUBLIC_URL: 'http://localhost' });
    try {
      const owner = await newUser(mailing, 'watched');
      const mail = smtp.waitFor((m) => m.to.includes('watched@example.com') && /An API token \(“laptop”\) was made/.test(m.subject));
      assert.equal((await owner.postForm('/settings/tokens', { name: 'laptop', scope: 'write', current: PASSWORD })).status, 200);
      assert.match((await mail).text, /If not, someone else can sign in: reset your password now/);
    } finally {
      await mailing.close();
      await smtp.stop();
    }
  });
});

describe('POST /settings/tokens/:id/revoke', () => {
  test('revokes the own token once, with a message; another user\'s token or a second revoke is a 404', async () => {
    await create(alice, { name: 'doomed' });
    const { id } = (await tokenRow('doomed'))!;

    assert.equal((await bob.postForm(`/settings/tokens/${id}/revoke`, {})).status, 404);
    assert.equal((await tokenRow('doomed'))?.revoked_at, null);

    const res = await alice.postForm(`/settings/tokens/${id}/revoke`, {});
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('Location'), '/settings/tokens');
    const page = await (await alice.request('/settings/tokens')).text();
    assert.match(page, /Token “doomed” revoked\./);
    assert.match(page, /<tr class="disabled"><td class="token-name">doomed<\/td>.*?<span class="state">Revoked<\/span><\/td><td><\/td><\/tr>/);
    assert.ok((await tokenRow('doomed'))?.revoked_at);

    assert.equal((await alice.postForm(`/settings/tokens/${id}/revoke`, {})).status, 404);
    assert.equal((await alice.postForm('/settings/tokens/no-such-token/revoke', {})).status, 404);
  });

  test('a new password revokes every token', async () => {
    const carol = await newUser(t, 'carol');
    const { token } = await create(carol, { name: 'carols' });
    assert.equal((await carol.postForm('/settings/password', { current: PASSWORD, password: 'another good password' })).status, 303);
    assert.ok((await tokenRow('carols'))?.revoked_at);
    assert.equal((await sharex(carol, token!)).status, 404);
  });
});

describe('POST /settings/tokens/sharex', () => {
  test('answers the ShareX uploader of the own write token as a download, without marking the token used', async () => {
    const { token } = await create(alice, { name: 'sharex' });
    const res = await sharex(alice, token!);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('Content-Type'), 'application/json; charset=utf-8');
    assert.match(res.headers.get('Content-Disposition')!, /^attachment; filename="localhost\.sxcu"/);
    assert.equal(res.headers.get('Cache-Control'), 'no-store');
    const body = await res.text();
    assert.match(body, /\n {2}"Version": "16\.1\.0",\n/, 'pretty-printed');
    assert.deepEqual(JSON.parse(body), {
      Version: '16.1.0',
      Name: 'localhost (cloud-image-repository)',
      DestinationType: 'ImageUploader',
      RequestMethod: 'POST',
      RequestURL: 'http://localhost/api/v1/images',
      Headers: { Authorization: `Bearer ${token}` },
      Body: 'MultipartFormData',
      Arguments: { visibility: 'unlisted' },
      FileFormName: 'images',
      URL: '{json:results[0].image_url}',
      ThumbnailURL: '{json:results[0].thumb_url}',
      ErrorMessage: '{json:detail}',
    });
    assert.equal((await tokenRow('sharex'))?.last_used_at, null);
  });

  test('is a 404 for a read token, a revoked one, another user\'s, or none', async () => {
    const read = (await create(alice, { name: 'read only', scope: 'read' })).token!;
    const revoked = (await create(alice, { name: 'revoked' })).token!;
    await alice.postForm(`/settings/tokens/${(await tokenRow('revoked'))!.id}/revoke`, {});
    const bobs = (await create(bob, { name: 'bobs' })).token!;
    for (const token of [read, revoked, bobs, 'cir_nonsense', '']) assert.equal((await sharex(alice, token)).status, 404, token);
    assert.equal((await alice.postForm('/settings/tokens/sharex', {})).status, 404);
    assert.equal((await sharex(bob, bobs)).status, 200);
  });
});

describe('curlCommand', () => {
  /** The arguments a shell hands to curl for `command` (printf stands in for curl). */
  const argv = (command: string) =>
    execFileSync('sh', ['-c', command.replace(/^curl /, "printf '%s\\n' ")], { encoding: 'utf8' }).trimEnd().split('\n');

  test('is one command for a shell, as printed', () => {
    assert.deepEqual(argv(curlCommand('https://img.example:8443', 'cir_abc-_9', 'write')), [
      '-H', 'Authorization: Bearer cir_abc-_9', '-F', 'images=@screenshot.png', '-F', 'visibility=private', 'https://img.example:8443/api/v1/images',
    ]);
  });

  test('quotes an origin a shell would read as more than a word (from a Host header)', () => {
    const origin = new URL("http://x$(echo${IFS}pwned);'`id`/").origin;
    assert.deepEqual(argv(curlCommand(origin, 'cir_abc', 'read')), ['-H', 'Authorization: Bearer cir_abc', `${origin}/api/v1/images`]);
    assert.equal(sharexUploader(origin, 'cir_abc').RequestURL, `${origin}/api/v1/images`);
  });
});
