import type { Sql } from '../db/client.ts';
import type { Compose } from '../mail/mailer.ts';
import type { OutboxRow } from '../mail/outbox.sql.ts';
import type { Message } from '../mail/transport.ts';
import { escapeHtml } from '../web/escape.ts';
import { SITE_NAME } from '../web/preview.tsx';
import { accountByEmail, accountById } from './accounts.sql.ts';
import { issueToken } from './tokens.sql.ts';


/** A short mail: paragraphs of text and, when given, one link, in plain text and as simple HTML. */
function letter(to: string, subject: string, paragraphs: string[], link?: { url: string; label: string }, after: string[] = []): Message {
  const text = [...paragraphs, ...(link ? [`${link.label}:\n${link.url}`] : []), ...after, `-- ${SITE_NAME}`].join('\n\n');
  const p = (s: string) => `<p>${escapeHtml(s)}</p>`;
  const button = link ? `<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>` : '';
  const html = `<!DOCTYPE html><html><body style="font-family:sans-serif;line-height:1.5">${paragraphs.map(p).join('')}${button}${after.map(p).join('')}<p style="color:#666">${SITE_NAME}</p></body></html>`;
  return { to, subject, text, html };
}

/** The mails of this feature, made when they are sent (so a link is minted only if it still applies). */
export function recoveryMails(sql: Sql): Record<string, Compose> {
  return {
    // Queued for any address typed into "Forgot password": only here is it known whether an
    // account uses it, long after the request was answered.
    async 'password-reset'(row: OutboxRow) {
      const account = await accountByEmail(sql, row.recipient);
      if (!account) return null;
      const token = await issueToken(sql, account.id, 'reset', account.email);
      return letter(account.email, `Reset your password on ${SITE_NAME}`, [
        `Someone (hopefully you) asked to reset the password of ${account.username}.`,
        'The link works once, for one hour. If you did not ask, ignore this mail: your password stays as it is.',
      ], { url: `${row.origin}/password/reset/${token}`, label: 'Choose a new password' });
    },
    async 'verify-email'(row: OutboxRow) {
      const account = await accountById(sql, row.data.userId!);
      const address = row.recipient.toLowerCase();
      const isCurrent = account?.email.toLowerCase() === address;
      if (!account || (isCurrent && account.verified) || (!isCurrent && account.pending_email?.toLowerCase() !== address)) return null;
      const token = await issueToken(sql, account.id, 'verify', row.recipient);
      return letter(row.recipient, `Confirm your email address on ${SITE_NAME}`, [
        `Confirm that ${row.recipient} is the address of ${account.username}.`,
        isCurrent ? 'The link works for 24 hours.' : 'Until you confirm, your account keeps using its old address. The link works for 24 hours.',
      ], { url: `${row.origin}/email/verify/${token}`, label: 'Confirm this address' });
    },
    async 'security-notice'(row: OutboxRow) {
      return letter(row.recipient, `${row.data.what} on ${SITE_NAME}`, [
        `${row.data.what} on the account ${row.data.username}.`,
        'If this was you, there is nothing to do. If not, someone else can sign in: reset your password now, then check Security in your settings.',
      ], { url: `${row.origin}/password/forgot`, label: 'Reset your password' });
    },
    async 'email-change-notice'(row: OutboxRow) {
      return letter(row.recipient, `Your email address on ${SITE_NAME} is being changed`, [
        `Someone signed in as ${row.data.username} asked to change the account's email address to ${row.data.newEmail}.`,
        'It changes only once the new address is confirmed. If this was not you, reset your password now:',
      ], { url: `${row.origin}/password/forgot`, label: 'Reset your password' });
    },
  };
}
