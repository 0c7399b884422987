import { randomBytes } from 'node:crypto';
import type { Sql } from '../db/client.ts';
import { inOrderGiven, type ImageRow } from './images.sql.ts';

// Images by id, for a client that shows several at once with their links (the API), and what
// an upload through it sets once its rows are in.

/** What a client is shown of an image: its texts, size, state and what its links are made of. */
export type ImageDetails = Pick<ImageRow, 'id' | 'user_id' | 'filename' | 'title' | 'caption' | 'alt_text' | 'visibility' | 'width' | 'height'
  | 'bytes' | 'created_at' | 'hidden_at' | 'hidden_reason' | 'withheld' | 'share_token' | 'share_expires_at' | 'thumb_hash' | 'epoch'> & { username: string };

/** The live images among `ids` (of `userId` when given), in the order given. */
export async function imagesByIds(sql: Sql, ids: string[], userId?: string) {
  if (ids.length === 0) return [];
  const owner = userId ? sql`and i.user_id = ${userId}` : sql``;
  const rows = await sql<ImageDetails[]>`
    select i.id, i.user_id, i.filename, i.title, i.caption, i.alt_text, i.visibility, i.width, i.height, i.bytes, i.created_at,
           i.hidden_at, i.hidden_reason, i.withheld, i.share_token, i.share_expires_at, i.thumb_hash, i.epoch, u.username
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
