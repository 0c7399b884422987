import type { PendingQuery, Row } from 'postgres';
import { atRunTime, count, type Sql } from '../db/client.ts';
import type { Cursor, ListedImage, ListedKey } from '../images/list.sql.ts';
import { IMAGE_COLUMNS, type ImageRow, type Visibility } from '../images/images.sql.ts';
import type { Zipped } from '../images/zip.ts';

export type AlbumSort = 'newest' | 'oldest' | 'manual';
export const ALBUM_SORTS = ['newest', 'oldest', 'manual'] as const;

export type AlbumRow = {
  id: string;
  user_id: string;
  title: string;
  description: string;
  cover_image_id: string | null;
  visibility: Visibility;
  share_token: string | null;
  share_expires_at: Date | null;
  sort: AlbumSort;
  created_at: Date;
  /** Hidden by a moderator (when, and the reason its owner is shown); null: not hidden. */
  hidden_at: Date | null;
  hidden_reason: string;
  /** Hidden, or its owner's account disabled: only its owner sees it (sql/0014). */
  withheld: boolean;
};
/**
 * An album with its owner's name and how many live images it shows, and its row's revision
 * (PostgreSQL's `xmin`: any change of the row, its count included, gives it a new one).
 */
export type Album = AlbumRow & { username: string; count: number; rev: string };

/** What an album's card shows: its cover (the chosen one while it is a live member, else the first image). */
export type AlbumCard = Pick<AlbumRow, 'id' | 'title' | 'visibility' | 'created_at'> & {
  ts: string; username: string; count: number;
  cover: Pick<ImageRow, 'id' | 'width' | 'height' | 'placeholder' | 'thumb_hash' | 'thumb2x_hash' | 'display_hash' | 'epoch' | 'alt_text' | 'title' | 'filename'> | null;
};

/** Whose albums a list shows: one user's all, one user's public ones, or everyone's public ones. */
export type AlbumScope = { ownerId: string } | { username: string } | { public: true };

const ALBUM_COLUMNS = ['id', 'user_id', 'title', 'description', 'cover_image_id', 'visibility', 'share_token',
  'share_expires_at', 'sort', 'created_at', 'hidden_at', 'hidden_reason', 'withheld'] as const satisfies readonly (keyof AlbumRow)[];

/**
 * An album's members with their images, less the withheld ones (hidden by a moderator: no album
 * shares them). Add `not ai.trashed` (which the album's indexes cover) and `i.deleted_at is null`
 * (which holds whatever a race did): the trash shows in no album.
 */
export const members = (sql: Sql) => sql`album_images ai join images i on i.id = ai.image_id and not i.withheld`;

/** What the album's order sorts by: the owner's arrangement, or the images' upload times. */
const sortColumn = (sql: Sql, sort: AlbumSort) => (sort === 'manual' ? sql`ai.position` : sql`ai.created_at`);

/** The album's images in its own order, the id breaking ties; `back` walks it the other way. */
function albumOrder(sql: Sql, sort: AlbumSort, back = false) {
  const asc = (sort !== 'newest') !== back;
  const key = sortColumn(sql, sort);
  return asc ? sql`order by ${key} asc, ai.image_id asc` : sql`order by ${key} desc, ai.image_id desc`;
}

function afterInAlbum(sql: Sql, sort: AlbumSort, c?: Cursor, back = false) {
  if (!c) return sql``;
  const asc = (sort !== 'newest') !== back;
  if (sort === 'manual') return asc ? sql`and (ai.position, ai.image_id) > (${c.key}::int, ${c.id})` : sql`and (ai.position, ai.image_id) < (${c.key}::int, ${c.id})`;
  return asc
    ? sql`and (ai.created_at, ai.image_id) > (${c.key}::text::timestamptz, ${c.id})`
    : sql`and (ai.created_at, ai.image_id) < (${c.key}::text::timestamptz, ${c.id})`;
}

export async function createAlbum(sql: Sql, a: Pick<AlbumRow, 'id' | 'user_id' | 'title' | 'description' | 'visibility' | 'share_token'>) {
  // Withheld from the start when its owner is disabled: the row lock waits for a disable under
  // way, so an album made as the account is disabled cannot slip out public.
  await sql`insert into albums (id, user_id, title, description, visibility, share_token, owner_disabled)
    values (${a.id}, ${a.user_id}, ${a.title}, ${a.description}, ${a.visibility}, ${a.share_token},
            (select disabled_at is not null from users where id = ${a.user_id} for share))`;
}

/** The album with its owner's name and live image count, or undefined. */
export async function findAlbum(sql: Sql, id: string) {
  const [row]: [Album?] = await sql`
    select ${sql(ALBUM_COLUMNS.map((c) => `a.${c}`))}, u.username, a.image_count as count, a.xmin::text as rev
    from albums a join users u on u.id = a.user_id where a.id = ${id}`;
  return row;
}

