import { z } from 'zod';
import type { Cursor, ListedImage, Sort } from '../images/list.sql.ts';
import { searchFields } from '../images/list-context.ts';

// timestamptz as PostgreSQL prints it: 2026-11-24 07:05:09.123456+00
const PG_TIMESTAMP = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d{1,6})?[+-](\d\d)(:\d\d){0,2}$/;

/** The shape, and a date that exists: PostgreSQL refuses 2024-13-45 99:99:99 with an error. */
function isTimestamp(key: string) {
  const m = PG_TIMESTAMP.exec(key);
  if (!m) return false;
  const [year, month, day, hour, minute, second, , offset] = m.slice(1).map(Number) as number[];
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  return year! >= 1 && date.getUTCMonth() === month! - 1 && date.getUTCDate() === day! && hour! < 24 && minute! < 60 && second! < 60 && offset! < 16;
}

/** The next-page cursor after `row` in `sort` order. */
export function encodeCursor(row: Pick<ListedImage, 'ts' | 'bytes' | 'id'>, sort: Sort) {
  const key = sort === 'largest' ? String(row.bytes) : row.ts;
  return Buffer.from(`${key}|${row.id}`).toString('base64url');
}

function decodeCursor(value: string, sort: Sort): Cursor | null {
  const [key, id, extra] = Buffer.from(value, 'base64url').toString().split('|');
  const keyOk = sort === 'largest' ? /^\d{1,18}$/.test(key ?? '') : isTimestamp(key ?? '');
  return extra === undefined && keyOk && id && /^[\w-]{1,64}$/.test(id) ? { key: key!, id } : null;
}

/** `?q=&sort=&cursor=`: what a list shows, validated; a forged cursor is an error. */
export const listQuery = z
  .object({
    ...searchFields,
    cursor: z.string().max(200).optional(),
  })
  .transform((v, ctx) => {
    const cursor = v.cursor ? decodeCursor(v.cursor, v.sort) : undefined;
    if (cursor === null) {
      ctx.addIssue({ code: 'custom', message: 'Invalid page link' });
      return z.NEVER;
    }
    return { q: v.q, sort: v.sort, cursor };
  });

/** Splits the `limit + 1` rows of a list query into this page and the next page's cursor. */
export function paginate(rows: ListedImage[], limit: number, sort: Sort) {
  const page = rows.slice(0, limit);
  return { page, next: rows.length > limit ? encodeCursor(page[page.length - 1]!, sort) : undefined };
}
