import type { Sql } from '../db/client.ts';
import type { ImageFormat } from './pipeline.ts';

export type Visibility = 'public' | 'private';

export type ImageRow = {
  id: string;
  user_id: string;
  filename: string;
  visibility: Visibility;
  format: ImageFormat;
  width: number;
  height: number;
  bytes: number;
  sha256: string;
  original_key: string;
  thumb_key: string;
  thumb_hash: string;
  display_key: string;
  display_hash: string;
  created_at: Date;
};

/** A row of a list, plus what the next page's cursor is made of. */
export type ListedImage = Pick<
  ImageRow,
  'id' | 'filename' | 'visibility' | 'width' | 'height' | 'bytes' | 'thumb_hash' | 'created_at'
> & { username: string; ts: string };

export type Cursor = { ts: string; id: string };

export async function insertImages(sql: Sql, rows: Omit<ImageRow, 'created_at'>[]) {
  if (rows.length === 0) return [];
  return sql<ImageRow[]>`insert into images ${sql(rows,
    'id', 'user_id', 'filename', 'visibility', 'format', 'width', 'height', 'bytes', 'sha256',
    'original_key', 'thumb_key', 'thumb_hash', 'display_key', 'display_hash')}
    returning *`;
}

export async function findImage(sql: Sql, id: string) {
  const [row]: [(ImageRow & { username: string })?] = await sql`
    select i.*, u.username from images i join users u on u.id = i.user_id where i.id = ${id}`;
  return row;
}

/** Deletes the image if `userId` owns it; returns the deleted row. */
export async function deleteOwnedImage(sql: Sql, id: string, userId: string) {
  const [row]: [ImageRow?] = await sql`
    delete from images where id = ${id} and user_id = ${userId} returning *`;
  return row;
}

function after(sql: Sql, cursor?: Cursor) {
  // Sent as text: postgres.js would turn a timestamptz parameter into a JS Date, losing microseconds.
  return cursor ? sql`and (i.created_at, i.id) < (${cursor.ts}::text::timestamptz, ${cursor.id})` : sql``;
}

const LIST_COLUMNS = (sql: Sql) =>
  sql`i.id, i.filename, i.visibility, i.width, i.height, i.bytes, i.thumb_hash, i.created_at,
      i.created_at::text as ts, u.username`;

/** Newest first, public images of everyone; `limit + 1` rows tell whether a next page exists. */
export function listPublic(sql: Sql, limit: number, cursor?: Cursor) {
  return sql<ListedImage[]>`
    select ${LIST_COLUMNS(sql)} from images i join users u on u.id = i.user_id
    where i.visibility = 'public' ${after(sql, cursor)}
    order by i.created_at desc, i.id desc limit ${limit + 1}`;
}

/** Newest first, every image of one user. */
export function listOwned(sql: Sql, userId: string, limit: number, cursor?: Cursor) {
  return sql<ListedImage[]>`
    select ${LIST_COLUMNS(sql)} from images i join users u on u.id = i.user_id
    where i.user_id = ${userId} ${after(sql, cursor)}
    order by i.created_at desc, i.id desc limit ${limit + 1}`;
}
