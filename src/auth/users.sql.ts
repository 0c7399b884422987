import type { Sql } from '../db/client.ts';

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

export async function updatePasswordHash(sql: Sql, userId: string, hash: string) {
  await sql`update users set password_hash = ${hash} where id = ${userId}`;
}

/** Sets the user's email; false when another account already uses it (any letter case). */
export async function updateEmail(sql: Sql, userId: string, email: string) {
  try {
    await sql`update users set email = ${email} where id = ${userId}`;
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === '23505') return false;
    throw err;
  }
}
