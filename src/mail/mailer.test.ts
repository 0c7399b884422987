// The outbox through a real SMTP server on loopback: what a request queues arrives, a refusing or
// missing server leaves the mail queued with backoff, and several senders send each mail once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMail } from '../deps.ts';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { TestClient } from '../test-support/client.ts';
import { freePort } from '../test-support/ports.ts';
import { linkIn, startTestSmtp, type TestSmtp } from '../test-support/smtp-server.ts';
import { retryDelay } from './mailer.ts';
import { claimDue, insertMail } from './outbox.sql.ts';
import { createTransport } from './transport.ts';

const PUBLIC_URL = 'https://images.example';
let smtp: TestSmtp;
let t: TestApp;
before(async () => {
  smtp = await startTestSmtp();
  t = await startTestApp({ SMTP_URL: smtp.url, PUBLIC_URL });
});
after(async () => {
  await t.close();
  await smtp.stop();
});

type OutboxState = { attempts: number; last_error: string | null; retry_within_30s: boolean };

/** The outbox row of the mails to `recipient`, as the database sees it now. */
async function outboxFor(sql: TestApp['sql'], recipient: string) {
  return sql<OutboxState[]>`
    select attempts, last_error, next_attempt_at <= now() + interval '30 seconds' as retry_within_30s
    from mail_outbox where recipient = ${recipient}`;
}

/** Signs up over the app (which queues a confirmation mail to `<username>@example.com`). */
async function signup(app: TestApp, username: string) {
  const res = await new TestClient(app).postForm('/signup', { email: `${username}@example.com`, username, password: 'correct horse battery' },
    { Origin: app.config.publicUrl?.origin ?? 'http://localhost' });
  assert.equal(res.status, 303);
  return `${username}@example.com`;
}

/** Queues a mail that needs no account (a change notice) straight into the outbox. */
const queueNotice = (recipient: string) =>
  insertMail(t.sql, { kind: 'email-change-notice', recipient, data: { username: 'someone', newEmail: 'new@example.com' }, origin: PUBLIC_URL });

const makeDue = (sql: TestApp['sql'], recipient: string) => sql`update mail_outbox set next_attempt_at = now() where recipient = ${recipient}`;
const delivered = (to: string) => smtp.inbox.filter((m) => m.to.includes(to)).length;

