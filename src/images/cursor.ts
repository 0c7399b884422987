import { z } from 'zod';
import type { Cursor, ListedKey, Sort } from './list.sql.ts';
import { searchFields } from './list-context.ts';

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

/** A cursor of its key (a timestamp or a number, as text) and id. */
export const encodeKey = (key: string, id: string) => Buffer.from(`${key}|${id}`).toString('base64url');

/**
 * The cursor of a list's page next to `row`. A cursor of the date-taken order carries no date
 * (`taken`), as its keys carry none: the database looks up where its image sorts.
 */
export const encodeCursor = (row: Pick<ListedKey, 'id' | 'key'>) => encodeKey(row.key ?? 'taken', row.id);

/**
 * The cursor `value` names for `sort`, or null when it is not one (cut off, edited, another
 * sort's). `manual` (an album's arrangement) is keyed by a position, like `largest` by a size.
 */
export function decodeCursor(value: string, sort: Sort | 'manual'): Cursor | null {
  const [key, id, extra] = Buffer.from(value, 'base64url').toString().split('|');
  const keyOk = sort === 'largest' ? /^\d{1,18}$/.test(key ?? '') : sort === 'manual' ? /^\d{1,9}$/.test(key ?? '')
    : sort === 'taken' ? key === 'taken' : isTimestamp(key ?? '');
  return extra === undefined && keyOk && id && /^[\w-]{1,64}$/.test(id) ? { key: key!, id } : null;
}

/** `?q=&sort=&cursor=`: what a list shows, validated; a forged cursor is an error. */
export const listQuery = z
  .object({
    ...searchFields,
    cursor: z.string().max(200).optional(),
    before: z.string().max(200).optional(),
  })
  .transform((v, ctx) => {
    // `before`: the page that ends just before this cursor (a "Previous page" link).
    const raw = v.before ?? v.cursor;
    const cursor = raw ? decodeCursor(raw, v.sort) : undefined;
    if (cursor === null || (v.before && v.cursor)) {
      ctx.addIssue({ code: 'custom', message: 'Invalid page link' });
      return z.NEVER;
    }
    return { q: v.q, sort: v.sort, cursor, before: !!v.before };
  });

/**
 * Splits the `limit + 1` rows of a list query into this page and the cursors of the pages next
 * to it. Read forwards (`before` false), the extra row is the last and says a next page exists,
 * and a page reached through a cursor has one before it. Read backwards (in display order), the
 * extra row is the first and says a previous page exists, and there is always a next one.
 */
export function paginate<T>(rows: T[], limit: number, encode: (row: T) => string, at: { cursor?: Cursor; before?: boolean } = {}) {
  const more = rows.length > limit;
  const page = at.before ? rows.slice(more ? 1 : 0) : rows.slice(0, limit);
  const [first, last] = [page[0], page[page.length - 1]];
  const hasNext = at.before ? true : more;
  const hasPrev = at.before ? more : !!at.cursor;
  return {
    page,
    next: hasNext && last ? encode(last) : undefined,
    prev: hasPrev && first ? encode(first) : undefined,
  };
}
