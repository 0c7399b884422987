// Running an instance (issue 17): who is an admin, the overview, settings, invites, quotas, and
// what disabling and deleting an account does to everything it shared.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, PASSWORD, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { storedKeys } from '../test-support/consistency.ts';
import { grantConfiguredAdmins } from '../auth/users.sql.ts';
import { loadConfig } from '../config.ts';
import { allKeys, type KeyParts, KEY_COLUMNS, VARIANTS } from '../images/keys.ts';
import { variantUrl } from '../images/urls.ts';
import { runJanitor } from '../janitor/janitor.ts';
import { janitorDeps } from '../deps.ts';
import { formatBytes } from '../web/format.tsx';
import { setDisabled } from './people.sql.ts';
import { Refused } from '../auth/users.sql.ts';
import { ACCOUNT_DISABLED } from '../auth/sign-in.ts';
import { INVITE_DEAD, INVITE_ONLY, SIGNUP_CLOSED } from '../auth/registration.ts';

const MB = 1024 * 1024;

let t: TestApp;
let root: TestClient; // the instance's first account
let alice: TestClient;
let rootId: string;
const visitor = () => new TestClient(t);

before(async () => {
  t = await startTestApp({ ADMIN_USERNAMES: 'Boss', SIGNUPS_PER_HOUR: '1000' });
  root = await newUser(t, 'root');
  alice = await newUser(t, 'alice');
  rootId = await idOf('root');
});
after(() => t.close());

const idOf = async (username: string) => (await t.sql<{ id: string }[]>`select id from users where lower(username) = lower(${username})`)[0]!.id;
const roleOf = async (username: string) => (await t.sql<{ role: string }[]>`select role from users where lower(username) = lower(${username})`)[0]?.role;
const usersNamed = async (username: string) => (await t.sql`select 1 from users where lower(username) = lower(${username})`).length;
const lastAudit = async () => (await t.sql<{ actor: string; action: string; target: string; detail: string }[]>`
  select actor, action, target, detail from audit_log order by id desc limit 1`)[0];
const settingsRow = async () => ({ ...(await t.sql`select registration, default_quota_bytes::float8 as quota, gallery_public from instance_settings`)[0] });
/** POST /admin/settings with the given fields over the defaults (open, no quota, public gallery). */
const saveSettings = (fields: Record<string, string | undefined>, who = root) => {
  const all = { registration: 'open', default_quota_mb: '', gallery_public: '1', ...fields };
  return who.postForm('/admin/settings', Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as Record<string, string>);
};
const signupWith = (fields: { username: string; email?: string; invite?: string }) =>
  new TestClient(t).postForm('/signup', { email: fields.email ?? `${fields.username}@example.com`, username: fields.username, password: PASSWORD, ...(fields.invite ? { invite: fields.invite } : {}) });
/** The token of the invite link the answer to POST /admin/invites shows. */
const inviteToken = (html: string) => html.match(/value="http:\/\/localhost\/signup\?invite=([\w-]{43})"/)![1]!;
const newestInviteId = async () => (await t.sql<{ id: string }[]>`select id from invites order by created_at desc, id desc limit 1`)[0]!.id;
const decode = (s: string) => s.replaceAll('&amp;', '&');

async function uploadAs(who: TestClient, name: string, visibility: string, size = 40) {
  const res = await who.upload([{ name, data: await jpeg(size + name.length, size) }], visibility);
  assert.match(await res.text(), /1 of 1 image uploaded/);
  return (await t.sql<(KeyParts & { epoch: number; visibility: string })[]>`
    select ${t.sql(KEY_COLUMNS)}, epoch, visibility from images where filename = ${name}`)[0]!;
}
/** Every URL of an image a visitor may reach when it is public (with its epoch now). */
async function publicUrls(id: string) {
  const [row] = await t.sql<(KeyParts & { epoch: number })[]>`select ${t.sql(KEY_COLUMNS)}, epoch from images where id = ${id}`;
  return [`/images/${id}`, `/images/${id}/original`, `/images/${id}/display.webp`, ...VARIANTS.map((v) => variantUrl(row!, v))];
}

describe('who is an admin', () => {
  test('the first account becomes the admin, the second does not', async () => {
    assert.equal(await roleOf('root'), 'admin');
    assert.equal(await roleOf('alice'), 'user');
    assert.equal((await root.request('/admin')).status, 200);
    assert.equal((await alice.request('/admin')).status, 404);
  });

  test('ADMIN_USERNAMES makes an account admin at sign-up (any case) and at start (grantConfiguredAdmins)', async () => {
    await newUser(t, 'BOSS');
    assert.equal(await roleOf('BOSS'), 'admin');
    const late = await newUser(t, 'Latecomer');
    assert.equal(await roleOf('latecomer'), 'user');
    assert.equal((await late.request('/admin')).status, 404);
    await grantConfiguredAdmins(t.sql, loadConfig({ ADMIN_USERNAMES: ' LATECOMER , nobody-here' }).adminUsernames);
    assert.equal(await roleOf('latecomer'), 'admin');
    assert.equal(await roleOf('alice'), 'user', 'nobody else');
    assert.equal((await late.request('/admin')).status, 200, 'the session picks up the new role');
  });

  test('the header links to /admin for admins only', async () => {
    const adminLink = /<a href="\/admin" aria-label="Admin"/;
    assert.match(await (await root.request('/dashboard')).text(), adminLink);
    assert.doesNotMatch(await (await alice.request('/dashboard')).text(), adminLink);
    assert.doesNotMatch(await (await visitor().request('/')).text(), adminLink);
  });
});