describe('mail a request sends', () => {
  test('arrives through SMTP with plain text, HTML and an absolute link to PUBLIC_URL', async () => {
    const to = await signup(t, 'ada');
    const mail = await smtp.waitFor((m) => m.to.includes(to));
    assert.match(mail.subject, /Confirm your email address/);
    const link = linkIn(mail, /^\/email\/verify\/[\w-]{40,}$/);
    assert.ok(link.startsWith(`${PUBLIC_URL}/email/verify/`), link);
    assert.match(mail.text, /Confirm that ada@example\.com is the address of ada/);
    assert.ok(mail.html.includes(`href="${link}"`), 'the HTML has the same link');
    assert.match(mail.html, /<p>Confirm that ada@example\.com is the address of ada\.<\/p>/);
    await t.mail.idle();
    assert.equal((await outboxFor(t.sql, to)).length, 0, 'a sent mail leaves the outbox');
  });

  test('a refusing server: the request answers as usual; the mail waits with backoff, then goes once accepted', async () => {
    await t.mail.idle();
    smtp.refuse(true);
    let to: string;
    try {
      to = await signup(t, 'refused');
      await t.mail.idle();
    } finally {
      smtp.refuse(false);
    }
    const [row] = await outboxFor(t.sql, to);
    assert.ok(row, 'the mail stays queued');
    assert.equal(row.attempts, 1);
    assert.match(row.last_error ?? '', /451/);
    assert.equal(row.retry_within_30s, true, 'the next attempt is the first backoff, not the claim lease');
    assert.equal(delivered(to), 0);

    await makeDue(t.sql, to);
    assert.equal(await t.mail.deliverDue(), 1);
    assert.equal((await outboxFor(t.sql, to)).length, 0);
    assert.equal(delivered(to), 1);
  });

  test('a recipient the server refuses for good (550) is dropped, not tried again', async () => {
    await t.mail.idle();
    smtp.rejectRecipient('gone@example.com');
    await insertMail(t.sql, { kind: 'email-change-notice', recipient: 'gone@example.com', data: { username: 'gone', newEmail: 'x@example.com' }, origin: PUBLIC_URL });
    assert.equal(await t.mail.deliverDue(), 0);
    assert.equal((await outboxFor(t.sql, 'gone@example.com')).length, 0, 'no retries for a mailbox that does not exist');
    assert.equal(delivered('gone@example.com'), 0);
  });

  test('no server listening: the request answers as usual; the mail goes once a server listens there', async () => {
    const port = await freePort();
    const down = await startTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}`, PUBLIC_URL: 'http://localhost' });
    let later: TestSmtp | undefined;
    try {
      const to = await signup(down, 'unreachable');
      await down.mail.idle();
      const [row] = await outboxFor(down.sql, to);
      assert.equal(row?.attempts, 1);
      assert.match(row!.last_error ?? '', /ECONNREFUSED|connect/i);
      assert.equal(row!.retry_within_30s, true);

      later = await startTestSmtp({ port });
      await makeDue(down.sql, to);
      assert.equal(await down.mail.deliverDue(), 1);
      assert.equal((await outboxFor(down.sql, to)).length, 0);
      assert.match((await later.waitFor((m) => m.to.includes(to))).subject, /Confirm your email address/);
    } finally {
      await down.close();
      await later?.stop();
    }
  });
});

describe('retryDelay', () => {
  test('starts at 10 seconds, doubles with each failed attempt and stays at 5 minutes', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map(retryDelay), [10_000, 20_000, 40_000, 80_000, 160_000]);
    assert.equal(retryDelay(6), 5 * 60_000);
    assert.equal(retryDelay(50), 5 * 60_000);
    assert.equal(retryDelay(0), 10_000, 'never below the first delay');
  });
});

describe('claimDue', () => {
  test('takes at most `limit` rows a claim, each row once, however many claim at once', async () => {
    const recipients = Array.from({ length: 60 }, (_, i) => `claimed${i}@example.com`);
    for (const recipient of recipients) await insertMail(t.sql, { kind: 'no-such-kind', recipient, data: {}, origin: PUBLIC_URL });
    const sizes: number[] = [];
    const claimed: string[] = [];
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let rows = await claimDue(t.sql, 1, 60_000); rows.length > 0; rows = await claimDue(t.sql, 1, 60_000)) {
        sizes.push(rows.length);
        claimed.push(...rows.map((r) => r.recipient));
      }
    }));
    await t.sql`delete from mail_outbox where recipient in ${t.sql(recipients)}`;
    assert.deepEqual(sizes.filter((n) => n !== 1), [], 'one row a claim');
    assert.deepEqual(claimed.sort(), [...recipients].sort());
  });
});

describe('deliverDue', () => {
  test('two mailers over one database, delivering at once, send each mail exactly once', async () => {
    await t.mail.idle();
    const other = createMail(t.sql, t.config, t.log);
    const recipients = Array.from({ length: 45 }, (_, i) => `race${i}@example.com`);
    for (const r of recipients) await queueNotice(r);
    const sent = await Promise.all([t.mail.deliverDue(), other.deliverDue(), t.mail.deliverDue(), other.deliverDue()]);
    await Promise.all([t.mail.idle(), other.idle()]);
    // A call during a pass shares it: the first and third (and second and fourth) are one count.
    assert.equal(sent[0]! + sent[1]!, recipients.length);
    for (const r of recipients) assert.equal(delivered(r), 1, r);
    assert.equal(Number((await t.sql`select count(*) from mail_outbox where recipient like 'race%'`)[0]!.count), 0);
  });

  test('a mail queued while a pass ends gets a pass of its own, not the retry timer', async () => {
    await t.mail.idle();
    // A pass that finds nothing, and a mail queued beside it: the answers to the pass's last look
    // at the outbox and to the insert can come in one read, a step apart (one connection answers
    // both when it is embedded). Before, the pass ended having taken the mail's "one more".
    for (let i = 0; i < 20; i++) {
      const to = `beside${i}@example.com`;
      await Promise.all([t.mail.deliverDue(), t.mail.send('email-change-notice', to, { username: 'someone', newEmail: 'new@example.com' }, PUBLIC_URL)]);
      await t.mail.idle();
      assert.equal(delivered(to), 1, to);
    }
  });

  test('takes again a claimed row whose lease ran out (its sender died), and leaves one whose lease holds', async () => {
    await t.mail.idle();
    await queueNotice('crashed@example.com');
    await queueNotice('sending@example.com');
    // As claimDue leaves them: one attempt counted; one lease over, one for minutes more.
    await t.sql`update mail_outbox set attempts = 1, next_attempt_at = now() - interval '1 second' where recipient = 'crashed@example.com'`;
    await t.sql`update mail_outbox set attempts = 1, next_attempt_at = now() + interval '3 minutes' where recipient = 'sending@example.com'`;
    assert.equal(await t.mail.deliverDue(), 1);
    assert.equal(delivered('crashed@example.com'), 1);
    assert.equal((await outboxFor(t.sql, 'crashed@example.com')).length, 0);
    assert.equal(delivered('sending@example.com'), 0);
    assert.equal((await outboxFor(t.sql, 'sending@example.com'))[0]?.attempts, 1);
    await t.sql`delete from mail_outbox where recipient = 'sending@example.com'`;
  });
});

describe('createTransport without SMTP_URL', () => {
  test('writes each mail to the log: recipient, subject and its link', async () => {
    await signup(t, 'logged');
    await t.mail.idle();
    const lines: string[] = [];
    const logged = createMail(t.sql, t.config, t.log, createTransport({ from: t.config.mail.from }, (line: string) => lines.push(line)));
    await insertMail(t.sql, { kind: 'password-reset', recipient: 'logged@example.com', data: {}, origin: PUBLIC_URL });
    assert.equal(await logged.deliverDue(), 1);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^mail to logged@example\.com: Reset your password on Image Repository\n/);
    assert.match(lines[0]!, /https:\/\/images\.example\/password\/reset\/[\w-]{43}\n/);
  });
});
