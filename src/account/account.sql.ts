import type { Sql } from '../db/client.ts';
import { allKeys, type KeyParts } from '../images/keys.ts';
import { queueDeletions } from '../janitor/outbox.sql.ts';

export async function passwordHashOf(sql: Sql, userId: string) {
  const [row]: [{ password_hash: string }?] = await sql`select password_hash from users where id = ${userId}`;
  return row?.password_hash;
}

/**
 * Deletes the user with their sessions and image rows (cascade), queueing every object of theirs
 * for deletion in the same transaction; returns those keys.
 */
export async function deleteAccount(sql: Sql, userId: string) {
  return sql.begin(async (tx) => {
    const images = await tx<KeyParts[]>`
      select id, format, thumb_hash, thumb2x_hash, display_hash from images where user_id = ${userId}`;
    const keys = images.flatMap((i) => allKeys(i));
    await queueDeletions(tx as unknown as Sql, keys);
    await tx`delete from users where id = ${userId}`;
    return keys;
  });
}
