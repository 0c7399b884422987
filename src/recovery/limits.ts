import { countInWindow } from '../auth/throttle.ts';
import type { Sql } from '../db/client.ts';
import { RateLimited } from '../web/errors.tsx';

/** Reset mails per typed address and per client, and confirmation mails per account, per 15 minutes. */
export const MAIL_LIMITS = { address: 3, client: 10, resend: 3 } as const;

/** Counts one more mail under `key`; a refusal with the wait when over `limit`. */
export async function countMail(sql: Sql, key: string, limit: number) {
  const wait = await countInWindow(sql, key, limit);
  if (wait) throw new RateLimited('Too many mails asked for; try again later', wait);
}
