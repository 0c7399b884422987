import nodemailer from 'nodemailer';

/** Well inside the outbox's claim (3 minutes): nodemailer's own defaults wait up to 10. */
export const SMTP_TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

/** A mail ready to go: plain text, and simple HTML saying the same. */
export type Message = { to: string; subject: string; text: string; html: string };
export type Transport = { send(message: Message): Promise<void> };

/**
 * SMTP through nodemailer when `smtpUrl` is set (`smtps://` for implicit TLS, `smtp://` upgrading
 * with STARTTLS when the server offers it); otherwise each mail is written to the log, so the
 * embedded default needs no mail server and its links can still be followed.
 */
export function createTransport(opts: { smtpUrl?: string; from: string }, log: (line: string) => void): Transport {
  if (!opts.smtpUrl) {
    return {
      async send(m) {
        log(`mail to ${m.to}: ${m.subject}\n${m.text}`);
      },
    };
  }
  const smtp = nodemailer.createTransport(opts.smtpUrl, { from: opts.from, ...SMTP_TIMEOUTS });
  return {
    async send(m) {
      await smtp.sendMail({ to: m.to, subject: m.subject, text: m.text, html: m.html });
    },
  };
}