/** An owner's edit: only the fields sent change. */
export type AlbumEdit = Partial<{
  title: string; description: string; sort: AlbumSort; cover: string;
  visibility: Visibility; expires: 'keep' | 'never' | { days: number }; fresh: string;
}>;

/**
 * Saves the owner's edit in one statement. Unlisted keeps a live link (with its expiry unless
 * another is chosen), else takes `fresh`; public or private drop the link (the rules of image
 * links). A cover must be a member. Undefined when the album is not the user's.
 */
export async function updateAlbum(sql: Sql, id: string, userId: string, e: AlbumEdit) {
  const sets = [sql`id = id`];
  if (e.title !== undefined) sets.push(sql`title = ${e.title}`);
  if (e.description !== undefined) sets.push(sql`description = ${e.description}`);
  if (e.sort !== undefined) sets.push(sql`sort = ${e.sort}`);
  if (e.cover !== undefined) {
    sets.push(sql`cover_image_id = coalesce((select image_id from album_images where album_id = ${id} and image_id = ${e.cover}), cover_image_id)`);
  }
  if (e.visibility === 'unlisted') {
    const live = sql`visibility = 'unlisted' and share_token is not null and (share_expires_at is null or share_expires_at > now())`;
    let expiry = sql`null`;
    if (e.expires === 'keep' || e.expires === undefined) expiry = sql`case when ${live} then share_expires_at end`;
    else if (e.expires !== 'never') expiry = sql`now() + ${e.expires.days} * interval '1 day'`;
    sets.push(sql`share_token = case when ${live} then share_token else ${e.fresh!} end`, sql`share_expires_at = ${expiry}`);
  } else if (e.visibility) sets.push(sql`share_token = null`, sql`share_expires_at = null`);
  // Every right-hand side reads the row as it was before this update (`live` included).
  if (e.visibility) sets.push(sql`visibility = ${e.visibility}`);
  const set = sets.reduce((all, s) => sql`${all}, ${s}`);
  const [row]: [{ id: string }?] = await sql`update albums set ${set} where id = ${id} and user_id = ${userId} returning id`;
  return row;
}

/** Makes the owner's album private, which ends its link; false when not theirs. */
export async function revokeAlbumLink(sql: Sql, id: string, userId: string) {
  const rows = await sql`update albums set visibility = 'private', share_token = null, share_expires_at = null
    where id = ${id} and user_id = ${userId} returning id`;
  return rows.length === 1;
}

/** Deletes the owner's album (its images stay); false when not theirs. */
export async function deleteAlbum(sql: Sql, id: string, userId: string) {
  const rows = await sql`delete from albums where id = ${id} and user_id = ${userId} returning id`;
  return rows.length === 1;
}

/** One page of an album's live images, in its order (`limit + 1` rows: another page exists), with what a cover shows. */
export function albumImages(sql: Sql, a: AlbumPage) {
  return sql<(ListedImage & { position: number })[]>`
    select i.id, i.filename, i.title, i.alt_text, i.visibility, i.width, i.height, i.bytes, i.placeholder,
           i.thumb_hash, i.thumb2x_hash, i.display_hash, i.epoch, i.created_at, i.created_at::text as ts, u.username, ai.position
    ${albumPage(sql, a, sql`join users u on u.id = i.user_id`)}`;
}

/**
 * The same page as its images' keys (for the album's page: images/rows.ts fills in the rest),
 * each `key` where it sorts in the album, as its cursor carries it (albumKey).
 */
export function albumKeys(sql: Sql, a: AlbumPage) {
  return sql<Required<ListedKey>[]>`select i.id, i.xmin as rev, ${sortColumn(sql, a.sort)}::text as key ${albumPage(sql, a)}`;
}

type AlbumPage = { id: string; sort: AlbumSort; cursor?: Cursor; limit: number };

function albumPage(sql: Sql, a: AlbumPage, join = sql``) {
  return sql`
    from ${members(sql)} ${join}
    where ai.album_id = ${atRunTime(sql, a.id)} and not ai.trashed and i.deleted_at is null ${afterInAlbum(sql, a.sort, a.cursor)}
    ${albumOrder(sql, a.sort)} limit ${count(sql, a.limit + 1)}`;
}

/** The album's cursor after `row`: its position in an arranged album, else its time. */
export const albumKey = (sort: AlbumSort, row: { position: number; ts: string }) => (sort === 'manual' ? String(row.position) : row.ts);

/** The live member `imageId` of the album, with its owner's name and place in the album. */
export async function findMember(sql: Sql, albumId: string, imageId: string) {
  const [row]: [(ImageRow & { username: string; ts: string; position: number })?] = await sql`
    select ${sql(IMAGE_COLUMNS.map((c) => `i.${c}`))}, i.created_at::text as ts, u.username, ai.position
    from ${members(sql)} join users u on u.id = i.user_id
    where ai.album_id = ${albumId} and ai.image_id = ${imageId} and not ai.trashed and i.deleted_at is null`;
  return row;
}

