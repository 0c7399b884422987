import type { Queryable, Sql } from '../db/client.ts';
import type { Visibility } from '../images/images.sql.ts';
import { members } from './albums.sql.ts';

// Which images are in an album, and where: adding, removing, arranging.

/**
 * Adds the owner's live images among `ids` that are not members yet, last in the arranged
 * order, in the order given; the album row is locked so that two adds cannot take one position.
 * Returns the ids added; undefined when the album is not the user's.
 */
export async function addToAlbum(sql: Sql, albumId: string, userId: string, ids: string[]) {
  return sql.begin(async (tx) => {
    const [album] = await tx`select id from albums where id = ${albumId} and user_id = ${userId} for update`;
    if (!album) return undefined;
    // Locked against a trash meanwhile: its trigger could not see the uncommitted member, which
    // would then show in the album while the image is in the trash.
    const live = await tx<{ id: string }[]>`
      select id from images where id in ${tx(ids)} and user_id = ${userId} and deleted_at is null for share`;
    if (live.length === 0) return [];
    const rows = await tx<{ image_id: string }[]>`
      insert into album_images (album_id, image_id, position, created_at)
      select ${albumId}, g.id, coalesce((select max(position) from album_images where album_id = ${albumId}), 0) + g.n, i.created_at
      from unnest(${ids}::text[]) with ordinality g(id, n) join images i on i.id = g.id
      where i.id in ${tx(live.map((r) => r.id))}
      on conflict do nothing returning image_id`;
    return rows.map((r) => r.image_id);
  });
}

/** Takes `ids` out of the owner's album; returns the ids removed (undefined: not the user's album). */
export async function removeFromAlbum(sql: Sql, albumId: string, userId: string, ids: string[]) {
  const [album] = await sql`select id from albums where id = ${albumId} and user_id = ${userId}`;
  if (!album) return undefined;
  const rows = await sql<{ image_id: string }[]>`
    delete from album_images where album_id = ${albumId} and image_id in ${sql(ids)} returning image_id`;
  return rows.map((r) => r.image_id);
}

/**
 * Puts the members among `ids` in the order given, in the positions they hold between them now
 * (the whole album, one page of it, or two neighbours to swap), and makes the album's order the
 * arranged one. False when the album is not the user's.
 */
export async function reorderAlbum(sql: Sql, albumId: string, userId: string, given: string[]) {
  // Each id once, at its first place: a repeated one would take two places.
  const ids = [...new Set(given)];
  return sql.begin(async (tx) => {
    const [album] = await tx`update albums set sort = 'manual' where id = ${albumId} and user_id = ${userId} returning id`;
    if (!album) return false;
    await tx`
      with wanted as (select g.id, g.n from unnest(${ids}::text[]) with ordinality g(id, n)
                      join album_images ai on ai.album_id = ${albumId} and ai.image_id = g.id),
           ranked as (select id, row_number() over (order by n) as r from wanted),
           slots as (select position, row_number() over (order by position) as r
                     from album_images where album_id = ${albumId} and image_id in (select id from wanted))
      update album_images ai set position = s.position
      from ranked k join slots s on s.r = k.r
      where ai.album_id = ${albumId} and ai.image_id = k.id`;
    return true;
  });
}

/** The live member just before (`up`) or after (`down`) `imageId` in the album's arrangement. */
export async function arrangedNeighbour(sql: Sql, albumId: string, imageId: string, direction: 'up' | 'down') {
  const [row] = await sql<{ id: string }[]>`
    select i.id from album_images me join ${members(sql)} on ai.album_id = me.album_id
    where me.album_id = ${albumId} and me.image_id = ${imageId} and not ai.trashed and i.deleted_at is null
      and ${direction === 'up' ? sql`ai.position < me.position` : sql`ai.position > me.position`}
    order by ai.position ${direction === 'up' ? sql`desc` : sql`asc`} limit 1`;
  return row?.id;
}

/** How many of `ids` (the owner's, not yet in the album) are not public: who would newly see them. */
export async function countUnshared(sql: Sql, albumId: string, userId: string, ids: string[]) {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from images i
    where i.id in ${sql(ids)} and i.user_id = ${userId} and i.deleted_at is null and i.visibility <> 'public'
      and not exists (select 1 from album_images ai where ai.album_id = ${albumId} and ai.image_id = i.id)`;
  return row!.n;
}

/**
 * Adds the owner's images `ids` to their album, as every way of adding does: when the album is
 * seen by others and some of the images are not public, only with `confirm` (they would be shown
 * to the album's audience); else nothing is added and `unshared` says how many would be.
 */
export async function joinAlbum(
  sql: Sql, album: { id: string; visibility: Visibility }, userId: string, ids: string[], confirm: boolean,
): Promise<{ unshared: number } | { added: string[] }> {
  if (ids.length === 0) return { added: [] };
  const unshared = album.visibility === 'private' || confirm ? 0 : await countUnshared(sql, album.id, userId, ids);
  if (unshared > 0) return { unshared };
  return { added: (await addToAlbum(sql, album.id, userId, ids)) ?? [] };
}

/** How many of the album's live images are not public: who would newly see them if it were shared. */
export async function countUnsharedMembers(sql: Sql, albumId: string) {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from ${members(sql)} where ai.album_id = ${albumId} and not ai.trashed and i.deleted_at is null and i.visibility <> 'public'`;
  return row!.n;
}

/** The owner's albums (for "Add to album" menus), with whether `imageId` is in each. */
export function albumChoices(sql: Queryable, userId: string, imageId = '') {
  return sql<{ id: string; title: string; visibility: Visibility; member: boolean }[]>`
    select a.id, a.title, a.visibility,
      exists (select 1 from album_images ai where ai.album_id = a.id and ai.image_id = ${imageId}) as member
    from albums a where a.user_id = ${userId} order by a.created_at desc, a.id desc limit 500`;
}
