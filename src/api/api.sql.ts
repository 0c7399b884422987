import { randomBytes } from 'node:crypto';
import type { Sql } from '../db/client.ts';
import { inOrderGiven, type ImageRow } from '../images/images.sql.ts';
import type { Cursor } from '../images/list.sql.ts';
import type { AlbumRow } from '../albums/albums.sql.ts';

/** What the API shows of an image. */
export type ApiImageRow = Pick<ImageRow, 'id' | 'filename' | 'title' | 'caption' | 'alt_text' | 'visibility' | 'width' | 'height'
  | 'bytes' | 'created_at' | 'hidden_at' | 'hidden_reason' | 'share_token' | 'thumb_hash' | 'epoch'> & { username: string };

/** The live images among `ids` (of `userId` when given), in the order given. */
export async function imagesByIds(sql: Sql, ids: string[], userId?: string) {
  if (ids.length === 0) return [];
  const owner = userId ? sql`and i.user_id = ${userId}` : sql``;
  const rows = await sql<ApiImageRow[]>`
    select i.id, i.filename, i.title, i.caption, i.alt_text, i.visibility, i.width, i.height, i.bytes, i.created_at,
           i.hidden_at, i.hidden_reason, i.share_token, i.thumb_hash, i.epoch, u.username
    from images i join users u on u.id = i.user_id
    where i.id in ${sql([...new Set(ids)])} and i.deleted_at is null ${owner}`;
  return inOrderGiven(ids, rows);
}

/**
 * Gives each of the user's unlisted images among `ids` that has no link yet a link of its own
 * (160 random bits each): an upload sent as unlisted is stored without one, then linked here.
 * Until then no link opens it, which is the safe side.
 */
export async function giveShareLinks(sql: Sql, userId: string, ids: string[]) {
  if (ids.length === 0) return;
  const tokens = ids.map(() => randomBytes(20).toString('base64url'));
  await sql`update images i set share_token = t.token
    from unnest(${ids}::text[], ${tokens}::text[]) t(id, token)
    where i.id = t.id and i.user_id = ${userId} and i.visibility = 'unlisted' and i.share_token is null`;
}

/** Gives the user's images among `ids` the title an upload was sent with. */
export async function setTitles(sql: Sql, userId: string, ids: string[], title: string) {
  if (ids.length === 0 || !title) return;
  await sql`update images set title = ${title} where user_id = ${userId} and id in ${sql(ids)}`;
}

/** The account a token acts for, with its storage (its own quota, else `fallback`). */
export async function findAccount(sql: Sql, userId: string, fallback: number) {
  const [row] = await sql<{ id: string; username: string; email: string; role: 'user' | 'admin'; used: string; quota: string | null }[]>`
    select id, username, email, role, used_bytes::text as used, quota_bytes::text as quota from users where id = ${userId}`;
  return row && { id: row.id, username: row.username, email: row.email, role: row.role, used_bytes: Number(row.used), quota_bytes: row.quota ? Number(row.quota) : fallback };
}

/** What the API shows of an album. */
export type ApiAlbumRow = Pick<AlbumRow, 'id' | 'title' | 'description' | 'visibility' | 'share_token' | 'created_at'> & { count: number; ts: string };

/** One page of the user's albums, newest first; `limit + 1` rows tell whether a next page exists. */
export function listOwnAlbums(sql: Sql, userId: string, cursor: Cursor | undefined, limit: number) {
  const after = cursor ? sql`and (created_at, id) < (${cursor.key}::text::timestamptz, ${cursor.id})` : sql``;
  return sql<ApiAlbumRow[]>`
    select id, title, description, visibility, share_token, created_at, created_at::text as ts, image_count as count
    from albums where user_id = ${userId} ${after} order by created_at desc, id desc limit ${limit + 1}`;
}
