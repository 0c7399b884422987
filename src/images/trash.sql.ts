import type { PendingQuery, Row } from 'postgres';
import type { Queryable, Sql } from '../db/client.ts';
import { deleteImages, inOrderGiven, type ImageRow } from './images.sql.ts';
import { KEY_COLUMNS, type KeyParts } from './keys.ts';
import type { Cursor, ListedImage } from './list.sql.ts';

// The trash: rows with `deleted_at` set (sql/0010). They keep their objects and count against
// the quota, but no URL and no list shows them, until they are restored or purged.

/** Moves the owned, live images among `ids` to the trash; returns them in the order given. */
export async function trashOwnedImages(sql: Sql, userId: string, ids: string[]) {
  const rows = await sql<Pick<ImageRow, 'id' | 'filename' | 'title'>[]>`
    update images set deleted_at = now()
    where user_id = ${userId} and id in ${sql(ids)} and deleted_at is null returning id, filename, title`;
  return inOrderGiven(ids, rows);
}

/** Takes the owned images among `ids` out of the trash (others are ignored); returns their ids in the order given. */
export async function restoreOwnedImages(sql: Sql, userId: string, ids: string[]) {
  const rows = await sql<{ id: string }[]>`
    update images set deleted_at = null
    where user_id = ${userId} and id in ${sql(ids)} and deleted_at is not null returning id`;
  return inOrderGiven(ids, rows).map((r) => r.id);
}

/** An image of the trash, with when it went there; `ts` is that moment as text (the page cursor's key). */
export type TrashedImage = Omit<ListedImage, 'username'> & { deleted_at: Date };

/** One page of the user's trash, newest trashed first; `limit + 1` rows tell whether a next page exists. */
export function listTrash(sql: Sql, userId: string, cursor: Cursor | undefined, limit: number) {
  const after = cursor ? sql`and (deleted_at, id) < (${cursor.key}::text::timestamptz, ${cursor.id})` : sql``;
  return sql<TrashedImage[]>`
    select id, filename, title, alt_text, visibility, width, height, bytes, placeholder, thumb_hash, thumb2x_hash,
           epoch, created_at, deleted_at, deleted_at::text as ts
    from images where user_id = ${userId} and deleted_at is not null ${after}
    order by deleted_at desc, id desc limit ${limit + 1}`;
}

/** The image if it is in `userId`'s trash (what its thumbnails there need). */
export async function findTrashed(sql: Sql, id: string, userId: string) {
  const [row]: [KeyParts?] = await sql`
    select ${sql(KEY_COLUMNS)} from images where id = ${id} and user_id = ${userId} and deleted_at is not null`;
  return row;
}

/** How many images are in the user's trash (of `ids`, when given). */
export async function countTrash(sql: Sql, userId: string, ids?: string[]) {
  const only = ids ? sql`and id in ${sql(ids)}` : sql``;
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from images where user_id = ${userId} and deleted_at is not null ${only}`;
  return row!.n;
}

/**
 * Deletes for good the rows of the trash `where` picks, and queues their objects: the trash's
 * way out. `deleted_at is not null` is the delete's own condition, checked again on a row that
 * a restore changed (and committed) meanwhile: a picked image that was restored stays.
 */
function purge(sql: Sql, where: (tx: Queryable) => PendingQuery<Row[]>) {
  return deleteImages(sql, (tx) => tx`deleted_at is not null and ${where(tx)}`);
}

/** Empties the user's trash (or deletes for good the images of `ids` in it); returns their ids and the object keys queued. */
export function emptyTrash(sql: Sql, userId: string, ids?: string[]) {
  return purge(sql, (tx) => (ids ? tx`user_id = ${userId} and id in ${tx(ids)}` : tx`user_id = ${userId}`));
}

/**
 * Purges up to `limit` images that went to the trash `days` days ago or earlier, oldest first.
 * Rows another transaction holds (a restore under way) are skipped, not waited for. The batch is
 * chosen once, as an array: PostgreSQL may run an `in (select ... skip locked)` again during the
 * delete, each time past the rows it has just locked (mail/outbox.sql.ts had that bug).
 */
export async function purgeExpiredTrash(sql: Sql, days: number, limit: number) {
  const { ids, keys } = await purge(sql, (tx) => tx`id = any(array(
    select id from images where deleted_at <= now() - ${days} * interval '1 day'
    order by deleted_at limit ${limit} for update skip locked))`);
  return { count: ids.length, keys };
}
