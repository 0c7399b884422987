import type { Queryable, Sql } from '../db/client.ts';

export type UserRow = { id: string; email: string; username: string; password_hash: string };

export async function insertUser(sql: Sql, u: Omit<UserRow, 'id'> & { id: string }) {
  await sql`insert into users (id, email, username, password_hash)
            values (${u.id}, ${u.email}, ${u.username}, ${u.password_hash})`;
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
  const [user]: [UserRow?] = await sql`
    select id, email, username, password_hash from users
    where lower(username) = lower(${login}) or lower(email) = lower(${login})
    limit 1`;
  return user;
}

export async function updatePasswordHash(sql: Queryable, userId: string, hash: string) {
  await sql`update users set password_hash = ${hash} where id = ${userId}`;
}

export async function userExists(sql: Sql, username: string) {
  return (await sql`select 1 from users where lower(username) = lower(${username})`).length === 1;
}

export async function passwordHashOf(sql: Sql, userId: string) {
  const [row]: [{ password_hash: string }?] = await sql`select password_hash from users where id = ${userId}`;
  return row?.password_hash;
}

/** Bytes the user stores now, every object of every image (kept by a trigger: sql/0007, sql/0009). */
export async function usedBytes(sql: Sql, userId: string) {
  const [row] = await sql<{ used: string }[]>`select used_bytes::text as used from users where id = ${userId}`;
  return Number(row?.used ?? 0);
}

/** The user's used bytes, locked until the transaction `tx` ends (so a quota check holds). */
export async function lockUsedBytes(tx: Queryable, userId: string) {
  const [row] = await tx<{ used: string }[]>`select used_bytes::text as used from users where id = ${userId} for update`;
  return Number(row?.used ?? 0);
}

/** Deletes the user; their sessions and image rows go with them (on delete cascade). */
export async function deleteUser(tx: Queryable, userId: string) {
  await tx`delete from users where id = ${userId}`;
}
