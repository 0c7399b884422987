import type { Sql } from '../db/client.ts';
import { clear, hit, peek } from './throttle.sql.ts';

// Counters live in PostgreSQL, so every instance sees the same ones. Windows expire: the real
// owner of an attacked account is slowed down, never locked out for good.
const WINDOW_MS = 15 * 60_000;
export const LIMITS = { account: 10, address: 50 } as const;

const accountKey = (login: string) => `login:account:${login.toLowerCase()}`;
const addressKey = (ip: string) => `login:address:${ip}`;

/** Seconds to wait before another login try for this account or address; 0 when allowed. */
export async function loginRetryAfter(sql: Sql, login: string, ip: string) {
  const rows = await peek(sql, [accountKey(login), addressKey(ip)]);
  const limit = (key: string) => (key.startsWith('login:account:') ? LIMITS.account : LIMITS.address);
  return Math.max(0, ...rows.filter((r) => r.hits >= limit(r.key)).map((r) => r.retry_after));
}

export async function recordLoginFailure(sql: Sql, login: string, ip: string) {
  await Promise.all([hit(sql, accountKey(login), WINDOW_MS), hit(sql, addressKey(ip), WINDOW_MS)]);
}

export async function recordLoginSuccess(sql: Sql, login: string) {
  await clear(sql, accountKey(login));
}

/** Counts a sign-up from `ip`; seconds to wait when over `perHour`, else 0. */
export async function signupRetryAfter(sql: Sql, ip: string, perHour: number) {
  const { hits, retry_after } = await hit(sql, `signup:address:${ip}`, 60 * 60_000);
  return hits > perHour ? retry_after : 0;
}
