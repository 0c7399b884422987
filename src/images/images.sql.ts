import type { Sql } from '../db/client.ts';
import type { ImageFormat } from './pipeline.ts';
import { allKeys } from './keys.ts';
import { queueDeletions } from '../janitor/outbox.sql.ts';

export type Visibility = 'public' | 'private' | 'unlisted';

export type ImageRow = {
  id: string;
  user_id: string;
  filename: string;
  visibility: Visibility;
  format: ImageFormat;
  bytes: number;
  sha256: string;
  width: number;
  height: number;
  placeholder: string;
  thumb_hash: string;
  thumb2x_hash: string;
  display_hash: string;
  clean_bytes: number;
  /** Every object of the image together (original, clean copy, derivatives): what the quota charges. */
  stored_bytes: number;
  /** Changes with every change of visibility; part of derivative URLs (sql/0008). */
  epoch: number;
  title: string;
  caption: string;
  alt_text: string;
  share_token: string | null;
  share_expires_at: Date | null;
  created_at: Date;
};

export type NewImage = Omit<ImageRow, 'created_at' | 'epoch' | 'title' | 'caption' | 'alt_text' | 'share_token' | 'share_expires_at'>;

/** Ids of this user's images whose originals have the given SHA-256, keyed by hash. */
export async function findDuplicates(sql: Sql, userId: string, sha256s: string[]) {
  if (sha256s.length === 0) return new Map<string, string>();
  const rows = await sql<{ id: string; sha256: string }[]>`
    select id, sha256 from images where user_id = ${userId} and sha256 in ${sql(sha256s)}`;
  return new Map(rows.map((r) => [r.sha256, r.id]));
}

/** Bytes the user stores now, every object of every image (kept by a trigger: sql/0007, sql/0009). */
export async function usedBytes(sql: Sql, userId: string) {
  const [row] = await sql<{ used: string }[]>`select used_bytes::text as used from users where id = ${userId}`;
  return Number(row?.used ?? 0);
}

/**
 * Inserts, in order, the images whose stored bytes still fit `quota` for their owner, inside a
 * transaction that locks the user row so two uploads of one user cannot both spend the same
 * space. Bytes the user already has (stored before, or earlier in `rows`) are skipped and cost
 * nothing. Returns the inserted ids and the bytes left after them.
 */
export async function insertWithinQuota(sql: Sql, userId: string, rows: NewImage[], quota: number) {
  return sql.begin(async (tx) => {
    const [user] = await tx<{ used: string }[]>`select used_bytes::text as used from users where id = ${userId} for update`;
    let left = quota - Number(user?.used ?? 0);
    const seen = new Set((await findDuplicates(tx as unknown as Sql, userId, rows.map((r) => r.sha256))).keys());
    const fitting: NewImage[] = [];
    for (const r of rows) {
      if (seen.has(r.sha256) || r.stored_bytes > left) continue;
      seen.add(r.sha256);
      fitting.push(r);
      left -= r.stored_bytes;
    }
    if (fitting.length) {
      await tx`insert into images ${tx(fitting,
        'id', 'user_id', 'filename', 'visibility', 'format', 'bytes', 'sha256', 'width', 'height',
        'placeholder', 'thumb_hash', 'thumb2x_hash', 'display_hash', 'clean_bytes', 'stored_bytes')}`;
    }
    return { ids: new Set(fitting.map((r) => r.id)), left };
  });
}

export async function findImage(sql: Sql, id: string) {
  const [row]: [(ImageRow & { username: string; ts: string })?] = await sql`
    select i.*, i.created_at::text as ts, u.username from images i join users u on u.id = i.user_id where i.id = ${id}`;
  return row;
}

/**
 * Deletes the image if `userId` owns it, queueing its objects for deletion in the same
 * transaction; returns their keys (none when nothing was deleted).
 */
export async function deleteOwnedImage(sql: Sql, id: string, userId: string) {
  return sql.begin(async (tx) => {
    const [row]: [ImageRow?] = await tx`delete from images where id = ${id} and user_id = ${userId} returning *`;
    const keys = row ? allKeys(row) : [];
    await queueDeletions(tx as unknown as Sql, keys);
    return keys;
  });
}

/** Sets the owner's texts of an image; false when `userId` does not own it. */
export async function updateDetails(sql: Sql, id: string, userId: string, d: { title: string; caption: string; alt_text: string }) {
  const rows = await sql`update images set title = ${d.title}, caption = ${d.caption}, alt_text = ${d.alt_text}
    where id = ${id} and user_id = ${userId} returning id`;
  return rows.length === 1;
}

/**
 * Sets the visibility of an owned image. Unlisted gets a new share token (any old link stops
 * working); anything else drops the token.
 */
export async function updateVisibility(sql: Sql, id: string, userId: string, v: { visibility: Visibility; token: string | null; expiresAt: Date | null }) {
  const rows = await sql`update images set visibility = ${v.visibility}, share_token = ${v.token}, share_expires_at = ${v.expiresAt}
    where id = ${id} and user_id = ${userId} returning id`;
  return rows.length === 1;
}

export async function userExists(sql: Sql, username: string) {
  return (await sql`select 1 from users where lower(username) = lower(${username})`).length === 1;
}

/** The given images that `userId` owns (others are silently left out). */
export async function findOwned(sql: Sql, userId: string, ids: string[]) {
  return sql<Pick<ImageRow, 'id' | 'filename' | 'title'>[]>`
    select id, filename, title from images where user_id = ${userId} and id in ${sql(ids)} order by created_at desc`;
}

/** Makes many owned images public or private (dropping share links); returns how many changed. */
export async function setVisibilityOfMany(sql: Sql, userId: string, ids: string[], visibility: 'public' | 'private') {
  const rows = await sql`update images set visibility = ${visibility}, share_token = null, share_expires_at = null
    where user_id = ${userId} and id in ${sql(ids)} returning id`;
  return rows.length;
}

/** Deletes many owned images, queueing their objects in the same transaction; returns the keys. */
export async function deleteOwnedImages(sql: Sql, userId: string, ids: string[]) {
  return sql.begin(async (tx) => {
    const rows = await tx<ImageRow[]>`delete from images where user_id = ${userId} and id in ${tx(ids)} returning *`;
    const keys = rows.flatMap((r) => allKeys(r));
    await queueDeletions(tx as unknown as Sql, keys);
    return { count: rows.length, keys };
  });
}
