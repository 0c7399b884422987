import type { Queryable, Sql } from '../db/client.ts';

import type { Role } from '../web/env.ts';

export type UserRow = { id: string; email: string; username: string; password_hash: string };

export async function insertUser(sql: Queryable, u: UserRow & { role: Role; quota_bytes: number | null }) {
  await sql`insert into users (id, email, username, password_hash, role, quota_bytes)
            values (${u.id}, ${u.email}, ${u.username}, ${u.password_hash}, ${u.role}, ${u.quota_bytes})`;
}

/** Makes the accounts named by ADMIN_USERNAMES admins (run at start; sign-up does it for new ones). */
export async function grantConfiguredAdmins(sql: Sql, usernames: readonly string[]) {
  if (usernames.length) await sql`update users set role = 'admin' where lower(username) in ${sql(usernames)} and role <> 'admin'`;
}

/** Whether the account was disabled by an admin (missing accounts are not). */
export async function isDisabled(sql: Queryable, userId: string) {
  return (await sql`select 1 from users where id = ${userId} and disabled_at is not null`).length === 1;
}


/** Which of `email` / `username` are taken (case-insensitively). */
export async function findTaken(sql: Sql, email: string, username: string) {
  const [row] = await sql<{ email: boolean; username: boolean }[]>`
    select bool_or(lower(email) = lower(${email})) as email,
           bool_or(lower(username) = lower(${username})) as username
    from users where lower(email) = lower(${email}) or lower(username) = lower(${username})`;
  return { email: !!row?.email, username: !!row?.username };
}

/** The user whose username or email is `login`, case-insensitively. */
export async function findUserByLogin(sql: Sql, login: string) {
  const [user]: [(UserRow & { disabled: boolean })?] = await sql`
    select id, email, username, password_hash, disabled_at is not null as disabled from users
    where lower(username) = lower(${login}) or lower(email) = lower(${login})
    limit 1`;
  return user;
}

export async function updatePasswordHash(sql: Queryable, userId: string, hash: string) {
  await sql`update users set password_hash = ${hash} where id = ${userId}`;
}

/** Whether `username` has a public page (/u/<name>): a disabled account has none. */
export async function userExists(sql: Sql, username: string) {
  return (await sql`select 1 from users where lower(username) = lower(${username}) and disabled_at is null`).length === 1;
}

export async function passwordHashOf(sql: Sql, userId: string) {
  const [row]: [{ password_hash: string }?] = await sql`select password_hash from users where id = ${userId}`;
  return row?.password_hash;
}

/**
 * Bytes the user stores now, every object of every image (kept by a trigger: sql/0007, sql/0009),
 * and their quota: their own, else the instance's configured one (`fallback`, QUOTA_MB).
 */
export async function storageOf(sql: Queryable, userId: string, fallback: number) {
  const [row] = await sql<StorageRow[]>`
    select used_bytes::text as used, quota_bytes::text as quota from users where id = ${userId}`;
  return storageFrom(row, fallback);
}

/** `used_bytes` and `quota_bytes` as a query reads them (bigints, as text). */
export type StorageRow = { used: string; quota: string | null };
/** A user's storage from their row: their own quota, else `fallback`. */
export const storageFrom = (row: StorageRow | undefined, fallback: number) =>
  ({ used: Number(row?.used ?? 0), quota: row?.quota ? Number(row.quota) : fallback });

/**
 * The user's used bytes, and whether an admin disabled the account, locked until the transaction
 * `tx` ends: a quota check holds, and an upload that commits after a disable is withheld with the rest.
 */
export async function lockAccount(tx: Queryable, userId: string) {
  const [row] = await tx<{ used: string; disabled: boolean }[]>`
    select used_bytes::text as used, disabled_at is not null as disabled from users where id = ${userId} for update`;
  return { used: Number(row?.used ?? 0), disabled: !!row?.disabled };
}

/** Deletes the user; their sessions and image rows go with them (on delete cascade). */
export async function deleteUser(tx: Queryable, userId: string) {
  await tx`delete from users where id = ${userId}`;
}

/** A change refused by a rule of the instance (the last admin stays): thrown inside its transaction, so nothing of it is kept. */
export class Refused extends Error {}

/** Refuses a change that would leave the instance without an admin who can sign in. */
export async function keepAnAdmin(tx: Queryable, userId: string) {
  // Locks every admin row: two admins demoting each other at once take turns.
  const admins = await tx<{ id: string }[]>`select id from users where role = 'admin' and disabled_at is null order by id for update`;
  if (admins.length === 1 && admins[0]!.id === userId) throw new Refused('This is the last admin: make another account an admin first.');
}
