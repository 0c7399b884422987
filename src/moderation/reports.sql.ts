import type { PendingQuery, Row } from 'postgres';
import type { Queryable, Sql } from '../db/client.ts';
import { allKeys, KEY_COLUMNS, type KeyParts } from '../images/keys.ts';
import type { ReportReason } from '../images/views.tsx';
import { queueDeletions } from '../storage/deletions.sql.ts';

// Reports of images and albums (sql/0014 `reports`), and what admins do about them.

export type Kind = 'image' | 'album';
export type Item = { kind: Kind; id: string };
export type Resolution = 'hidden' | 'deleted' | 'dismissed';

const TABLES = { image: 'images', album: 'albums' } as const;
const COLUMNS = { image: 'image_id', album: 'album_id' } as const;

/**
 * Files a report unless the reporter already has an open one about the item (the partial
 * unique indexes decide, so two sent at once make one); whether it was filed.
 */
export async function fileReport(sql: Sql, r: { id: string; item: Item; reporterId: string; reason: ReportReason; details: string }) {
  const rows = await sql`
    insert into reports (id, ${sql(COLUMNS[r.item.kind])}, reporter_id, reason, details)
    values (${r.id}, ${r.item.id}, ${r.reporterId}, ${r.reason}, ${r.details})
    on conflict do nothing returning id`;
  return rows.length === 1;
}

/** An item in the admin's lists: what it is, whose, its picture, and its open reports (none in the hidden list). */
export type ListedItem = Item & {
  title: string; filename: string | null; owner: string;
  /** The image whose thumbnail stands for it (an album's cover or first image), if any. */
  thumb: string | null;
  hidden_at: Date | null; hidden_reason: string;
  total: number; reasons: Partial<Record<ReportReason, number>>; details: string | null;
  /** Newest report (open list) or when hidden (hidden list), as text: the page cursor's key. */
  ts: string;
};
export type ItemCursor = { ts: string; key: string };

/** The picture of an album: its chosen cover while a live member, else its first live image. */
const albumThumb = (sql: Queryable) => sql`coalesce(
  (select ai.image_id from album_images ai where ai.album_id = a.id and ai.image_id = a.cover_image_id and not ai.trashed),
  (select ai.image_id from album_images ai where ai.album_id = a.id and not ai.trashed order by ai.created_at desc limit 1))`;

/**
 * One page of items with open reports, the most recently reported first (`limit + 1` rows: another
 * page exists): counts by reason, the latest details written. Images in their owner's trash wait
 * there (a restore brings their reports back).
 */
export function openItems(sql: Sql, cursor: ItemCursor | undefined, limit: number) {
  const after = cursor ? sql`where (latest, kind || ':' || id) < (${cursor.ts}::timestamptz, ${cursor.key})` : sql``;
  return sql<ListedItem[]>`
    with open as (
      select case when image_id is null then 'album' else 'image' end as kind, coalesce(image_id, album_id) as id,
             reason, details, created_at
      from reports where resolved_at is null
    ), items as (
      select kind, id, count(*)::int as total, max(created_at) as latest,
             (array_agg(details order by created_at desc) filter (where details <> ''))[1] as details
      from open group by kind, id
    ), reasons as (
      select kind, id, json_object_agg(reason, n) as reasons
      from (select kind, id, reason, count(*)::int as n from open group by kind, id, reason) r group by kind, id
    ), page as (select * from items ${after})
    select p.kind, p.id, p.total, p.details, r.reasons, p.latest::text as ts, u.username as owner,
           coalesce(i.title, a.title) as title, i.filename, coalesce(i.hidden_at, a.hidden_at) as hidden_at,
           coalesce(i.hidden_reason, a.hidden_reason) as hidden_reason,
           case when p.kind = 'image' then i.id else ${albumThumb(sql)} end as thumb
    from page p join reasons r on r.kind = p.kind and r.id = p.id
    left join images i on p.kind = 'image' and i.id = p.id
    left join albums a on p.kind = 'album' and a.id = p.id
    join users u on u.id = coalesce(i.user_id, a.user_id)
    where i.deleted_at is null
    order by p.latest desc, p.kind || ':' || p.id desc limit ${limit + 1}`;
}

