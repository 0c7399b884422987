import type { Queryable, Sql } from '../db/client.ts';

export type MailAccount = { id: string; username: string; email: string; pending_email: string | null; verified: boolean };

const columns = (sql: Queryable) => sql`id, username, email, pending_email, email_verified_at is not null as verified`;

/** The account whose (verified or not, but current) address is `email`, any letter case. */
export async function accountByEmail(sql: Queryable, email: string) {
  const [row]: [MailAccount?] = await sql`select ${columns(sql)} from users where lower(email) = lower(${email})`;
  return row;
}

export async function accountById(sql: Queryable, id: string) {
  const [row]: [MailAccount?] = await sql`select ${columns(sql)} from users where id = ${id}`;
  return row;
}

/**
 * Makes `email` the account's verified address: its current one (a signup's) or the one waiting
 * (a change). False when it is neither any more, or when another account uses it by now.
 */
export async function verifyEmail(sql: Queryable, userId: string, email: string) {
  const rows = await sql`
    update users set
      email = case when lower(pending_email) = lower(${email}) then pending_email else email end,
      pending_email = case when lower(pending_email) = lower(${email}) then null else pending_email end,
      email_verified_at = now()
    where id = ${userId} and (lower(email) = lower(${email}) or lower(pending_email) = lower(${email}))
      and not exists (select 1 from users other where other.id <> ${userId} and lower(other.email) = lower(${email}))
    returning id`;
  return rows.length === 1;
}

/** Marks the account's current address verified (following a reset link to it proves it). */
export async function markVerified(sql: Queryable, userId: string, email: string) {
  await sql`update users set email_verified_at = coalesce(email_verified_at, now())
            where id = ${userId} and lower(email) = lower(${email})`;
}

/** Whether any account uses `email` as its address (any letter case). */
export async function emailInUse(sql: Queryable, email: string) {
  return (await sql`select 1 from users where lower(email) = lower(${email})`).length > 0;
}

export async function setPendingEmail(sql: Sql, userId: string, email: string | null) {
  await sql`update users set pending_email = ${email} where id = ${userId}`;
}

/** Whether the account's address is verified (what REQUIRE_VERIFIED_EMAIL asks before sharing). */
export async function isVerified(sql: Queryable, userId: string) {
  const [row]: [{ verified: boolean }?] = await sql`select email_verified_at is not null as verified from users where id = ${userId}`;
  return !!row?.verified;
}
