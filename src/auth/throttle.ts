import type { Sql } from '../db/client.ts';
import { clear, hit } from './throttle.sql.ts';

// Counters live in PostgreSQL, so every instance sees the same ones. Windows expire: the real
// owner of an attacked account is slowed down, never locked out for good.
const WINDOW_MS = 15 * 60_000;
export const LIMITS = { account: 10, address: 50 } as const;

const accountKey = (login: string) => `login:account:${login.toLowerCase()}`;
const addressKey = (ip: string) => `login:address:${ip}`;

/**
 * Counts a login attempt for this account and address before the password is checked (so many
 * guesses sent at once are all counted); seconds to wait when over a limit, else 0.
 */
export async function loginAttempt(sql: Sql, login: string, ip: string) {
  const [account, address] = await Promise.all([hit(sql, accountKey(login), WINDOW_MS), hit(sql, addressKey(ip), WINDOW_MS)]);
  const waits = [account.hits > LIMITS.account ? account.retry_after : 0, address.hits > LIMITS.address ? address.retry_after : 0];
  return Math.max(...waits);
}

/** The owner got in: their account's count starts again. */
export async function loginSucceeded(sql: Sql, login: string) {
  await clear(sql, accountKey(login));
}

/** Counts a sign-up from `ip`; seconds to wait when over `perHour`, else 0. */
export async function signupRetryAfter(sql: Sql, ip: string, perHour: number) {
  const { hits, retry_after } = await hit(sql, `signup:address:${ip}`, 60 * 60_000);
  return hits > perHour ? retry_after : 0;
}
