import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/client.ts';
import { hashToken } from '../auth/session.ts';

export type Purpose = 'reset' | 'verify';
export const TOKEN_TTL_MS: Record<Purpose, number> = { reset: 60 * 60_000, verify: 24 * 60 * 60_000 };

/**
 * A new one-time link token (256 random bits) for the account; only its hash is stored, and it
 * replaces the account's earlier token of the same purpose, so only the newest link works.
 */
export async function issueToken(sql: Queryable, userId: string, purpose: Purpose, email: string) {
  const token = randomBytes(32).toString('base64url');
  await sql`
    insert into account_tokens (hash, user_id, purpose, email, expires_at)
    values (${hashToken(token)}, ${userId}, ${purpose}, ${email}, now() + ${TOKEN_TTL_MS[purpose]} * interval '1 millisecond')
    on conflict (user_id, purpose) do update
      set hash = excluded.hash, email = excluded.email, expires_at = excluded.expires_at, created_at = now()`;
  return token;
}

type TokenRow = { user_id: string; email: string };

/**
 * A reset link works only while the account still uses the address it was mailed to: once a new
 * address is confirmed, whoever still reads the old mailbox must not take the account over.
 */
const stillAddressed = (sql: Queryable) => sql`(account_tokens.purpose <> 'reset' or exists (
  select 1 from users u where u.id = account_tokens.user_id and lower(u.email) = lower(account_tokens.email)))`;

/** The account and address of a live token, without using it. */
export async function findToken(sql: Queryable, token: string, purpose: Purpose) {
  const [row]: [TokenRow?] = await sql`
    select user_id, email from account_tokens
    where hash = ${hashToken(token)} and purpose = ${purpose} and expires_at > now() and ${stillAddressed(sql)}`;
  return row;
}

/** Uses up a live token (once: two requests racing get it once between them). */
export async function consumeToken(tx: Queryable, token: string, purpose: Purpose) {
  const [row]: [TokenRow?] = await tx`
    delete from account_tokens where hash = ${hashToken(token)} and purpose = ${purpose} and expires_at > now() and ${stillAddressed(tx)}
    returning user_id, email`;
  return row;
}

export async function dropTokens(tx: Queryable, userId: string, purpose: Purpose) {
  await tx`delete from account_tokens where user_id = ${userId} and purpose = ${purpose}`;
}
