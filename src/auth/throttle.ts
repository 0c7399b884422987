import type { Sql } from '../db/client.ts';
import { verifyAgainstDummy, verifyPassword } from './password.ts';
import { clear, hit } from './throttle.sql.ts';

// Counters live in PostgreSQL, so every instance sees the same ones. Windows expire: the real
// owner of an attacked account is slowed down, never locked out for good.
const WINDOW_MS = 15 * 60_000;
/** Guesses per account in a window; the per-address limit is the operator's (`LOGIN_ATTEMPTS_PER_ADDRESS`). */
export const LIMITS = { account: 10 } as const;

// By account, whatever name was typed for it (username or email, any case); a login that names
// no account is counted by that name, so guessing at it looks the same as guessing at a real one.
const accountKey = (account: { id: string } | string) =>
  typeof account === 'string' ? `password:login:${account.toLowerCase()}` : `password:account:${account.id}`;
const addressKey = (ip: string) => `password:address:${ip}`;

export type PasswordCheck = { ok: boolean; retryAfter: number };

/**
 * Checks a password against the account's hash (against a dummy when there is no account, so
 * timing does not tell which exist). Every check, from the login form or from settings, counts
 * against the account's and the address's limits before the hash is verified, so many guesses
 * sent at once are all counted; over a limit nothing is verified and `retryAfter` says how long
 * to wait. A right password starts the account's count again.
 */
export async function checkPassword(
  sql: Sql,
  user: { id: string; password_hash: string } | undefined,
  typed: { login: string; password: string; ip: string },
  perAddress: number,
): Promise<PasswordCheck> {
  const key = accountKey(user ?? typed.login);
  const [account, address] = await Promise.all([hit(sql, key, WINDOW_MS), hit(sql, addressKey(typed.ip), WINDOW_MS)]);
  const retryAfter = Math.max(
    account.hits > LIMITS.account ? account.retry_after : 0,
    address.hits > perAddress ? address.retry_after : 0,
  );
  if (retryAfter) return { ok: false, retryAfter };
  const ok = user ? await verifyPassword(user.password_hash, typed.password) : await verifyAgainstDummy(typed.password);
  if (ok && user) await clear(sql, key);
  return { ok, retryAfter: 0 };
}

/**
 * Counts an answer that tells whether an address has an account (given only after the right
 * password, which starts the password count again, hence a count of its own); seconds to wait
 * when over the account limit, else 0.
 */
export function countAccountProbe(sql: Sql, user: { id: string }) {
  return countInWindow(sql, `probe:account:${user.id}`, LIMITS.account);
}

/** Counts one more under `key` in the 15-minute window; seconds to wait when past `limit`, else 0. */
export async function countInWindow(sql: Sql, key: string, limit: number) {
  const { hits, retry_after } = await hit(sql, key, WINDOW_MS);
  return hits > limit ? retry_after : 0;
}

/** Counts a sign-up from `ip`; seconds to wait when over `perHour`, else 0. */
export async function countSignup(sql: Sql, ip: string, perHour: number) {
  const { hits, retry_after } = await hit(sql, `signup:address:${ip}`, 60 * 60_000);
  return hits > perHour ? retry_after : 0;
}

const secondFactorKey = (userId: string) => `2fa:account:${userId}`;

/**
 * Counts a second-factor attempt against the account and the address, with the password limits.
 * The account's count is its own: a right password (which starts the password count again) must
 * not give a code guesser a fresh allowance. Seconds to wait when over a limit, else 0.
 */
export async function countSecondFactor(sql: Sql, userId: string, ip: string, perAddress: number) {
  const [account, address] = await Promise.all([hit(sql, secondFactorKey(userId), WINDOW_MS), hit(sql, addressKey(ip), WINDOW_MS)]);
  return Math.max(
    account.hits > LIMITS.account ? account.retry_after : 0,
    address.hits > perAddress ? address.retry_after : 0,
  );
}

export const clearSecondFactor = (sql: Sql, userId: string) => clear(sql, secondFactorKey(userId));
