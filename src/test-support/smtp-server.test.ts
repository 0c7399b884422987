import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { linkIn, startTestSmtp, type TestSmtp } from './smtp-server.ts';

describe('test SMTP server', () => {
  let smtp: TestSmtp;
  before(async () => {
    smtp = await startTestSmtp();
  });
  after(() => smtp.stop());

  test('delivers a message sent by nodemailer to the inbox', async () => {
    const transport = nodemailer.createTransport(smtp.url);
    const arriving = smtp.waitFor((m) => m.subject === 'Hello');
    await transport.sendMail({
      from: 'app@example.test',
      to: 'Ada@Example.test',
      subject: 'Hello',
      text: 'Reset here: http://localhost:3000/reset/abc123 thanks',
      html: '<p>Hi</p>',
    });
    const mail = await arriving;
    assert.deepEqual(mail.to, ['ada@example.test']);
    assert.equal(mail.from, 'app@example.test');
    assert.match(mail.text, /Reset here/);
    assert.equal(mail.html, '<p>Hi</p>');
    assert.equal(linkIn(mail, /^\/reset\//), 'http://localhost:3000/reset/abc123');
    assert.throws(() => linkIn(mail, /^\/verify\//));
  });

  test('refuse(true) answers 451 and stores nothing', async () => {
    const transport = nodemailer.createTransport(smtp.url);
    const before = smtp.inbox.length;
    smtp.refuse(true);
    try {
      await assert.rejects(
        transport.sendMail({ from: 'app@example.test', to: 'ada@example.test', subject: 'Refused', text: 'x' }),
        (err: { responseCode?: number }) => err.responseCode !== undefined && err.responseCode >= 400 && err.responseCode < 500,
      );
    } finally {
      smtp.refuse(false);
    }
    assert.equal(smtp.inbox.length, before);
    await assert.rejects(smtp.waitFor((m) => m.subject === 'Refused', 50), /subjects received: "Hello"/);
  });
});
