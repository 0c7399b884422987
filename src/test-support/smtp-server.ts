import { rename, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

/** One accepted message; `to` and `from` are the SMTP envelope addresses (`to` lowercased). */
export type Delivered = { to: string[]; from: string; subject: string; text: string; html: string; raw: string };

export type TestSmtp = {
  url: string;
  port: number;
  inbox: Delivered[];
  /** The first message in the inbox (now or later) matching `pred`. */
  waitFor(pred: (m: Delivered) => boolean, timeoutMs?: number): Promise<Delivered>;
  /** While on, every message is answered with 451 (temporary failure) and not stored. */
  refuse(on: boolean): void;
  /** Answers RCPT TO for `address` with 550 (no such mailbox): a refusal for good. */
  rejectRecipient(address: string): void;
  stop(): Promise<void>;
};

/**
 * A real SMTP server on loopback that keeps every message it accepts in `inbox` (and, with
 * `spool`, writes each to that directory too).
 */
export async function startTestSmtp(opts: { port?: number; spool?: string } = {}): Promise<TestSmtp> {
  const inbox: Delivered[] = [];
  const waiters = new Set<(m: Delivered) => void>();
  let refusing = false;
  const rejected = new Set<string>();

  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    // No TLS on loopback; without this smtp-server refuses AUTH on a plaintext connection.
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    authMethods: ['PLAIN', 'LOGIN'],
    // A test that forgets to close a pooled transport must not hold stop() for the default 30 s.
    closeTimeout: 500,
    onAuth(auth, _session, cb) {
      cb(null, { user: auth.username ?? 'anyone' });
    },
    onRcptTo(address, _session, cb) {
      if (!rejected.has(address.address.toLowerCase())) return cb();
      cb(Object.assign(new Error('No such mailbox'), { responseCode: 550 }));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        // The stream must be drained before answering, even when refusing.
        if (refusing) {
          const err = Object.assign(new Error('Temporary failure, try again later'), { responseCode: 451 });
          return cb(err);
        }
        try {
          const raw = Buffer.concat(chunks).toString('utf8');
          const parsed = await simpleParser(raw);
          const mail: Delivered = {
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            raw,
          };
          inbox.push(mail);
          // For readers in other processes (the browser stories): one JSON file per message.
          // Written aside, then renamed: a reader never sees half a file.
          if (opts.spool) {
            const file = join(opts.spool, `${Date.now()}-${inbox.length}`);
            await writeFile(`${file}.tmp`, JSON.stringify(mail));
            await rename(`${file}.tmp`, `${file}.json`);
          }
          for (const w of waiters) w(mail);
          cb();
        } catch (err) {
          cb(err as Error);
        }
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;

  function waitFor(pred: (m: Delivered) => boolean, timeoutMs = 10_000): Promise<Delivered> {
    const found = inbox.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = (m: Delivered) => {
        if (!pred(m)) return;
        clearTimeout(timer);
        waiters.delete(waiter);
        resolve(m);
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        const subjects = inbox.map((m) => JSON.stringify(m.subject)).join(', ') || 'none';
        reject(new Error(`no matching mail within ${timeoutMs} ms; subjects received: ${subjects}`));
      }, timeoutMs);
      waiters.add(waiter);
    });
  }

  return {
    url: `smtp://user:pass@127.0.0.1:${port}`,
    port,
    inbox,
    waitFor,
    refuse(on) {
      refusing = on;
    },
    rejectRecipient(address) {
      rejected.add(address.toLowerCase());
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first absolute http(s) URL in the mail's text whose pathname matches `path`. */
export function linkIn(mail: Delivered, path: RegExp): string {
  for (const [candidate] of mail.text.matchAll(/https?:\/\/[^\s<>"')\]]+/g)) {
    let url: URL;
    try {
      url = new URL(candidate);
    } catch {
      continue;
    }
    if (path.test(url.pathname)) return candidate;
  }
  throw new Error(`no link matching ${path} in mail ${JSON.stringify(mail.subject)}:\n${mail.text}`);
}