/** One page of the hidden images and albums, the most recently hidden first (`limit + 1` rows). */
export function hiddenItems(sql: Sql, cursor: ItemCursor | undefined, limit: number) {
  const after = cursor ? sql`where (hidden_at, kind || ':' || id) < (${cursor.ts}::timestamptz, ${cursor.key})` : sql``;
  return sql<ListedItem[]>`
    with hidden as (
      select 'image' as kind, i.id, i.title, i.filename, i.hidden_at, i.hidden_reason, i.user_id, i.id as thumb
      from images i where i.hidden_at is not null and i.deleted_at is null
      union all
      select 'album', a.id, a.title, null, a.hidden_at, a.hidden_reason, a.user_id, ${albumThumb(sql)}
      from albums a where a.hidden_at is not null
    )
    select h.kind, h.id, h.title, h.filename, h.hidden_at, h.hidden_reason, h.thumb, u.username as owner,
           h.hidden_at::text as ts, 0 as total, '{}'::json as reasons, null as details
    from (select * from hidden ${after}) h join users u on u.id = h.user_id
    order by h.hidden_at desc, h.kind || ':' || h.id desc limit ${limit + 1}`;
}

/**
 * The thumbnail's object of an image an admin has reason to see now: hidden or with an open
 * report, or in an album that is. Admins are no owners: other private images stay out of their
 * reach here too.
 */
export async function moderatedThumb(sql: Sql, id: string) {
  const open = (column: string, id: PendingQuery<Row[]>) =>
    sql`exists (select 1 from reports r where ${sql(`r.${column}`)} = ${id} and r.resolved_at is null)`;
  const [row]: [KeyParts?] = await sql`
    select ${sql(KEY_COLUMNS)} from images i where i.id = ${id} and (
      i.hidden_at is not null or ${open('image_id', sql`i.id`)}
      or exists (select 1 from album_images ai join albums a on a.id = ai.album_id where ai.image_id = i.id
                 and (a.hidden_at is not null or ${open('album_id', sql`a.id`)})))`;
  return row;
}

/** Closes the item's open reports as decided; how many. */
export async function resolveReports(tx: Queryable, item: Item, resolution: Resolution) {
  const rows = await tx`update reports set resolved_at = now(), resolution = ${resolution}
    where ${tx(COLUMNS[item.kind])} = ${item.id} and resolved_at is null returning id`;
  return rows.length;
}

/** Who owns the item (its name, for the audit log); undefined when it is gone (or an image in the trash). */
export async function ownerOf(tx: Queryable, item: Item) {
  const live = item.kind === 'image' ? tx`and t.deleted_at is null` : tx``;
  const [row]: [{ owner: string }?] = await tx`
    select u.username as owner from ${tx(TABLES[item.kind])} t join users u on u.id = t.user_id where t.id = ${item.id} ${live}`;
  return row?.owner;
}

/**
 * Hides the item from everyone but its owner, with the reason they are shown (a hidden one gets
 * the new reason). The image's epoch moves on (a trigger): shared caches' URLs of it go dead.
 */
export async function hideItem(tx: Queryable, item: Item, reason: string) {
  const live = item.kind === 'image' ? tx`and deleted_at is null` : tx``;
  const rows = await tx`update ${tx(TABLES[item.kind])} set hidden_at = coalesce(hidden_at, now()), hidden_reason = ${reason}
    where id = ${item.id} ${live} returning id`;
  return rows.length === 1;
}

/** Shows the item again as its owner left it; false when it was not hidden. */
export async function unhideItem(tx: Queryable, item: Item) {
  const rows = await tx`update ${tx(TABLES[item.kind])} set hidden_at = null, hidden_reason = ''
    where id = ${item.id} and hidden_at is not null returning id`;
  return rows.length === 1;
}

/**
 * Moves the image to its owner's trash, hidden with `reason`: should they restore it, it comes
 * back hidden, not public again. False when it is not live.
 */
export async function trashImage(tx: Queryable, id: string, reason: string) {
  const rows = await tx`update images set deleted_at = now(), hidden_at = coalesce(hidden_at, now()), hidden_reason = ${reason}
    where id = ${id} and deleted_at is null returning id`;
  return rows.length === 1;
}

/** Deletes the image row (its reports go with it) and queues its objects; their keys, to purge after commit. */
export async function purgeImage(tx: Queryable, id: string) {
  const rows = await tx<KeyParts[]>`delete from images where id = ${id} returning ${tx(KEY_COLUMNS)}`;
  const keys = rows.flatMap((r) => allKeys(r));
  await queueDeletions(tx, keys);
  return keys;
}

/** Deletes the album (not its images; its reports go with it). */
export async function deleteAlbumRow(tx: Queryable, id: string) {
  await tx`delete from albums where id = ${id}`;
}
