import type { Logger } from 'pino';
import type { Sql } from '../db/client.ts';
import { claimDue, deleteMail, insertMail, retryLater, type OutboxRow } from './outbox.sql.ts';
import type { Message, Transport } from './transport.ts';

/** Makes the mail of an outbox row when it is sent; null: nothing to send any more (dropped). */
export type Compose = (row: OutboxRow) => Promise<Message | null>;

// A claim outlasts any one send: the transport gives up on a silent server well before this
// (SMTP_TIMEOUTS), so no other instance takes a mail while it is still being sent.
const LEASE_MS = 3 * 60_000;
const FIRST_RETRY_MS = 10_000;
const MAX_RETRY_MS = 5 * 60_000;

/** How long after the `attempts`-th failed attempt the next one comes: 10 s, 20 s, 40 s, ... at most 5 minutes. */
export const retryDelay = (attempts: number) => Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);

export type Mailer = ReturnType<typeof createMailer>;

/** Where the mailer reports failures: the app's logger. */
export type MailLog = Pick<Logger, 'error'>;

/**
 * Mail through the outbox: `send` only writes a row (so a request never waits on, or fails with,
 * the mail server) and then starts a delivery pass in the background; `deliverDue` sends what is
 * due, and whichever instance runs it first takes each mail. A failed send is tried again later,
 * with backoff.
 */
export function createMailer(sql: Sql, transport: Transport, compose: Compose, log: MailLog) {
  let running: Promise<number> | undefined;
  let again = false;

  async function deliverOne(row: OutboxRow) {
    try {
      const message = await compose(row);
      if (message) await transport.send(message);
      await deleteMail(sql, row.id);
      return message ? 1 : 0;
    } catch (err) {
      // The server refused the recipient for good (550 no such mailbox, ...): trying again would
      // only repeat it. Anything else (down, busy, a refused login) is tried again.
      const { responseCode, command } = err as { responseCode?: number; command?: string };
      if (command === 'RCPT TO' && responseCode && responseCode >= 500) {
        log.error({ mailId: row.id, kind: row.kind, responseCode }, 'mail: the recipient was refused for good; dropped');
        await deleteMail(sql, row.id);
        return 0;
      }
      await retryLater(sql, row.id, retryDelay(row.attempts), String((err as Error).message ?? err));
      log.error({ mailId: row.id, kind: row.kind, attempt: row.attempts, error: String((err as Error).message ?? err) }, 'mail: a send failed; to be tried again');
      return 0;
    }
  }

  // One mail claimed at a time, so each claim covers one send, however slow the server. Every row
  // a claim returns is sent: one claimed and left would wait out its lease.
  async function pass() {
    let sent = 0;
    for (let rows = await claimDue(sql, 1, LEASE_MS); rows.length > 0; rows = await claimDue(sql, 1, LEASE_MS)) {
      for (const row of rows) sent += await deliverOne(row);
    }
    return sent;
  }

  /** Sends every due mail; one pass at a time in this instance (a call during a pass runs one more after it). */
  function deliverDue(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let sent = 0;
      try {
        do {
          again = false;
          sent += await pass();
        } while (again);
      } finally {
        // Cleared in the same step as the last look at `again`: a `.finally` after the promise
        // ran a step later, and a mail queued in between asked this ending pass for one more
        // (`again`) that never came; it waited for the retry timer.
        running = undefined;
      }
      return sent;
    })();
    return running;
  }

  return {
    /** Queues a mail; `origin` is where its links point. Resolves once the row is written, not sent. */
    async send(kind: string, recipient: string, data: Record<string, string>, origin: string) {
      await insertMail(sql, { kind, recipient, data, origin });
      deliverDue().catch((err) => log.error({ err }, 'mail: a delivery pass failed'));
    },
    deliverDue,
    /** Resolves when this instance has no delivery pass running (one that started meanwhile included). */
    idle: async () => {
      while (running) await running.catch(() => {});
    },
    /** Delivers due mail (retries) every `intervalMs`; returns the stop function. */
    start(intervalMs: number) {
      const timer = setInterval(() => deliverDue().catch((err) => log.error({ err }, 'mail: a delivery pass failed')), intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
