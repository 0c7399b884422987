import type { Sql } from '../db/client.ts';
import { decodeCursor, paginate } from '../images/cursor.ts';
import { imagesByIds } from '../images/by-id.sql.ts';
import type { Cursor, Sort } from '../images/list.sql.ts';
import { Invalid } from '../web/errors.tsx';

// Keyset pages as the API hands them out: `next_cursor` in, `next_cursor` out.

/** The cursor a client sent back, for a list in `sort` order; a forged or stale one is a 422 on its field. */
export function readCursor(raw: string | undefined, sort: Sort | 'manual') {
  const cursor = raw ? decodeCursor(raw, sort) : undefined;
  if (cursor === null) throw new Invalid({ cursor: 'Not a cursor of this list (it may be of another sort or order).' });
  return cursor;
}

/** The page of `rows` (a list query's `limit + 1`), with every image's details, and the next page's cursor. */
export async function imagesPage<T extends { id: string }>(sql: Sql, rows: T[], limit: number, encode: (row: T) => string, cursor?: Cursor) {
  const { page, next } = paginate(rows, limit, encode, { cursor });
  return { images: await imagesByIds(sql, page.map((r) => r.id)), next_cursor: next ?? null };
}
