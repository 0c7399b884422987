import type { Sql } from '../db/client.ts';
import type { ImageRow } from './images.sql.ts';

export type Sort = 'newest' | 'oldest' | 'largest';
export const SORTS: readonly Sort[] = ['newest', 'oldest', 'largest'];

/** Whose images: everyone's public ones, one user's own, or one user's public ones. */
export type Scope = { public: true } | { ownerId: string } | { username: string };

/** Where the last page ended: its sort key (timestamp text or byte count) and id. */
export type Cursor = { key: string; id: string };

/** A row of a list, plus what the next page's cursor is made of. */
export type ListedImage = Pick<ImageRow,
  'id' | 'filename' | 'title' | 'alt_text' | 'visibility' | 'width' | 'height' | 'bytes' | 'placeholder' | 'thumb_hash' | 'thumb2x_hash' | 'epoch' | 'created_at'
> & { username: string; ts: string };

export type ListQuery = { scope: Scope; sort: Sort; q?: string; cursor?: Cursor; limit: number };

function whereScope(sql: Sql, scope: Scope) {
  if ('ownerId' in scope) return sql`i.user_id = ${scope.ownerId}`;
  if ('username' in scope) return sql`lower(u.username) = lower(${scope.username}) and i.visibility = 'public'`;
  return sql`i.visibility = 'public'`;
}

/** Title, filename or caption contains `q` (as typed: % and _ match themselves). */
function matching(sql: Sql, q?: string) {
  if (!q) return sql``;
  const like = `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return sql`and (i.title ilike ${like} or i.filename ilike ${like} or i.caption ilike ${like})`;
}

// Keyset pagination: each sort is an index order with the id breaking ties; the cursor's key is
// sent as text, since postgres.js would make a timestamptz parameter a Date and lose microseconds.
// `back` walks the same order the other way (for "previous").
function afterCursor(sql: Sql, sort: Sort, c?: Cursor, back = false) {
  if (!c) return sql``;
  const ascending = (sort === 'oldest') !== back;
  if (sort === 'largest') {
    return ascending ? sql`and (i.bytes, i.id) > (${c.key}::text::bigint, ${c.id})` : sql`and (i.bytes, i.id) < (${c.key}::text::bigint, ${c.id})`;
  }
  return ascending
    ? sql`and (i.created_at, i.id) > (${c.key}::text::timestamptz, ${c.id})`
    : sql`and (i.created_at, i.id) < (${c.key}::text::timestamptz, ${c.id})`;
}

function orderOf(sql: Sql, sort: Sort, back = false) {
  const ascending = (sort === 'oldest') !== back;
  const column = sort === 'largest' ? sql`i.bytes` : sql`i.created_at`;
  return ascending ? sql`order by ${column} asc, i.id asc` : sql`order by ${column} desc, i.id desc`;
}

/** The images just before and after `at` in a list (for previous / next on the image page). */
export async function neighbours(sql: Sql, l: Omit<ListQuery, 'cursor' | 'limit'>, at: { ts: string; bytes: number; id: string }) {
  const cursor = { key: l.sort === 'largest' ? String(at.bytes) : at.ts, id: at.id };
  const step = (back: boolean) => sql<{ id: string }[]>`
    select i.id from images i join users u on u.id = i.user_id
    where ${whereScope(sql, l.scope)} ${matching(sql, l.q)} ${afterCursor(sql, l.sort, cursor, back)}
    ${orderOf(sql, l.sort, back)} limit 1`;
  const [[prev], [next]] = await Promise.all([step(true), step(false)]);
  return { prev: prev?.id, next: next?.id };
}

/** One page of a list; `limit + 1` rows tell whether a next page exists. */
export function listImages(sql: Sql, l: ListQuery) {
  return sql<ListedImage[]>`
    select i.id, i.filename, i.title, i.alt_text, i.visibility, i.width, i.height, i.bytes, i.placeholder,
           i.thumb_hash, i.thumb2x_hash, i.epoch, i.created_at, i.created_at::text as ts, u.username
    from images i join users u on u.id = i.user_id
    where ${whereScope(sql, l.scope)} ${matching(sql, l.q)} ${afterCursor(sql, l.sort, l.cursor)}
    ${orderOf(sql, l.sort)} limit ${l.limit + 1}`;
}