describe('GET /admin', () => {
  const stat = (html: string, label: string) => html.match(new RegExp(`<dt>${label}</dt><dd>(?:<a [^>]*>)?([^<]*)`))?.[1];

  test('counts accounts, images, bytes, the last day\'s uploads and open reports, and shows the janitor\'s last run', async () => {
    // An instance of its own, so every number is known.
    const own = await startTestApp();
    try {
      const admin = await newUser(own, 'owner');
      const user = await newUser(own, 'member');
      for (const [who, name] of [[admin, 'a.jpg'], [user, 'b.jpg'], [user, 'c.jpg']] as const) {
        assert.match(await (await who.upload([{ name, data: await jpeg(40 + name.length, 30) }], 'public')).text(), /1 of 1 image uploaded/);
      }
      await own.sql`update images set created_at = now() - interval '2 days' where filename = 'c.jpg'`;
      const html = await (await admin.request('/admin')).text();
      const [{ bytes }] = await own.sql<[{ bytes: number }]>`select sum(used_bytes)::float8 as bytes from users`;
      assert.ok(bytes > 0);
      assert.deepEqual(
        ['Accounts', 'Disabled accounts', 'Images', 'Stored', 'Uploads in the last day', 'Open reports'].map((l) => stat(html, l)),
        ['2', '0', '3', formatBytes(bytes), '2', '0'],
      );
      assert.match(html, /The janitor has not run yet/);

      const report = await runJanitor(janitorDeps(own), own.config.janitor.graceMs);
      assert.equal(report.ran, true);
      const after = await (await admin.request('/admin')).text();
      const [{ finished_at }] = await own.sql<[{ finished_at: Date }]>`select finished_at from janitor_last_run`;
      assert.match(after, new RegExp(`Last run <time datetime="${finished_at.toISOString()}"[^>]*>[^<]*</time>: 0 image\\(s\\) purged from the trash, 0 queued deletion\\(s\\) retried, 0 orphaned object\\(s\\) removed`));
      assert.doesNotMatch(after, /has not run yet/);
    } finally {
      await own.close();
    }
  });
});