/** The members just before and after `at` in the album's order. */
export async function albumNeighbours(sql: Sql, album: { id: string; sort: AlbumSort }, at: { id: string; position: number; ts: string }) {
  const cursor = { key: albumKey(album.sort, at), id: at.id };
  const step = (back: boolean) => sql<{ id: string }[]>`
    select i.id from ${members(sql)}
    where ai.album_id = ${album.id} and not ai.trashed and i.deleted_at is null ${afterInAlbum(sql, album.sort, cursor, back)}
    ${albumOrder(sql, album.sort, back)} limit 1`;
  const [[prev], [next]] = await Promise.all([step(true), step(false)]);
  return { prev: prev?.id, next: next?.id };
}

/** Every live member, in the album's order, with what a zip needs. */
export function albumZipRows(sql: Sql, album: { id: string; sort: AlbumSort }) {
  return sql<Zipped[]>`
    select i.id, i.user_id, i.filename, i.format, i.bytes, i.clean_bytes, i.created_at, i.thumb_hash, i.thumb2x_hash, i.display_hash
    from ${members(sql)} where ai.album_id = ${album.id} and not ai.trashed and i.deleted_at is null ${albumOrder(sql, album.sort)}`;
}

function whereAlbums(sql: Sql, scope: AlbumScope) {
  if ('ownerId' in scope) return sql`a.user_id = ${scope.ownerId}`;
  if ('username' in scope) return sql`lower(u.username) = lower(${scope.username}) and a.visibility = 'public' and not a.withheld`;
  return sql`a.visibility = 'public' and not a.withheld`;
}

/** The card's picture of an album: its image first in `order` (`a` is the album, `ai` its members). */
function coverOf(sql: Sql, order: PendingQuery<Row[]>) {
  return sql`(select json_build_object('id', i.id, 'width', i.width, 'height', i.height, 'placeholder', i.placeholder,
      'thumb_hash', i.thumb_hash, 'thumb2x_hash', i.thumb2x_hash, 'display_hash', i.display_hash, 'epoch', i.epoch,
      'alt_text', i.alt_text, 'title', i.title, 'filename', i.filename)
    from ${members(sql)} where ai.album_id = a.id and not ai.trashed and i.deleted_at is null ${order} limit 1)`;
}

/**
 * One page of albums, newest first, with count and cover: the chosen one while it is a live
 * member, else the first image in the album's order (each through the album's own index).
 */
export function listAlbums(sql: Sql, l: { scope: AlbumScope; cursor?: Cursor; limit: number }) {
  const after = l.cursor ? sql`and (a.created_at, a.id) < (${l.cursor.key}::text::timestamptz, ${l.cursor.id})` : sql``;
  return sql<AlbumCard[]>`
    select a.id, a.title, a.visibility, a.created_at, a.created_at::text as ts, u.username, a.image_count as count,
      coalesce(${coverOf(sql, sql`and ai.image_id = a.cover_image_id`)},
        case a.sort when 'manual' then ${coverOf(sql, albumOrder(sql, 'manual'))}
                    when 'oldest' then ${coverOf(sql, albumOrder(sql, 'oldest'))}
                    else ${coverOf(sql, albumOrder(sql, 'newest'))} end) as cover
    from albums a join users u on u.id = a.user_id
    where ${whereAlbums(sql, l.scope)} ${after}
    order by a.created_at desc, a.id desc limit ${l.limit + 1}`;
}

/** The album's cover: the chosen one while it is a live member, else the first image in its order. */
export async function albumCover(sql: Sql, album: Pick<AlbumRow, 'id' | 'sort' | 'cover_image_id'>) {
  const chosen = album.cover_image_id ? await findMember(sql, album.id, album.cover_image_id) : undefined;
  return chosen ?? (await albumImages(sql, { id: album.id, sort: album.sort, limit: 1 }))[0];
}

/** What a client is shown of one of its albums. */
export type OwnAlbum = Pick<AlbumRow, 'id' | 'user_id' | 'title' | 'description' | 'visibility' | 'share_token' | 'share_expires_at'
  | 'withheld' | 'created_at'> & { count: number; ts: string };

/** One page of the user's albums, newest first; `limit + 1` rows tell whether a next page exists. */
export function listOwnAlbums(sql: Sql, userId: string, cursor: Cursor | undefined, limit: number) {
  const after = cursor ? sql`and (created_at, id) < (${cursor.key}::text::timestamptz, ${cursor.id})` : sql``;
  return sql<OwnAlbum[]>`
    select id, user_id, title, description, visibility, share_token, share_expires_at, withheld, created_at, created_at::text as ts,
           image_count as count
    from albums where user_id = ${userId} ${after} order by created_at desc, id desc limit ${limit + 1}`;
}