describe('POST /admin/settings', () => {
  test('saves, writes an audit row naming each change, and GET shows the values', async () => {
    const res = await saveSettings({ registration: 'invite', default_quota_mb: '250' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/admin/settings');
    assert.deepEqual(await settingsRow(), { registration: 'invite', quota: 250 * MB, gallery_public: true });
    const audit = await lastAudit();
    assert.equal(audit?.actor, 'root');
    assert.equal(audit?.action, 'settings.update');
    assert.match(audit!.detail, /registration: open → invite/);
    assert.match(audit!.detail, new RegExp(`default_quota_bytes: default → ${250 * MB}`));
    assert.doesNotMatch(audit!.detail, /gallery_public/, 'only what changed');
    const page = await (await root.request('/admin/settings')).text();
    assert.match(page, /<input type="radio" name="registration" value="invite" checked=""/);
    assert.match(page, /name="default_quota_mb"[^>]*value="250"|value="250"[^>]*name="default_quota_mb"/);

    const before = (await t.sql`select count(*)::int as n from audit_log`)[0]!.n;
    assert.equal((await saveSettings({ registration: 'invite', default_quota_mb: '250' })).status, 303);
    assert.equal((await t.sql`select count(*)::int as n from audit_log`)[0]!.n, before, 'saving the same values logs nothing');
    assert.equal((await saveSettings({})).status, 303);
    assert.deepEqual(await settingsRow(), { registration: 'open', quota: null, gallery_public: true });
  });

  test('refuses what is not valid with 422 and the form again; nothing is saved', async () => {
    const before = await settingsRow();
    const audits = (await t.sql`select count(*)::int as n from audit_log`)[0]!.n;
    for (const [fields, message] of [
      [{ registration: 'everyone', default_quota_mb: '0' }, /From 1 to 100,000,000 megabytes/],
      [{ default_quota_mb: '0' }, /From 1 to 100,000,000 megabytes/],
      [{ default_quota_mb: 'lots' }, /class="field-error"/],
      [{ default_quota_mb: '1.5' }, /class="field-error"/],
      [{ registration: 'closed', default_quota_mb: '-3' }, /Enter a whole number of megabytes/],
      [{ default_quota_mb: '100000001' }, /From 1 to 100,000,000 megabytes/],
    ] as const) {
      const res = await saveSettings(fields);
      assert.equal(res.status, 422, JSON.stringify(fields));
      const html = await res.text();
      assert.match(html, message);
      assert.match(html, /<form method="post" action="\/admin\/settings"/);
    }
    assert.deepEqual(await settingsRow(), before);
    assert.equal((await t.sql`select count(*)::int as n from audit_log`)[0]!.n, audits);
  });

  test('a quota that is not a whole number of MB is refused with the message the form defines for it', async () => {
    for (const [value, message] of [['lots', /Enter a whole number of megabytes/], ['1.5', /Enter a whole number of megabytes/]] as const) {
      const res = await saveSettings({ default_quota_mb: value });
      assert.equal(res.status, 422);
      assert.match(await res.text(), message, value);
    }
  });

  test('a registration that is none of the three is refused with 422 and says why', async () => {
    const before = await settingsRow();
    const res = await saveSettings({ registration: 'everyone' });
    assert.equal(res.status, 422);
    assert.deepEqual(await settingsRow(), before);
    // The form must tell what is wrong: the message of the registration field.
    assert.match(await res.text(), /Choose who may sign up/);
  });
});

describe('registration by invitation', () => {
  before(async () => assert.equal((await saveSettings({ registration: 'invite' })).status, 303));
  after(async () => assert.equal((await saveSettings({ registration: 'open' })).status, 303));

  test('GET /signup without an invite says so; POST /signup without one is 403 and creates nothing', async () => {
    const page = await visitor().request('/signup');
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.ok(html.includes(INVITE_ONLY), 'says sign-up is by invitation');
    assert.doesNotMatch(html, /name="password"/, 'no form to fill in');
    const res = await signupWith({ username: 'uninvited' });
    assert.equal(res.status, 403);
    assert.ok((await res.text()).includes(INVITE_ONLY));
    assert.equal(res.headers.getSetCookie().some((c) => c.startsWith('session=')), false);
    assert.equal(await usersNamed('uninvited'), 0);
  });

  test('an invite link lets people in and spends a use each time; used up, it says so', async () => {
    const made = await root.postForm('/admin/invites', { email: '', uses: '2', days: '' });
    assert.equal(made.status, 200);
    const token = inviteToken(await made.text());
    const id = await newestInviteId();
    assert.deepEqual({ ...(await t.sql`select max_uses, uses, expires_at, email from invites where id = ${id}`)[0] }, { max_uses: 2, uses: 0, expires_at: null, email: null });
    assert.deepEqual({ ...(await lastAudit()) }, { actor: 'root', action: 'invite.create', target: 'anyone', detail: '2 use(s); no expiry' });

    const form = await (await visitor().request(`/signup?invite=${token}`)).text();
    assert.match(form, /name="password"/);
    assert.match(form, new RegExp(`name="invite"[^>]*value="${token}"|value="${token}"[^>]*name="invite"`));
    const first = await signupWith({ username: 'invitee1', invite: token });
    assert.equal(first.status, 303);
    assert.equal(first.headers.get('location'), '/dashboard');
    assert.equal(await roleOf('invitee1'), 'user');
    assert.equal((await t.sql`select uses from invites where id = ${id}`)[0]!.uses, 1);
    assert.equal((await signupWith({ username: 'invitee2', invite: token })).status, 303);
    assert.equal((await t.sql`select uses from invites where id = ${id}`)[0]!.uses, 2);

    const third = await signupWith({ username: 'invitee3', invite: token });
    assert.equal(third.status, 403);
    assert.ok((await third.text()).includes(INVITE_DEAD));
    assert.equal(await usersNamed('invitee3'), 0);
    assert.ok((await (await visitor().request(`/signup?invite=${token}`)).text()).includes(INVITE_DEAD));
    assert.match(await (await root.request('/admin/invites')).text(), /<td>2 of 2<\/td><td>Never<\/td><td>root<\/td><td>Used up<\/td>/);
  });

  test('an invite for an email address refuses any other address', async () => {
    const token = inviteToken(await (await root.postForm('/admin/invites', { email: 'Named@Example.com', uses: '1', days: '7' })).text());
    const wrong = await signupWith({ username: 'impostor', email: 'impostor@example.com', invite: token });
    assert.equal(wrong.status, 403);
    assert.ok((await wrong.text()).includes(INVITE_DEAD));
    assert.equal(await usersNamed('impostor'), 0);
    assert.equal((await t.sql`select uses from invites where email = 'Named@Example.com'`)[0]!.uses, 0);
    assert.equal((await signupWith({ username: 'named', email: 'named@example.com', invite: token })).status, 303);
    assert.equal(await usersNamed('named'), 1);
  });

  test('POST /admin/invites/:id/revoke ends the link at once, with an audit row; a second revoke is 404', async () => {
    const token = inviteToken(await (await root.postForm('/admin/invites', { uses: '5' })).text());
    const id = await newestInviteId();
    const res = await root.postForm(`/admin/invites/${id}/revoke`, {});
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/admin/invites');
    assert.deepEqual({ ...(await lastAudit()) }, { actor: 'root', action: 'invite.revoke', target: id, detail: '' });
    const refused = await signupWith({ username: 'toolate', invite: token });
    assert.equal(refused.status, 403);
    assert.equal(await usersNamed('toolate'), 0);
    assert.equal((await root.postForm(`/admin/invites/${id}/revoke`, {})).status, 404);
    assert.equal((await root.postForm('/admin/invites/no-such-invite/revoke', {})).status, 404);
  });

  test('POST /admin/invites refuses bad fields with 422 and makes no invite', async () => {
    const before = (await t.sql`select count(*)::int as n from invites`)[0]!.n;
    for (const fields of [{ uses: '0' }, { uses: '1001' }, { email: 'not an email' }, { days: '0' }, { days: 'soon' }] as Record<string, string>[]) {
      assert.equal((await root.postForm('/admin/invites', fields)).status, 422, JSON.stringify(fields));
    }
    assert.equal((await t.sql`select count(*)::int as n from invites`)[0]!.n, before);
  });
});

describe('closed registration', () => {
  test('GET /signup says so; POST /signup is 403 and creates no row; reopening lets people in', async () => {
    assert.equal((await saveSettings({ registration: 'closed' })).status, 303);
    const page = await (await visitor().request('/signup')).text();
    assert.ok(page.includes(SIGNUP_CLOSED));
    assert.doesNotMatch(page, /name="password"/);
    const res = await signupWith({ username: 'shutout' });
    assert.equal(res.status, 403);
    assert.ok((await res.text()).includes(SIGNUP_CLOSED));
    assert.equal(await usersNamed('shutout'), 0);
    assert.equal((await saveSettings({ registration: 'open' })).status, 303);
    assert.equal((await signupWith({ username: 'shutout' })).status, 303);
  });
});

describe('quotas', () => {
  // About 3 KB stored, and several MB: the second is over 1 MB on its own.
  const small = () => jpeg(50, 40);
  const large = () => jpeg(2000, 1500);

  test('the default quota applies to accounts made after it is set; an account\'s own quota_mb changes its limit', async () => {
    assert.equal((await saveSettings({ default_quota_mb: '1' })).status, 303);
    const tight = await newUser(t, 'tight');
    assert.equal((await saveSettings({})).status, 303);
    assert.equal((await t.sql`select quota_bytes::float8 as q from users where username = 'tight'`)[0]!.q, MB);
    assert.equal((await t.sql`select quota_bytes from users where username = 'alice'`)[0]!.quota_bytes, null, 'earlier accounts keep theirs');

    const html = await (await tight.upload([{ name: 'small.jpg', data: await small() }, { name: 'large.jpg', data: await large() }], 'private')).text();
    assert.match(html, /1 of 2 images uploaded/);
    assert.match(html, /large\.jpg<\/span><span class="tile-note"><strong>Refused:<\/strong> Over your storage quota: [^<]* left of 1\.0 MB/);
    assert.match(await (await tight.request('/dashboard')).text(), /of 1\.0 MB<\/span>/);

    const raised = await root.postForm('/admin/users/tight', { quota_mb: '100' });
    assert.equal(raised.status, 303);
    assert.deepEqual({ ...(await lastAudit()) }, { actor: 'root', action: 'user.quota', target: 'tight', detail: '100 MB' });
    assert.match(await (await tight.upload([{ name: 'large.jpg', data: await large() }], 'private')).text(), /1 of 1 image uploaded/);
    assert.match(await (await tight.request('/dashboard')).text(), /of 100\.0 MB<\/span>/);

    await root.postForm('/admin/users/tight', { quota_mb: '1' });
    assert.match(await (await tight.upload([{ name: 'small2.jpg', data: await jpeg(51, 40) }], 'private')).text(), /Over your storage quota/);
    // Blank: back to QUOTA_MB.
    assert.equal((await root.postForm('/admin/users/tight', { quota_mb: '' })).status, 303);
    assert.equal((await t.sql`select quota_bytes from users where username = 'tight'`)[0]!.quota_bytes, null);
    assert.equal((await lastAudit())!.detail, `default (${t.config.upload.quotaBytes / MB} MB)`);
    assert.match(await (await tight.upload([{ name: 'small2.jpg', data: await jpeg(51, 40) }], 'private')).text(), /1 of 1 image uploaded/);
  });
});

describe('GET /admin/users', () => {
  const namesOn = (html: string) => [...html.matchAll(/<td><a href="\/admin\/users\/([^"]+)">/g)].map((m) => decodeURIComponent(m[1]!));
  const nextOn = (html: string) => html.match(/<a class="button secondary" href="([^"]+)" rel="next">/)?.[1];

  test('lists each account with its columns', async () => {
    const html = await (await root.request('/admin/users')).text();
    assert.match(html, /<th>Name<\/th><th>Email<\/th><th>Created<\/th><th>Last seen<\/th><th>Images<\/th><th>Stored<\/th><th>Role<\/th><th>State<\/th>/);
    const row = (name: string) => html.match(new RegExp(`<tr(?: class="[^"]*")?><td><a href="/admin/users/${name}">${name}</a></td>(.*?)</tr>`))?.[1];
    assert.match(row('root')!, /^<td>root@example\.com<\/td><td><time[^>]*>[^<]*<\/time><\/td><td><time[^>]*>[^<]*<\/time><\/td><td>\d+<\/td><td>[^<]+<\/td><td>Admin<\/td><td>Active<\/td>$/);
    assert.match(row('alice')!, /<td>alice@example\.com<\/td>.*<td>User<\/td><td>Active<\/td>$/);
  });

  test('searches by part of the name and of the email, case-insensitively', async () => {
    await t.sql`insert into users (id, email, username, password_hash) values
      ('needle-1', 'plain@haystack.test', 'findMeByName', 'x'), ('needle-2', 'Hidden.Needle@elsewhere.test', 'quietone', 'x')`;
    assert.deepEqual(namesOn(await (await root.request('/admin/users?q=MEBYNA')).text()), ['findMeByName']);
    assert.deepEqual(namesOn(await (await root.request('/admin/users?q=needle%40ELSE')).text()), ['quietone']);
    assert.match(await (await root.request('/admin/users?q=zzzz-nothing')).text(), /No account matches “zzzz-nothing”/);
  });

  test('pages 50 at a time, newest first, keyset: every account once, ties in created_at included', async () => {
    // Sixty accounts made in the same instant: the id alone orders them.
    await t.sql`insert into users (id, email, username, password_hash, created_at)
      select 'bulk-' || lpad(n::text, 2, '0'), 'bulk' || n || '@bulk.test', 'bulk_' || lpad(n::text, 2, '0'), 'x', now() - interval '1 hour'
      from generate_series(1, 60) n`;
    const all = (await t.sql<{ username: string }[]>`select username from users order by created_at desc, id desc`).map((r) => r.username);
    assert.ok(all.length > 60);
    const seen: string[] = [];
    let url: string | undefined = '/admin/users';
    while (url) {
      const html = await (await root.request(url)).text();
      const names = namesOn(html);
      assert.ok(names.length <= 50 && names.length > 0);
      seen.push(...names);
      url = nextOn(html) && decode(nextOn(html)!);
      if (url) assert.equal(names.length, 50, 'a full page before the next');
    }
    assert.deepEqual(seen, all);

    // The search carries over to the next page.
    const first = await (await root.request('/admin/users?q=bulk_')).text();
    assert.equal(namesOn(first).length, 50);
    const next = decode(nextOn(first)!);
    assert.match(next, /^\/admin\/users\?q=bulk_&cursor=/);
    const second = await (await root.request(next)).text();
    assert.deepEqual([...namesOn(first), ...namesOn(second)], all.filter((n) => n.startsWith('bulk_')));
    assert.equal(nextOn(second), undefined);
    // A forged cursor is not a page.
    assert.equal((await root.request('/admin/users?cursor=bm9wZQ')).status, 404);
  });
});

describe('POST /admin/users/:username', () => {
  test('role, quota and disabled each change with an audit row; bad values are 422 and change nothing', async () => {
    await newUser(t, 'changeling');
    const row = async () => ({ ...(await t.sql`select role, quota_bytes::float8 as quota, disabled_at is not null as disabled from users where username = 'changeling'`)[0] });

    assert.equal((await root.postForm('/admin/users/changeling', { role: 'admin' })).status, 303);
    assert.deepEqual(await row(), { role: 'admin', quota: null, disabled: false });
    assert.deepEqual({ ...(await lastAudit()) }, { actor: 'root', action: 'user.role', target: 'changeling', detail: 'admin' });
    assert.equal((await root.postForm('/admin/users/changeling', { role: 'user' })).status, 303);
    assert.equal((await lastAudit())!.detail, 'user');

    assert.equal((await root.postForm('/admin/users/changeling', { quota_mb: '42' })).status, 303);
    assert.deepEqual(await row(), { role: 'user', quota: 42 * MB, disabled: false });

    assert.equal((await root.postForm('/admin/users/changeling', { disabled: '1' })).status, 303);
    assert.equal((await row()).disabled, true);
    assert.equal((await lastAudit())!.action, 'user.disable');
    assert.equal((await root.postForm('/admin/users/changeling', { disabled: '0' })).status, 303);
    assert.equal((await row()).disabled, false);
    assert.equal((await lastAudit())!.action, 'user.enable');

    const audits = (await t.sql`select count(*)::int as n from audit_log`)[0]!.n;
    for (const fields of [{ quota_mb: '0' }, { quota_mb: 'x' }, { role: 'root' }, { disabled: 'yes' }, { quota_mb: '5', role: 'owner' }] as Record<string, string>[]) {
      const res = await root.postForm('/admin/users/changeling', fields);
      assert.equal(res.status, 422, JSON.stringify(fields));
    }
    assert.deepEqual(await row(), { role: 'user', quota: 42 * MB, disabled: false });
    assert.equal((await t.sql`select count(*)::int as n from audit_log`)[0]!.n, audits);
    assert.equal((await root.postForm('/admin/users/nobody-at-all', { role: 'admin' })).status, 404);
    assert.equal((await root.request('/admin/users/nobody-at-all')).status, 404);
  });

  test('the last enabled admin cannot be demoted or disabled; nobody can disable themselves', async () => {
    // The other admins of earlier tests step down first.
    for (const name of ['boss', 'latecomer']) assert.equal((await root.postForm(`/admin/users/${name}`, { role: 'user' })).status, 303);
    const demote = await root.postForm('/admin/users/root', { role: 'user' });
    assert.equal(demote.status, 422);
    assert.match(await demote.text(), /This is the last admin: make another account an admin first\./);
    const self = await root.postForm('/admin/users/root', { disabled: '1' });
    assert.equal(self.status, 422);
    assert.match(await self.text(), /You cannot disable your own account\./);
    assert.equal(await roleOf('root'), 'admin');
    // Nor delete their own account from their settings.
    const gone = await root.postForm('/settings/delete-account', { password: PASSWORD });
    assert.equal(gone.status, 422);
    assert.match(await gone.text(), /This is the last admin: make another account an admin first\. Nothing was deleted\./);
    assert.equal(await roleOf('root'), 'admin');

    // A disabled admin does not count.
    await newUser(t, 'deputy');
    assert.equal((await root.postForm('/admin/users/deputy', { role: 'admin' })).status, 303);
    assert.equal((await root.postForm('/admin/users/deputy', { disabled: '1' })).status, 303);
    assert.equal((await root.postForm('/admin/users/root', { role: 'user' })).status, 422);
    // Nor through the domain call, which no route reaches for the last admin.
    await assert.rejects(t.sql.begin((tx) => setDisabled(tx, rootId, true)), Refused);
    assert.equal((await t.sql`select disabled_at from users where username = 'root'`)[0]!.disabled_at, null);
    // A refused change in the same form as an allowed one keeps neither.
    const mixed = await root.postForm('/admin/users/root', { quota_mb: '77', role: 'user' });
    assert.equal(mixed.status, 422);
    assert.equal((await t.sql`select quota_bytes from users where username = 'root'`)[0]!.quota_bytes, null);

    assert.equal((await root.postForm('/admin/users/deputy', { disabled: '0' })).status, 303);
    assert.equal((await root.postForm('/admin/users/root', { role: 'user' })).status, 303, 'with another admin, allowed');
    assert.equal((await root.request('/admin')).status, 404, 'no longer an admin');
    const deputy = await new TestClient(t).login('deputy', PASSWORD);
    assert.equal((await deputy.postForm('/admin/users/root', { role: 'admin' })).status, 303);
    assert.equal(await roleOf('root'), 'admin');
  });
});

describe('disabling an account', () => {
  test('ends its sessions, refuses its logins (403 with the message, 401 for a wrong password), withholds everything it shared; enabling brings it all back', async () => {
    const dana = await newUser(t, 'dana');
    const pub = await uploadAs(dana, 'dana-public.jpg', 'public');
    const priv = await uploadAs(dana, 'dana-private.jpg', 'private');
    const albumRes = await dana.postForm('/albums', { title: 'Dana public', visibility: 'public' });
    const album = albumRes.headers.get('location')!.split('/')[2]!;
    assert.equal((await dana.postForm(`/albums/${album}/images`, { ids: pub.id, confirm: '1' })).status, 303);
    const rowsBefore = await t.sql`select id, visibility, share_token from images where user_id = ${await idOf('dana')} order by id`;

    // Visitors (and other members) see it all, and the public pages are now in the page cache.
    const oldUrls = await publicUrls(pub.id);
    const shared = ['/gallery', '/', '/u/dana', '/u/dana.atom', '/albums/public', `/albums/${album}`, '/gallery.atom'];
    for (const who of [visitor(), alice]) {
      for (const url of oldUrls) assert.equal((await who.request(url)).status, 200, url);
      for (const url of shared) {
        const res = await who.request(url);
        assert.equal(res.status, 200, url);
        const body = await res.text();
        assert.ok(body.includes(url.startsWith('/albums/public') ? album : pub.id), `${url} shows it`);
      }
    }
    const cookie = dana.cookies.get('session')!;

    assert.equal((await root.postForm('/admin/users/dana', { disabled: '1' })).status, 303);
    assert.deepEqual({ ...(await lastAudit()) }, { actor: 'root', action: 'user.disable', target: 'dana', detail: '' });

    // Signed out everywhere: the old cookie is nobody's.
    assert.equal((await t.sql`select 1 from sessions where user_id = ${await idOf('dana')}`).length, 0);
    const old = new TestClient(t);
    old.cookies.set('session', cookie);
    const dash = await old.request('/dashboard');
    assert.equal(dash.status, 303);
    assert.match(dash.headers.get('location')!, /^\/login/);
    const login = await new TestClient(t).postForm('/login', { username: 'dana', password: PASSWORD });
    assert.equal(login.status, 403);
    assert.ok((await login.text()).includes(ACCOUNT_DISABLED));
    assert.equal(login.headers.getSetCookie().some((c) => c.startsWith('session=')), false);
    const wrong = await new TestClient(t).postForm('/login', { username: 'dana', password: 'not her password' });
    assert.equal(wrong.status, 401);
    const wrongText = await wrong.text();
    assert.match(wrongText, /Wrong username\/email or password\./);
    assert.ok(!wrongText.includes(ACCOUNT_DISABLED), 'a wrong password learns nothing');

    // Withheld at once, the cached pages included, for visitors and members alike.
    const newUrls = await publicUrls(pub.id);
    for (const who of [visitor(), alice]) {
      for (const url of [...oldUrls, ...newUrls, `/images/${priv.id}`, `/albums/${album}`, '/u/dana', '/u/dana.atom', '/u/dana/albums']) {
        assert.equal((await who.request(url)).status, 404, url);
      }
      for (const url of ['/gallery', '/', '/gallery.atom', '/albums/public']) {
        const body = await (await who.request(url)).text();
        assert.ok(!body.includes(pub.id) && !body.includes(album), `${url} no longer shows it`);
      }
    }
    assert.match(await (await root.request('/admin/users/dana')).text(), /Disabled since <time/);

    assert.equal((await root.postForm('/admin/users/dana', { disabled: '0' })).status, 303);
    assert.equal((await lastAudit())!.action, 'user.enable');
    assert.deepEqual(await t.sql`select id, visibility, share_token from images where user_id = ${await idOf('dana')} order by id`, rowsBefore, 'visibility unchanged');
    for (const url of await publicUrls(pub.id)) assert.equal((await visitor().request(url)).status, 200, url);
    for (const url of shared) {
      const body = await (await visitor().request(url)).text();
      assert.ok(body.includes(url.startsWith('/albums/public') ? album : pub.id), `${url} shows it again`);
    }
    assert.equal((await visitor().request(`/images/${priv.id}`)).status, 404, 'still private');
    assert.equal((await old.request('/dashboard')).status, 303, 'the old session stays ended');
    assert.equal((await new TestClient(t).postForm('/login', { username: 'dana', password: PASSWORD })).status, 303);
  });
});

describe('POST /admin/users/:username/delete', () => {
  test('a wrong confirmation is 422 and deletes nothing; the username deletes every row and object of theirs', async () => {
    const goner = await newUser(t, 'goner');
    const shown = await uploadAs(goner, 'goner-1.jpg', 'public');
    await uploadAs(goner, 'goner-2.jpg', 'private');
    await goner.postForm('/albums', { title: 'Gone soon', visibility: 'public' });
    // A visitor's download makes the public one's clean copy: it goes with the rest.
    assert.equal((await new TestClient(t).request(`/images/${shown.id}/original`)).status, 200);
    const id = await idOf('goner');
    const keys = (await t.sql<KeyParts[]>`select ${t.sql(KEY_COLUMNS)} from images where user_id = ${id}`).flatMap((r) => allKeys(r));
    const stored = await storedKeys(t.storage);
    assert.equal(keys.filter((k) => stored.has(k)).length, 9, 'four objects each, and one clean copy');

    assert.match(await (await root.request('/admin/users/goner/delete')).text(), /Type the username to confirm/);
    const wrong = await root.postForm('/admin/users/goner/delete', { confirm: 'gonner' });
    assert.equal(wrong.status, 422);
    assert.match(await wrong.text(), /Type goner to confirm\./);
    assert.equal((await root.postForm('/admin/users/goner/delete', {})).status, 422);
    assert.equal(await usersNamed('goner'), 1);
    assert.equal((await goner.request('/dashboard')).status, 200);

    const res = await root.postForm('/admin/users/goner/delete', { confirm: ' GONER ' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/admin/users');
    for (const table of ['users', 'images', 'albums', 'sessions']) {
      const column = table === 'users' ? 'id' : 'user_id';
      assert.equal((await t.sql`select 1 from ${t.sql(table)} where ${t.sql(column)} = ${id}`).length, 0, table);
    }
    const left = await storedKeys(t.storage);
    assert.deepEqual(keys.filter((k) => left.has(k)), [], 'no object of theirs is left');
    assert.equal((await t.sql`select 1 from pending_deletions`).length, 0);
    const audit = await lastAudit();
    assert.deepEqual([audit?.action, audit?.target], ['user.delete', 'goner']);
    assert.match(audit!.detail, /goner@example\.com; 2 image\(s\)/);
    assert.equal((await goner.request('/dashboard')).status, 303, 'signed out');
    assert.equal((await root.postForm('/admin/users/goner/delete', { confirm: 'goner' })).status, 404);
  });

  test('an admin cannot delete themselves here', async () => {
    const res = await root.postForm('/admin/users/root/delete', { confirm: 'root' });
    assert.equal(res.status, 422);
    assert.match(await res.text(), /Delete your own account from your settings\./);
    assert.equal(await usersNamed('root'), 1);
  });
});

describe('gallery_public off', () => {
  test('visitors are sent to log in from the gallery\'s lists; members still browse; an image opens by its link', async () => {
    const img = await uploadAs(alice, 'members-only.jpg', 'public');
    assert.ok((await (await visitor().request('/')).text()).includes(img.id));
    assert.equal((await saveSettings({ gallery_public: undefined })).status, 303);
    assert.equal((await settingsRow()).gallery_public, false);
    assert.match((await lastAudit())!.detail, /gallery_public: true → false/);
    for (const url of ['/gallery', '/gallery.atom', '/u/alice', '/u/alice.atom', '/u/alice/albums', '/albums/public', '/gallery?sort=oldest', '/gallery?q=members']) {
      const res = await visitor().request(url);
      assert.equal(res.status, 303, url);
      assert.equal(res.headers.get('location'), `/login?next=${encodeURIComponent(url)}`);
      // Nothing of the page made beside the check: neither its body nor its headers.
      assert.equal(await res.text(), '', url);
      assert.equal(res.headers.get('content-type'), null, url);
      assert.equal(res.headers.get('vary'), null, url);
      const head = await visitor().request(url, { method: 'HEAD' });
      assert.deepEqual([head.status, head.headers.get('location')], [303, `/login?next=${encodeURIComponent(url)}`], url);
    }
    assert.ok(!(await (await visitor().request('/')).text()).includes(img.id), 'the home page shows visitors no images');
    // Nor does oEmbed show a profile's newest image (a list, for members only now).
    const profileEmbed = `/oembed?format=json&url=${encodeURIComponent('http://localhost/u/alice')}`;
    assert.equal((await visitor().request(profileEmbed)).status, 404);
    const gallery = await alice.request('/gallery');
    assert.equal(gallery.status, 200);
    assert.ok((await gallery.text()).includes(img.id));
    assert.ok((await (await root.request('/u/alice')).text()).includes(img.id));
    for (const url of await publicUrls(img.id)) assert.equal((await visitor().request(url)).status, 200, url);

    assert.equal((await saveSettings({})).status, 303);
    assert.equal((await visitor().request('/gallery')).status, 200);
    assert.equal((await visitor().request(profileEmbed)).status, 200);
    assert.ok((await (await visitor().request('/')).text()).includes(img.id));
  });
});

describe('GET /admin/audit', () => {
  test('lists every admin action, newest first, with who did what to whom', async () => {
    await root.postForm('/admin/users/alice', { quota_mb: '321' });
    await root.postForm('/admin/users/alice', { quota_mb: '' });
    const html = await (await root.request('/admin/audit')).text();
    const rows = [...html.matchAll(/<tr><td><time[^>]*>[^<]*<\/time><\/td><td>([^<]*)<\/td><td><code>([^<]*)<\/code><\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)]
      .map((m) => m.slice(1, 5).join(' | '));
    const expected = (await t.sql<{ actor: string; action: string; target: string; detail: string }[]>`
      select actor, action, target, detail from audit_log order by id desc limit 50`).map((r) => [r.actor, r.action, r.target, r.detail].join(' | '));
    assert.ok(expected.length > 10);
    assert.deepEqual(rows.map((r) => r.replaceAll('&gt;', '>').replaceAll('&amp;', '&')), expected);
    assert.deepEqual(rows.slice(0, 2), ['root | user.quota | alice | default (5120 MB)', 'root | user.quota | alice | 321 MB']);

    const next = html.match(/href="\/admin\/audit\?before=(\d+)" rel="next"/);
    const total = (await t.sql`select count(*)::int as n from audit_log`)[0]!.n as number;
    if (total > 50) {
      const older = await (await root.request(`/admin/audit?before=${next![1]}`)).text();
      assert.ok(older.includes('<code>'));
    } else {
      assert.equal(next, null);
    }
    assert.equal((await root.request('/admin/audit?before=abc')).status, 400);
  });
});
